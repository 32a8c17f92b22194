package bot

// This file: the busy notice: what members are told when Discord would not take their
// answers in time, as in a burst on a rate-limited route.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

const (
	// busyGather is how long the busy notice of a channel waits for the other questions
	// of the same burst, so that one message tells them all.
	busyGather = 500 * time.Millisecond
	// busyEvery is the least time between two busy notices in one channel.
	busyEvery = 5 * time.Second
	// maxBusyChannels bounds the channels whose last notice is remembered.
	maxBusyChannels = 1024
)

// errBusy marks the outcome of a question whose interaction Discord would not take in
// time (its three seconds ran out in retries), when the member was told in the channel
// to ask again.
var errBusy = errors.New("too busy to answer in time: the member was told to ask again")

// busyNotices tells a channel, in one message for a burst, that questions asked in it
// could not be answered in time. An interaction whose first response Discord refused is
// lost (nothing more can be sent through it), so the notice is a plain channel message:
// it names no one and pings no one (a private question stays private), and says how
// many questions it is about.
type busyNotices struct {
	rest restPolicy
	log  *slog.Logger

	mu      sync.Mutex
	pending map[string]*busyBatch // by channel: the notice being gathered
	last    map[string]time.Time  // by channel: when its last notice went out
}

// busyBatch is the questions one notice is about; done is closed once it was sent (or
// failed, err).
type busyBatch struct {
	n    int
	done chan struct{}
	err  error
}

func newBusyNotices(rest restPolicy, log *slog.Logger) *busyNotices {
	return &busyNotices{rest: rest, log: log, pending: map[string]*busyBatch{}, last: map[string]time.Time{}}
}

// tell counts a question asked in channel in the channel's next busy notice, and waits
// until the notice was sent; it returns why it was not, or ctx's error.
func (bn *busyNotices) tell(ctx context.Context, s *discordgo.Session, channel string) error {
	if channel == "" {
		return errors.New("busy notice: no channel to post in")
	}
	bn.mu.Lock()
	batch := bn.pending[channel]
	if batch == nil {
		batch = &busyBatch{done: make(chan struct{})}
		bn.pending[channel] = batch
		wait := busyGather
		if last, ok := bn.last[channel]; ok {
			wait = max(wait, time.Until(last.Add(busyEvery)))
		}
		// The notice outlives the question that started it: the others wait on it too.
		sctx := context.WithoutCancel(ctx)
		time.AfterFunc(wait, func() { bn.send(sctx, s, channel, batch) })
	}
	batch.n++
	bn.mu.Unlock()
	select {
	case <-batch.done:
		return batch.err
	case <-ctx.Done():
		return fmt.Errorf("busy notice: %w", ctx.Err())
	}
}

// send posts batch's notice in channel.
func (bn *busyNotices) send(ctx context.Context, s *discordgo.Session, channel string, batch *busyBatch) {
	bn.mu.Lock()
	delete(bn.pending, channel)
	n := batch.n
	if len(bn.last) >= maxBusyChannels {
		for c, t := range bn.last {
			if time.Since(t) > busyEvery {
				delete(bn.last, c)
			}
		}
		if len(bn.last) >= maxBusyChannels {
			clear(bn.last)
		}
	}
	bn.last[channel] = time.Now()
	bn.mu.Unlock()
	msg := &discordgo.MessageSend{Content: busyText(n), AllowedMentions: noMentions()}
	err := bn.rest.do(ctx, restCall{deadline: time.Now().Add(messageWindow)}, func(opts ...discordgo.RequestOption) error {
		_, err := s.ChannelMessageSendComplex(channel, msg, opts...)
		return err
	})
	if err != nil {
		batch.err = fmt.Errorf("busy notice: %w", err)
		bn.log.Warn("busy notice not delivered", "channel", channel, "questions", n, "err", err)
	} else {
		bn.log.Info("busy notice sent", "channel", channel, "questions", n)
	}
	close(batch.done)
}

// busyText is the busy notice about n questions.
func busyText(n int) string {
	what := "one question"
	if n > 1 {
		what = fmt.Sprintf("%d questions", n)
	}
	return fmt.Sprintf("⏳ Too many questions reached me at once: Discord would not let me answer %s in time. "+
		"If yours got no reply, please ask again in a few seconds.", what)
}
