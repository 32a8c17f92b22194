package bot

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Outcomes of a question: the values of the outcome label of standoff_questions_total
// and of the "outcome" field of the log line each question ends with.
const (
	OutcomeAnswered    = "answered"     // passages answered it
	OutcomeNotAnswered = "not_answered" // no passage cleared the relevance floor
	OutcomeRateLimited = "rate_limited" // the member was asking too fast
	OutcomeError       = "error"        // the search failed, timed out or panicked
	OutcomeUndelivered = "undelivered"  // the reply did not reach the member (Discord refused or failed it)
	OutcomeBusy        = "busy"         // Discord did not take the answer in time; the channel was told to ask again
)

// Metrics are the bot's Prometheus metrics, in a registry of their own (never the global
// default one). Build them with NewMetrics and give them to a Bot through
// Options.Metrics, so that other parts of standoff (the corpus refresh) report into the
// same registry; a Bot without them makes its own. A Metrics serves one Bot.
type Metrics struct {
	reg        *prometheus.Registry
	questions  *prometheus.CounterVec
	latency    prometheus.Histogram
	votes      *prometheus.CounterVec
	refreshes  *prometheus.CounterVec
	reconnects *prometheus.CounterVec
	tooMany    prometheus.Counter
	buttons    *prometheus.CounterVec
	completes  prometheus.Counter
	panics     prometheus.Counter
}

// NewMetrics returns the bot's metrics in a new registry, with Go's runtime and the
// process's metrics (memory, CPU, open files) beside them.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "standoff_questions_total",
			Help: "New questions, by outcome: answered, not_answered, rate_limited, error, undelivered.",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "standoff_answer_duration_seconds",
			Help:    "Time from receiving a question to sending its reply to Discord.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 1.5, 2, 3, 5, 10, 20},
		}),
		votes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "standoff_feedback_votes_total",
			Help: "Votes recorded since the start, by vote: up, down.",
		}, []string{"vote"}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "standoff_index_refreshes_total",
			Help: "Index refreshes, by outcome: ok, error.",
		}, []string{"outcome"}),
		reconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "standoff_gateway_reconnects_total",
			Help: "Gateway connections made again after one was lost, by shard.",
		}, []string{"shard"}),
		tooMany: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "standoff_discord_rate_limited_total",
			Help: "Responses 429 Too Many Requests from Discord's HTTP API.",
		}),
		buttons: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "standoff_answer_buttons_total",
			Help: "Buttons of an answer pressed, by button: page (More, Back), post (Post to channel), full (the passage in full).",
		}, []string{"button"}),
		completes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "standoff_autocompletes_total",
			Help: "Autocomplete requests answered.",
		}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "standoff_panics_total",
			Help: "Handler panics recovered.",
		}),
	}
	m.reg.MustRegister(m.questions, m.latency, m.votes, m.refreshes, m.reconnects,
		m.tooMany, m.buttons, m.completes, m.panics,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every outcome shows from the start, at zero, so that rates can be taken at once.
	for _, o := range []string{OutcomeAnswered, OutcomeNotAnswered, OutcomeRateLimited, OutcomeError, OutcomeUndelivered, OutcomeBusy} {
		m.questions.WithLabelValues(o)
	}
	for _, o := range []string{"ok", "error"} {
		m.refreshes.WithLabelValues(o)
	}
	for _, v := range []string{"up", "down"} {
		m.votes.WithLabelValues(v)
	}
	for _, v := range []string{buttonPage, buttonPost, buttonFull} {
		m.buttons.WithLabelValues(v)
	}
	return m
}

// The values of the button label of standoff_answer_buttons_total.
const (
	buttonPage = "page" // More, Back
	buttonPost = "post" // Post to channel
	buttonFull = "full" // the passage in full
)

// shardsRun makes every shard's reconnect count show from the start, at zero, so that
// rates and alerts work before the first reconnect.
func (m *Metrics) shardsRun(ids []int) {
	for _, id := range ids {
		m.reconnects.WithLabelValues(strconv.Itoa(id))
	}
}

// Registry is the registry the metrics are in, for other parts of standoff to add their
// own (the corpus sync's).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in Prometheus's exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveRefresh counts one refresh of the index, in standoff_index_refreshes_total:
// ok when the new index serves, false when the refresh failed and the old one goes on.
func (m *Metrics) ObserveRefresh(ok bool) {
	if ok {
		m.refreshes.WithLabelValues("ok").Inc()
	} else {
		m.refreshes.WithLabelValues("error").Inc()
	}
}

// observeQuestion counts a question's outcome and, unless it was turned away, its latency.
func (m *Metrics) observeQuestion(outcome string, took time.Duration) {
	m.questions.WithLabelValues(outcome).Inc()
	if outcome != OutcomeRateLimited {
		m.latency.Observe(took.Seconds())
	}
}

// observeVote counts a recorded vote.
func (m *Metrics) observeVote(up bool) {
	if up {
		m.votes.WithLabelValues("up").Inc()
	} else {
		m.votes.WithLabelValues("down").Inc()
	}
}

// observeReconnect counts a gateway connection made again on shard.
func (m *Metrics) observeReconnect(shard int) {
	m.reconnects.WithLabelValues(strconv.Itoa(shard)).Inc()
}

// gauges registers the metrics that are read from b when scraped: the corpus and index,
// the feedback totals and the gateway connections. It fails when m already serves a Bot.
func (m *Metrics) gauges(b *Bot) error {
	fns := []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "standoff_corpus_documents", Help: "Documents in the index serving.",
		}, func() float64 { return float64(b.a.Stats().Documents) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "standoff_corpus_passages", Help: "Passages in the index serving.",
		}, func() float64 { return float64(b.a.Stats().Passages) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "standoff_index_built_timestamp_seconds",
			Help: "When the index serving was built, in seconds since the Unix epoch (0 when unknown).",
		}, func() float64 {
			built := b.a.Stats().Built
			if built.IsZero() {
				return 0
			}
			return float64(built.UnixNano()) / 1e9
		}),
		feedbackCollector{b: b, desc: prometheus.NewDesc("standoff_feedback_standing_votes",
			"Votes that count, by vote (up, down): each member's latest vote on an answer, kept across restarts.",
			[]string{"vote"}, nil)},
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "standoff_build_info", Help: "Always 1; the labels describe the binary serving.",
			ConstLabels: prometheus.Labels{"version": b.opts.Build.Version, "revision": b.opts.Build.Revision,
				"go_version": b.opts.Build.GoVersion},
		}, func() float64 { return 1 }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "standoff_gateway_shards_connected", Help: "Shards of this process whose gateway connection is up.",
		}, func() float64 { return float64(b.shardsConnected()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "standoff_gateway_shards", Help: "Shards this process runs.",
		}, func() float64 { return float64(b.shardCount()) }),
	}
	for _, c := range fns {
		if err := m.reg.Register(c); err != nil {
			return fmt.Errorf("metrics: %w (a Metrics serves one Bot)", err)
		}
	}
	return nil
}

// feedbackCollector exports standoff_feedback_standing_votes{vote}: the votes that count, read once per
// scrape for both labels.
type feedbackCollector struct {
	b    *Bot
	desc *prometheus.Desc
}

// Describe sends the metric's description.
func (c feedbackCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect sends the up and down counts.
func (c feedbackCollector) Collect(ch chan<- prometheus.Metric) {
	up, down := c.b.feedbackCounts()
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(up), "up")
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(down), "down")
}
