package bot

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// HealthChecker is an Answerer that can tell whether it is able to answer (an index that
// is open); /healthz asks it when the Answerer has it.
type HealthChecker interface {
	// Healthy returns nil while answers can be given, else the reason they cannot.
	Healthy() error
}

// Health reports whether the bot can answer: every shard's gateway connection is up, the
// commands are registered and the index is open. When it cannot, reason says why.
func (b *Bot) Health() (ok bool, reason string) {
	if b.isClosing() {
		return false, "shutting down"
	}
	if r := b.disconnectedShards(); r != "" {
		return false, r
	}
	if hc, isChecker := b.a.(HealthChecker); isChecker {
		if err := hc.Healthy(); err != nil {
			return false, "index not available: " + err.Error()
		}
	}
	if b.a.Stats().Passages == 0 {
		return false, "index not open: it serves no passage"
	}
	if r := b.registration(); r != "" {
		return false, r
	}
	return true, ""
}

// Handler serves the probes and the metrics, as Run does on Config.HTTPAddr; use it to
// serve them from a server of your own:
//
//   - /livez: 200 "ok" while the process answers at all, whatever Discord's state: the
//     liveness probe, which must not restart the bot during a Discord outage;
//   - /readyz and /healthz: 200 "ok" while Health is ok (connected, index healthy), 503
//     with the reason otherwise: the readiness probe; lines after the first give
//     details that do not affect readiness (a failed corpus sync);
//   - /metrics: the bot's Metrics, in Prometheus's format.
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
	})
	ready := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		ok, reason := b.Health()
		var details []string
		if b.opts.HealthDetails != nil {
			details = b.opts.HealthDetails()
		}
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, reason)
		} else {
			fmt.Fprintln(w, "ok")
		}
		for _, d := range details {
			fmt.Fprintln(w, d)
		}
	}
	mux.HandleFunc("GET /readyz", ready)
	mux.HandleFunc("GET /healthz", ready)
	mux.Handle("GET /metrics", b.metrics.Handler())
	return mux
}

// serveHealth listens on addr and serves Handler until the function it returns is
// called.
func (b *Bot) serveHealth(addr string) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("health endpoint: %w", err)
	}
	srv := &http.Server{
		Handler:           b.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			b.log.Error("health endpoint stopped", "err", err)
		}
	}()
	b.log.Info("health and metrics endpoints", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			srv.Close()
		}
		<-done
	}, nil
}
