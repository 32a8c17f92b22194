package bot

// This file: keeping each shard's gateway connection: reconnecting with back-off,
// resuming where Discord allows it, stopping on the close codes that no reconnection
// can mend, and closing a zombie connection after one missed heartbeat ACK.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// openTimeout bounds one attempt to open a gateway connection.
const openTimeout = 30 * time.Second

// connect opens sh's gateway connection, trying again with back-off (from backoffBase to
// backoffMax, with jitter) while Discord is unreachable or fails, until it connects, ctx
// is done, or Discord closes the connection with a code that no retry can mend (see
// fatalClose). discordgo resumes the session when it has one, and identifies otherwise.
// Meanwhile the shard's readiness says why it is not connected.
func (b *Bot) connect(ctx context.Context, sh *shard) error {
	for n := 1; ; n++ {
		err := openSession(ctx, sh.s, openTimeout)
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			sh.setProblem("")
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err = rebaseError(err, b.cfg.APIURL)
		if msg, ok := fatalClose(err, b.intentNames()); ok {
			sh.setProblem(msg)
			return fmt.Errorf("shard %d: %s", sh.id, msg)
		}
		wait := backoff(n)
		sh.setProblem(fmt.Sprintf("connecting, attempt %d failed: %s", n, redactTokens(err.Error())))
		b.log.Warn("connecting to the Discord gateway failed; trying again", "shard", sh.id,
			"attempt", n, "retry_in", wait.Round(time.Millisecond), "err", redactError(err))
		if err := b.rest.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// keep reconnects sh each time its connection closes, until ctx is done (nil) or the
// shard cannot connect again (the error).
func (b *Bot) keep(ctx context.Context, sh *shard) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sh.lost:
		}
		if b.isClosing() {
			return nil
		}
		sh.setProblem("reconnecting")
		if err := b.connect(ctx, sh); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// fatalClose says whether err is Discord closing the gateway with a code after which it
// allows no new connection (4004, 4010 to 4014), and what to tell the operator.
func fatalClose(err error, intents string) (string, bool) {
	ce, ok := errors.AsType[*websocket.CloseError](err)
	if !ok {
		return "", false
	}
	what := fmt.Sprintf("Discord closed the gateway with %d (%s)", ce.Code, strings.TrimSpace(ce.Text))
	switch ce.Code {
	case 4004:
		return what + ": the token was refused; it is wrong or was reset. Put the bot's current token in DISCORD_TOKEN", true
	case 4010:
		return what + ": the shard is not valid; check STANDOFF_SHARD_ID and STANDOFF_SHARD_COUNT", true
	case 4011:
		return what + ": Discord requires sharding for this bot; set STANDOFF_SHARD_COUNT=auto", true
	case 4012:
		return what + ": the gateway version is not valid", true
	case 4013:
		return what + ": the intents " + intents + " are not valid", true
	case 4014:
		return what + ": the application may not use the intents it asks for (" + intents +
			"); allow them in the Developer Portal, under Bot", true
	}
	return "", false
}

// intentNames names the gateway intents the bot asks for.
func (b *Bot) intentNames() string {
	var names []string
	for _, in := range []struct {
		bit  discordgo.Intent
		name string
	}{
		{discordgo.IntentsGuildMessages, "GUILD_MESSAGES"},
		{discordgo.IntentsDirectMessages, "DIRECT_MESSAGES"},
		{discordgo.IntentsMessageContent, "MESSAGE_CONTENT"},
	} {
		if botIntents&in.bit != 0 {
			names = append(names, in.name)
		}
	}
	return strings.Join(names, ", ")
}

// heartbeatFallback is how long a connection may go without a heartbeat ACK before the
// bot has measured the heartbeat interval: longer than Discord's 41.25 s.
const heartbeatFallback = 2 * time.Minute

// watchHeartbeats closes sh's connection when Discord stops acknowledging heartbeats (a
// zombie connection): once the latest ACK is older than one and a half heartbeat
// intervals, that is after one missed ACK, rather than discordgo's five intervals. It
// closes with a code that keeps the session resumable (not 1000, which ends it), and the
// keeper resumes. The interval is measured: the longest gap between two ACKs, once two
// gaps were seen (Discord's interval does not change from one connection to the next).
func (b *Bot) watchHeartbeats(ctx context.Context, sh *shard) {
	var (
		conn    int64     // the connection watched, by sh.connects
		lastAck time.Time // the latest ACK seen
		gap     time.Duration
		gaps    int
	)
	for {
		poll := 250 * time.Millisecond
		if gaps >= 2 {
			poll = min(max(gap/4, 10*time.Millisecond), time.Second)
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if !sh.s.TryRLock() {
			continue // opening or closing: nothing to watch yet
		}
		ack, up := sh.s.LastHeartbeatAck, sh.s.DataReady
		sh.s.RUnlock()
		if c := sh.connects.Load(); c != conn || !up || lastAck.IsZero() {
			// A new connection: its ACKs start over; Discord's interval stays the same.
			conn, lastAck = c, ack
			continue
		}
		if ack.After(lastAck) {
			gap, gaps, lastAck = max(gap, ack.Sub(lastAck)), gaps+1, ack
			continue
		}
		limit := heartbeatFallback
		if gaps >= 2 {
			limit = gap + gap/2
		}
		if since := time.Since(lastAck); since > limit {
			b.log.Warn("no heartbeat ACK from the gateway: closing the connection to resume", "shard", sh.id,
				"since_ack", since.Round(time.Millisecond), "interval", gap.Round(time.Millisecond))
			sh.setProblem("heartbeat not acknowledged; reconnecting")
			sh.s.CloseWithCode(websocket.CloseServiceRestart)
			conn = -1
		}
	}
}
