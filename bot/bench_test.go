package bot_test

import (
	"sort"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
)

// BenchmarkAskEndToEnd measures the whole path on the default corpus: from the fake
// Discord sending INTERACTION_CREATE for /ask on the gateway to the bot's reply payload
// arriving at its HTTP API (websocket, discordgo, handler, index, rendering, REST). It
// reports the median and the 99th percentile of those latencies.
func BenchmarkAskEndToEnd(b *testing.B) {
	h := start(b, nil, realIndex, "", bot.Options{NoRateLimit: true})
	questions := []string{
		"what is breakout time?",
		"what is snapback?",
		"who withdrew from the JCPOA?",
		"how much enriched uranium does Iran have?",
		"what did the IAEA report?",
	}
	user := discordtest.User{ID: "700000000000000009", Name: "bench"}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		q := questions[i%len(questions)]
		t0 := time.Now()
		id := h.srv.Slash(user, inGuild, "ask", discordtest.Opt{Name: "question", Value: q})
		call, _, err := h.srv.Response(timeout, id)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, call.Time.Sub(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		k := int(p * float64(len(lat)-1))
		return float64(lat[k].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	if v := h.srv.Violations(); len(v) > 0 {
		b.Errorf("breaches of Discord's rules: %v", v)
	}
}
