package bot

// This file: Run: connecting, serving until the context is done, and the graceful shutdown.

import (
	"context"
	"errors"
	"fmt"
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
		shards[i] = &shard{id: id, s: s}
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

	select {
	case <-b.ready:
	case <-ctx.Done():
		return nil
	case <-time.After(15 * time.Second):
		return errors.New("bot: run: Discord sent no READY")
	}
	if plan.ids[0] == 0 {
		// Commands belong to the application, not to a shard: shard 0 registers them.
		b.register(ctx, shards[0].s)
	}
	b.log.Info("bot ready", "bot_user", b.botUser(), "application", b.application(), "shards", len(shards))
	if b.opts.OnReady != nil {
		b.opts.OnReady()
	}
	<-ctx.Done()
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
