package bot

import (
	"fmt"
	"net/http"
)

// healthHandler serves /healthz (200 while the gateway connection is up, 503 otherwise)
// and /metrics (the counters of Stats in Prometheus's text format).
func (b *Bot) healthHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !b.connected.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "disconnected")
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		st := b.Stats()
		ix := b.a.Stats()
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		connected := 0
		if st.Connected {
			connected = 1
		}
		for _, m := range []struct {
			name, help, typ string
			v               any
		}{
			{"standoff_questions_total", "New questions asked.", "counter", st.Questions},
			{"standoff_questions_answered_total", "Questions a passage answered.", "counter", st.Answered},
			{"standoff_questions_unanswered_total", "Questions no passage answered.", "counter", st.Unanswered},
			{"standoff_pages_total", "More, Back and Post to channel.", "counter", st.Pages},
			{"standoff_votes_up", "Thumbs up that count.", "gauge", st.VotesUp},
			{"standoff_votes_down", "Thumbs down that count.", "gauge", st.VotesDown},
			{"standoff_rate_limited_total", "Requests turned away by the per-member limit.", "counter", st.RateLimited},
			{"standoff_failures_total", "Requests that ended with an error.", "counter", st.Failures},
			{"standoff_panics_total", "Handler panics recovered.", "counter", st.Panics},
			{"standoff_gateway_connected", "1 while the gateway connection is up.", "gauge", connected},
			{"standoff_index_documents", "Documents in the index.", "gauge", ix.Documents},
			{"standoff_index_passages", "Passages in the index.", "gauge", ix.Passages},
		} {
			fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %v\n", m.name, m.help, m.name, m.typ, m.name, m.v)
		}
	})
	return mux
}
