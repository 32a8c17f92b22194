package bot_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
)

// running is a bot whose Run's error the test reads.
type running struct {
	bot    *bot.Bot
	logs   *syncBuffer
	done   chan error
	cancel context.CancelFunc
}

// launch runs a bot against srv; the test ends it, after it ended by itself or not.
func launch(t *testing.T, srv *discordtest.Server, opts bot.Options) *running {
	t.Helper()
	r := &running{logs: &syncBuffer{}, done: make(chan error, 1)}
	cfg := bot.Config{Token: discordtest.DefaultToken, APIURL: srv.URL, DataDir: t.TempDir(),
		GuildIDs: []string{guildID}, ShardCount: 1, LogLevel: slog.LevelInfo}
	b, err := bot.New(cfg, realIndex, slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug})), opts)
	if err != nil {
		t.Fatal(err)
	}
	r.bot = b
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(15 * time.Second):
			t.Error("Run did not return after its context was cancelled")
		}
	})
	return r
}

// ended waits for Run to return and gives its error; ok is false when it did not.
func (r *running) ended(within time.Duration) (err error, ok bool) {
	select {
	case err := <-r.done:
		r.done <- err // for the clean-up
		return err, true
	case <-time.After(within):
		return nil, false
	}
}

// TestZombieConnectionResumed: when Discord stops acknowledging heartbeats, the bot
// closes the connection after one missed ACK with a code that keeps its session, and
// resumes it, instead of waiting five intervals and starting a new session.
func TestZombieConnectionResumed(t *testing.T) {
	srv := discordtest.New(discordtest.WithHeartbeatInterval(300 * time.Millisecond))
	t.Cleanup(srv.Close)
	h := start(t, srv, testAnswerer{Answerer: realIndex}, "", bot.Options{})
	if !srv.WaitUntil(timeout, func() bool { return srv.Heartbeats() >= 4 }) {
		t.Fatal("too few heartbeats")
	}
	identifies := len(srv.Identifies())
	srv.StopHeartbeatAcks()
	if !srv.WaitUntil(timeout, func() bool { return srv.Resumes() > 0 }) {
		t.Fatalf("the zombie connection was not resumed; logs:\n%s", h.logs.String())
	}
	if n := len(srv.Identifies()); n != identifies {
		t.Errorf("%d IDENTIFYs after the zombie connection, want none: the session should resume", n-identifies)
	}
	if n := srv.UnackedHeartbeats(); n > 3 {
		t.Errorf("%d heartbeats went unacknowledged before the bot reconnected, want one or two", n)
	}
	if _, p := h.ask(t, alice, "what is breakout time?"); len(p.Embeds) == 0 {
		t.Errorf("no answer after the resume: %s", p.Sprint())
	}
}

// TestFatalCloseStopsRun: a token revoked (close 4004) or intents no longer allowed
// (4014) mid-session end Run with an error that says what to do, instead of
// reconnecting for ever.
func TestFatalCloseStopsRun(t *testing.T) {
	for _, tt := range []struct {
		name   string
		inject func(*discordtest.Server)
		want   []string
	}{
		{"4004 token revoked", (*discordtest.Server).RevokeToken, []string{"4004", "DISCORD_TOKEN"}},
		{"4014 disallowed intents", func(s *discordtest.Server) { s.DisallowIntents(int64(discordgo.IntentsGuildMessages)) },
			[]string{"4014", "GUILD_MESSAGES", "Developer Portal"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := discordtest.New(discordtest.WithHeartbeatInterval(time.Second))
			t.Cleanup(srv.Close)
			w := &waits{}
			r := launch(t, srv, bot.Options{Wait: w.wait})
			if !srv.WaitUntil(timeout, func() bool { ok, _ := r.bot.Health(); return ok }) {
				t.Fatalf("never ready; logs:\n%s", r.logs.String())
			}
			tt.inject(srv)
			err, ok := r.ended(timeout)
			if !ok {
				t.Fatalf("Run goes on after the close; logs:\n%s", r.logs.String())
			}
			if err == nil {
				t.Fatal("Run returned nil")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Run = %q, want it to say %q", err, want)
				}
			}
			if strings.Contains(err.Error(), discordtest.DefaultToken) {
				t.Error("the error shows the token")
			}
		})
	}
}

// TestGatewayUnreachableAtStart: while the gateway cannot be reached at start, the bot
// keeps trying with back-off instead of exiting; /livez answers, /readyz says why it is
// not ready; once Discord is back it connects, is ready, and its reconnect counter is
// there, at 0.
func TestGatewayUnreachableAtStart(t *testing.T) {
	srv := discordtest.New(discordtest.WithHeartbeatInterval(time.Second))
	t.Cleanup(srv.Close)
	srv.FailNext(discordtest.KindGateway, 3, discordtest.Fault{Status: 503})
	hold := make(chan struct{})
	srv.FailNext(discordtest.KindGateway, 1, discordtest.Fault{Hold: hold})
	w := &waits{}
	r := launch(t, srv, bot.Options{Wait: w.wait})
	if !srv.WaitUntil(timeout, func() bool { return srv.Faults() == 4 }) {
		err, _ := r.ended(0)
		t.Fatalf("%d attempts to reach the gateway, want 4; Run: %v; logs:\n%s", srv.Faults(), err, r.logs.String())
	}
	if err, ended := r.ended(0); ended {
		t.Fatalf("Run returned while Discord was away: %v", err)
	}
	hh := r.bot.Handler()
	if code, body := get(t, hh, "/livez"); code != http.StatusOK {
		t.Errorf("/livez = %d %q while connecting, want 200", code, body)
	}
	code, body := get(t, hh, "/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "shard 0") || !strings.Contains(body, "attempt 3 failed") {
		t.Errorf("/readyz = %d %q while connecting, want 503 with the shard and its last failure", code, body)
	}
	close(hold)
	if !srv.WaitUntil(timeout, func() bool { ok, _ := r.bot.Health(); return ok }) {
		_, reason := r.bot.Health()
		t.Fatalf("not ready once Discord is back: %s; logs:\n%s", reason, r.logs.String())
	}
	if len(w.all()) != 3 {
		t.Errorf("waits %v, want 3 back-offs", w.all())
	}
	if got := metric(t, hh, `standoff_gateway_reconnects_total{shard="0"}`); got != 0 {
		t.Errorf("reconnects = %v, want 0", got)
	}
}
