package bot

// This file: the one panic recovery.

import (
	"fmt"
	"log/slog"
	"runtime/debug"
)

// guard runs handle, the work of one event from Discord, and recovers a panic in it: the
// panic is counted in standoff_panics_total and logged with its stack, and tell, when
// not nil, tells the member that something went wrong. It is the bot's one panic
// recovery, at the boundary where events enter; the handlers do their work in the
// event's own goroutine so that every panic reaches it.
func (b *Bot) guard(log *slog.Logger, handle func(), tell func(err error)) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		b.metrics.panics.Inc()
		log.Error("panic while handling an event", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		if tell != nil {
			tell(fmt.Errorf("panic: %v", p))
		}
	}()
	handle()
}
