package bot_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
)

// guildOnShard returns a guild id whose events go to shard of count shards.
func guildOnShard(t *testing.T, shard, count int) string {
	t.Helper()
	for id := uint64(800000000000000001); id < 800000000000000001+uint64(count)<<23; id += 1 << 22 {
		g := strconv.FormatUint(id, 10)
		if discordtest.ShardOf(g, count) == shard {
			return g
		}
	}
	t.Fatalf("no guild on shard %d of %d", shard, count)
	return ""
}

// runBot runs a bot on cfg against srv until the test ends; it returns the bot and its
// logs.
func runBot(t *testing.T, srv *discordtest.Server, cfg bot.Config, opts bot.Options) (*bot.Bot, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	cfg.Token, cfg.APIURL, cfg.DataDir = discordtest.DefaultToken, srv.URL, t.TempDir()
	opts.NoRateLimit = true
	b, err := bot.New(cfg, realIndex, slog.New(slog.NewTextHandler(logs, nil)), opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return b, logs
}

// identifiedShards returns the shard field of every IDENTIFY the server received.
func identifiedShards(t *testing.T, srv *discordtest.Server) [][2]int {
	t.Helper()
	var out [][2]int
	for _, raw := range srv.Identifies() {
		var id struct {
			Shard *[2]int `json:"shard"`
		}
		if err := json.Unmarshal(raw, &id); err != nil {
			t.Fatal(err)
		}
		if id.Shard == nil {
			out = append(out, [2]int{0, 1})
		} else {
			out = append(out, *id.Shard)
		}
	}
	return out
}

// TestAutoShards runs STANDOFF_SHARD_COUNT=auto against a Discord that recommends three
// shards: one process opens them all over one index, registers the commands once, and
// answers in guilds of every shard.
func TestAutoShards(t *testing.T) {
	srv := discordtest.New(discordtest.WithRecommendedShards(3))
	t.Cleanup(srv.Close)
	b, logs := runBot(t, srv, bot.Config{AutoShards: true, GuildIDs: []string{guildID}}, bot.Options{ShardStartInterval: 20 * time.Millisecond})
	if !srv.WaitConnected(timeout) {
		t.Fatalf("not every shard connected: %v\n%s", srv.ConnectedShards(), logs.String())
	}
	if got := identifiedShards(t, srv); len(got) != 3 || got[0] != [2]int{0, 3} || got[1] != [2]int{1, 3} || got[2] != [2]int{2, 3} {
		t.Errorf("identified shards %v, want 0, 1 and 2 of 3 in order", got)
	}
	if _, ok := srv.WaitCall(timeout, 0, func(c discordtest.Call) bool { return c.Kind == discordtest.KindCommands }); !ok {
		t.Fatal("no command registration")
	}
	for shard := range 3 {
		place := discordtest.Place{GuildID: guildOnShard(t, shard, 3), ChannelID: channelID}
		id := srv.Slash(alice, place, "ask", discordtest.Opt{Name: "question", Value: "what is breakout time?"})
		if _, p, err := srv.Response(timeout, id); err != nil || len(p.Embeds) == 0 {
			t.Errorf("shard %d: %v %s", shard, err, p.Sprint())
		}
	}
	// A direct message arrives on shard 0.
	dm := srv.Post(alice, inDM, "what is snapback?", false)
	if _, _, err := srv.Reply(timeout, dm); err != nil {
		t.Error(err)
	}
	n := 0
	for _, c := range srv.Calls() {
		if c.Kind == discordtest.KindCommands {
			n++
		}
	}
	if n != 1 {
		t.Errorf("commands registered %d times, want once", n)
	}
	if got := metric(t, b.Handler(), "standoff_gateway_shards_connected"); got != 3 {
		t.Errorf("shards connected = %v, want 3", got)
	}

	srv.DropShard(1)
	var body string
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var code int
		if code, body = get(t, b.Handler(), "/healthz"); code == http.StatusServiceUnavailable {
			break
		}
	}
	if body != "gateway disconnected: shard 1\n" {
		t.Errorf("/healthz with shard 1 down: %q", body)
	}
	if !srv.WaitConnected(timeout) {
		t.Error("shard 1 did not come back")
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("breaches of Discord's rules: %v", v)
	}
}

// TestOneShardOfMany runs shard 1 of 2, as one process of several: it identifies as
// that shard, answers its guilds, and leaves command registration to shard 0.
func TestOneShardOfMany(t *testing.T) {
	srv := discordtest.New()
	t.Cleanup(srv.Close)
	runBot(t, srv, bot.Config{ShardID: 1, ShardCount: 2, GuildIDs: []string{guildID}}, bot.Options{})
	if !srv.WaitUntil(timeout, func() bool { return len(srv.ConnectedShards()) == 1 }) {
		t.Fatal("shard 1 did not connect")
	}
	if got := identifiedShards(t, srv); len(got) != 1 || got[0] != [2]int{1, 2} {
		t.Errorf("identified %v, want shard 1 of 2", got)
	}
	place := discordtest.Place{GuildID: guildOnShard(t, 1, 2), ChannelID: channelID}
	id := srv.Slash(alice, place, "ask", discordtest.Opt{Name: "question", Value: "what is breakout time?"})
	if _, p, err := srv.Response(timeout, id); err != nil || len(p.Embeds) == 0 {
		t.Errorf("%v %s", err, p.Sprint())
	}
	for _, c := range srv.Calls() {
		if c.Kind == discordtest.KindCommands {
			t.Error("shard 1 registered commands")
		}
	}
}

// TestAutoShardsRefusesWithoutSessionStarts checks that the bot does not start more
// shards than Discord allows session starts, which would get its token reset.
func TestAutoShardsRefusesWithoutSessionStarts(t *testing.T) {
	srv := discordtest.New(discordtest.WithRecommendedShards(2000))
	t.Cleanup(srv.Close)
	cfg := bot.Config{AutoShards: true, Token: discordtest.DefaultToken, APIURL: srv.URL, DataDir: t.TempDir()}
	b, err := bot.New(cfg, realIndex, nil, bot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "session starts") {
		t.Errorf("Run = %v, want a refusal for lack of session starts", err)
	}
}
