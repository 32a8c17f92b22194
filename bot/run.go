package bot

// This file: Run: connecting, serving until the context is done, and the graceful shutdown.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// isClosing reports whether Run is shutting down.
func (b *Bot) isClosing() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closing
}

// Run connects to Discord, registers the commands, and answers until ctx is done. Then
// it shuts down gracefully: it stops taking new events, lets the requests in flight
// finish (for ShutdownGrace at most), disconnects every shard and returns nil. It
// returns an error when it cannot start. A Bot runs once.
func (b *Bot) Run(ctx context.Context) (err error) {
	if !b.running.CompareAndSwap(false, true) {
		return errors.New("bot: run: already run")
	}
	defer func() { err = b.redact(err) }()

	closeState, err := b.openState()
	if err != nil {
		return fmt.Errorf("bot: run: %w", err)
	}
	defer closeState()
	pctx, stopPrune := context.WithCancel(ctx)
	pruned := make(chan struct{})
	go func() { defer close(pruned); b.prunePeriodically(pctx) }()
	defer func() { stopPrune(); <-pruned }()
	hctx, cancelHandlers := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHandlers()
	b.mu.Lock()
	b.hctx = hctx
	b.mu.Unlock()

	if b.cfg.HTTPAddr != "" {
		stop, err := b.serveHealth(b.cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("bot: run: %w", err)
		}
		defer stop()
	}

	probe, err := b.newSession()
	if err != nil {
		return fmt.Errorf("bot: run: %w", err)
	}
	plan, err := b.planShards(ctx, probe)
	if err != nil {
		return fmt.Errorf("bot: run: %w", err)
	}
	shards := make([]*shard, len(plan.ids))
	var removers []func()
	for i, id := range plan.ids {
		s := probe
		if i > 0 {
			if s, err = b.newSession(); err != nil {
				return fmt.Errorf("bot: run: %w", err)
			}
		}
		s.ShardID, s.ShardCount = id, plan.count
		shards[i] = newShard(id, s)
		b.metrics.reconnects.WithLabelValues(strconv.Itoa(id)) // at 0 from the start
		removers = append(removers, b.watchShard(shards[i])...)
		removers = append(removers,
			s.AddHandler(b.onReady),
			s.AddHandler(b.onInteraction),
			s.AddHandler(b.onMessage))
	}
	b.mu.Lock()
	b.shards = shards
	b.mu.Unlock()
	b.metrics.shardsRun(plan.ids)

	b.log.Info("connecting to Discord", "api", b.cfg.APIURL, "shards", plan.ids, "shard_count", plan.count)
	if err := b.openShards(ctx, shards, plan.concurrency); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("bot: run: connect to the Discord gateway through %s: %w", b.cfg.APIURL, err)
	}
	defer b.shutdown(shards, removers, cancelHandlers)

	// Every shard is kept connected, until a close Discord allows no reconnection for.
	kctx, stopKeeping := context.WithCancel(ctx)
	fatal := make(chan error, len(shards))
	var keepers sync.WaitGroup
	defer func() { stopKeeping(); keepers.Wait() }()
	for _, sh := range shards {
		keepers.Go(func() {
			if err := b.keep(kctx, sh); err != nil {
				fatal <- err
			}
		})
		keepers.Go(func() { b.watchHeartbeats(kctx, sh) })
	}

	select {
	case <-b.ready:
	case <-ctx.Done():
		return nil
	case err := <-fatal:
		return fmt.Errorf("bot: run: %w", err)
	case <-time.After(15 * time.Second):
		return errors.New("bot: run: Discord sent no READY")
	}
	keepers.Go(func() {
		if plan.ids[0] == 0 {
			// Commands belong to the application, not to a shard: shard 0 registers them.
			b.register(kctx, shards[0].s)
		} else {
			b.setRegistered("")
		}
		if kctx.Err() == nil {
			b.log.Info("bot ready", "bot_user", b.botUser(), "application", b.application(), "shards", len(shards))
			if b.opts.OnReady != nil {
				b.opts.OnReady()
			}
		}
	})
	select {
	case <-ctx.Done():
	case err := <-fatal:
		return fmt.Errorf("bot: run: %w", err)
	}
	b.log.Info("shutting down: finishing the requests in flight", "grace", b.opts.ShutdownGrace)
	return nil
}

// shutdown stops taking new events, waits up to ShutdownGrace for the requests in flight,
// cancels those still running, and closes every shard's session.
func (b *Bot) shutdown(shards []*shard, removers []func(), cancelHandlers context.CancelFunc) {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	for _, remove := range removers {
		remove()
	}
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	t := time.NewTimer(b.opts.ShutdownGrace)
	defer t.Stop()
	select {
	case <-done:
		b.log.Info("requests in flight finished")
	case <-t.C:
		b.log.Warn("requests still in flight at shutdown were cut short", "grace", b.opts.ShutdownGrace)
	}
	cancelHandlers()
	closeShards(shards, b.log)
	b.log.Info("disconnected from Discord")
}

// track counts a handler in flight; it returns false once the bot is shutting down.
func (b *Bot) track() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return false
	}
	b.wg.Add(1)
	return true
}

// handlerContext is the context handlers run in: it outlives Run's context by the few
// seconds that requests in flight are given at shutdown.
func (b *Bot) handlerContext() context.Context {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.hctx == nil {
		return context.Background()
	}
	return b.hctx
}
