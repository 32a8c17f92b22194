package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// shard is one gateway session of the bot. A process runs one shard (ShardID of
// ShardCount) or, with AutoShards, every shard of the count Discord recommends, all
// answering from the same index.
type shard struct {
	id       int
	s        *discordgo.Session
	connects atomic.Int64
	lost     chan struct{} // a connection closed: the keeper makes a new one (buffered, 1)

	mu      sync.Mutex
	problem string // why the shard is not connected, when that is known
}

// newShard returns shard id of the bot, on session s.
func newShard(id int, s *discordgo.Session) *shard {
	return &shard{id: id, s: s, lost: make(chan struct{}, 1)}
}

// setProblem records why the shard is not connected ("" once it is).
func (sh *shard) setProblem(p string) {
	sh.mu.Lock()
	sh.problem = p
	sh.mu.Unlock()
}

func (sh *shard) why() string {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.problem
}

// up reports whether the shard's gateway connection is up: discordgo's DataReady, set
// once a heartbeat went out on a new connection and cleared when it closes. It is read
// under the session's lock (the Connect and Disconnect events run in goroutines of their
// own, so their order is not the connection's). Open and Close hold that lock for as long
// as they take (a gateway that does not answer, Close's second): the connection is not
// up meanwhile, and the probes do not wait for it.
func (sh *shard) up() bool {
	if !sh.s.TryRLock() {
		return false
	}
	defer sh.s.RUnlock()
	return sh.s.DataReady
}

// shardPlan is what planShards decided: the shards to run, of how many in all, and how
// many of them may identify at once (Discord's max_concurrency).
type shardPlan struct {
	ids         []int
	count       int
	concurrency int
}

// planShards decides which shards this process runs. With AutoShards it asks Discord
// (GET /gateway/bot through probe) for the recommended count and runs them all, after
// checking that Discord still allows that many session starts today.
func (b *Bot) planShards(ctx context.Context, probe *discordgo.Session) (shardPlan, error) {
	if !b.cfg.AutoShards {
		return shardPlan{ids: []int{b.cfg.ShardID}, count: b.cfg.ShardCount, concurrency: 1}, nil
	}
	var gb *discordgo.GatewayBotResponse
	err := b.rest.do(ctx, restCall{}, func(opts ...discordgo.RequestOption) error {
		var err error
		gb, err = probe.GatewayBot(opts...)
		return err
	})
	if err != nil {
		return shardPlan{}, fmt.Errorf("plan shards: ask Discord for the recommended shard count: %w", rebaseError(err, b.cfg.APIURL))
	}
	n := max(gb.Shards, 1)
	limit := gb.SessionStartLimit
	if limit.Total > 0 && limit.Remaining < n {
		return shardPlan{}, fmt.Errorf("plan shards: Discord allows %d more session starts for now (of %d a day; the count resets in %s), and %d shards need as many",
			limit.Remaining, limit.Total, time.Duration(limit.ResetAfter)*time.Millisecond, n)
	}
	p := shardPlan{count: n, concurrency: max(limit.MaxConcurrency, 1)}
	for i := range n {
		p.ids = append(p.ids, i)
	}
	b.log.Info("shard count from Discord", "shards", n, "max_concurrency", p.concurrency,
		"session_starts_remaining", limit.Remaining)
	return p, nil
}

// openShards opens the sessions of shards in order: at most concurrency of them
// identify at once, then the next batch waits ShardStartInterval, as Discord requires.
// Each is tried until it connects (see connect); when one cannot, for good, those
// already open are closed.
func (b *Bot) openShards(ctx context.Context, shards []*shard, concurrency int) error {
	for i, sh := range shards {
		if i > 0 && i%concurrency == 0 {
			select {
			case <-time.After(b.opts.ShardStartInterval):
			case <-ctx.Done():
				closeShards(shards[:i], b.log)
				return ctx.Err()
			}
		}
		if err := b.connect(ctx, sh); err != nil {
			closeShards(shards[:i], b.log)
			return err
		}
	}
	return nil
}

// closeShards closes the sessions of shards, all at once: discordgo's Close takes a second
// each. discordgo's own reconnection is off (newSession), so that its heartbeat or reader,
// failing on the connection Close is taking down, opens no new one behind it.
func closeShards(shards []*shard, log *slog.Logger) {
	var wg sync.WaitGroup
	for _, sh := range shards {
		wg.Go(func() {
			if err := sh.s.Close(); err != nil {
				log.Warn("closing the gateway connection", "shard", sh.id, "err", err)
			}
		})
	}
	wg.Wait()
}

// watchShard logs sh's connection going and coming, and counts its reconnections. It returns the
// functions that remove its handlers.
func (b *Bot) watchShard(sh *shard) []func() {
	return []func(){
		sh.s.AddHandler(func(*discordgo.Session, *discordgo.Connect) {
			if sh.connects.Add(1) > 1 {
				b.metrics.observeReconnect(sh.id)
				b.log.Info("gateway connection made again", "shard", sh.id)
			}
		}),
		sh.s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) {
			if b.isClosing() {
				return
			}
			b.log.Warn("gateway connection lost; reconnecting", "shard", sh.id)
			select {
			case sh.lost <- struct{}{}:
			default:
			}
		}),
		sh.s.AddHandler(func(*discordgo.Session, *discordgo.Resumed) {
			b.log.Info("gateway session resumed", "shard", sh.id)
		}),
	}
}

// runningShards returns the shards of the running bot.
func (b *Bot) runningShards() []*shard {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.shards
}

// shardCount returns how many shards this process runs (0 before Run).
func (b *Bot) shardCount() int { return len(b.runningShards()) }

// shardsConnected returns how many of this process's shards are connected.
func (b *Bot) shardsConnected() int {
	n := 0
	for _, sh := range b.runningShards() {
		if sh.up() {
			n++
		}
	}
	return n
}

// disconnectedShards describes the shards whose connection is down, or "" when all are
// up; "not connected" before Run connects.
func (b *Bot) disconnectedShards() string {
	shards := b.runningShards()
	if len(shards) == 0 {
		return "not connected to Discord yet"
	}
	var down []string
	for _, sh := range shards {
		if !sh.up() {
			d := fmt.Sprint(sh.id)
			if p := sh.why(); p != "" {
				d += " (" + p + ")"
			}
			down = append(down, d)
		}
	}
	if len(down) == 0 {
		return ""
	}
	return "gateway disconnected: shard " + strings.Join(down, ", ")
}
