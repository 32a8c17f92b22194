package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/index"
)

// get serves one GET of path from h and returns the status and body.
func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body)
}

// metric returns the value of the sample of /metrics named by series (name and labels,
// as printed), or -1 when there is none.
func metric(t *testing.T, h http.Handler, series string) float64 {
	t.Helper()
	_, body := get(t, h, "/metrics")
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("%s: %v", series, err)
	}
	return v
}

// closedIndex is an Answerer whose index is closed.
type closedIndex struct{ bot.Answerer }

func (closedIndex) Healthy() error        { return index.ErrClosed }
func (closedIndex) Stats() standoff.Stats { return standoff.Stats{} }

func TestHealthz(t *testing.T) {
	t.Run("before connecting", func(t *testing.T) {
		b, err := bot.New(bot.Config{Token: "t", DataDir: t.TempDir()}, realIndex, nil, bot.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/healthz", "/readyz"} {
			code, body := get(t, b.Handler(), path)
			if code != http.StatusServiceUnavailable || !strings.Contains(body, "not connected") {
				t.Errorf("%s = %d %q, want 503 not connected", path, code, body)
			}
		}
		// Liveness is not readiness: the process answers, so a supervisor must not
		// restart it while Discord is away.
		if code, body := get(t, b.Handler(), "/livez"); code != http.StatusOK || body != "ok\n" {
			t.Errorf("/livez = %d %q, want 200 ok", code, body)
		}
	})

	t.Run("connected, then the gateway drops and comes back", func(t *testing.T) {
		h := start(t, nil, realIndex, "", bot.Options{})
		// Ready once the commands are registered, which the bot learns from Discord's answer.
		h.srv.WaitUntil(timeout, func() bool { ok, _ := h.bot.Health(); return ok })
		code, body := get(t, h.bot.Handler(), "/healthz")
		if code != http.StatusOK || body != "ok\n" {
			t.Fatalf("/healthz = %d %q, want 200 ok", code, body)
		}
		h.srv.DropConnection()
		// discordgo takes a second to close the dead connection before it reconnects:
		// /healthz says so meanwhile.
		var down string
		for deadline := time.Now().Add(timeout); ; time.Sleep(5 * time.Millisecond) {
			code, body := get(t, h.bot.Handler(), "/healthz")
			if code == http.StatusServiceUnavailable {
				down = body
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("/healthz stayed 200 with the gateway down")
			}
		}
		if code, _ := get(t, h.bot.Handler(), "/livez"); code != http.StatusOK {
			t.Errorf("/livez = %d with the gateway down, want 200", code)
		}
		if !strings.Contains(down, "gateway disconnected: shard 0") {
			t.Errorf("503 body %q does not name the shard", down)
		}
		deadline := time.Now().Add(timeout)
		for code, _ := get(t, h.bot.Handler(), "/healthz"); code != http.StatusOK; code, _ = get(t, h.bot.Handler(), "/healthz") {
			if time.Now().After(deadline) {
				t.Fatal("/healthz not 200 again after the reconnection")
			}
			time.Sleep(20 * time.Millisecond)
		}
		// One reconnection was caused; on a loaded machine a late heartbeat ACK may cause
		// another, so the count must match the sessions the gateway saw after the first.
		series := `standoff_gateway_reconnects_total{shard="0"}`
		sessions := func() float64 { return float64(len(h.srv.Identifies()) + h.srv.Resumes() - 1) }
		got, want := metric(t, h.bot.Handler(), series), sessions()
		for deadline := time.Now().Add(timeout); got != want && time.Now().Before(deadline); got, want = metric(t, h.bot.Handler(), series), sessions() {
			time.Sleep(5 * time.Millisecond)
		}
		if got != want || want < 1 {
			t.Errorf("reconnects = %v, want %v (the sessions after the first, at least 1)", got, want)
		}
	})

	t.Run("index closed", func(t *testing.T) {
		h := start(t, nil, closedIndex{realIndex}, "", bot.Options{})
		// The gateway comes first in the reasons: on a loaded machine a heartbeat may be
		// late and the connection briefly down, so look again until it is back.
		var code int
		var body string
		for deadline := time.Now().Add(timeout); ; time.Sleep(20 * time.Millisecond) {
			code, body = get(t, h.bot.Handler(), "/healthz")
			if !strings.Contains(body, "gateway disconnected") || time.Now().After(deadline) {
				break
			}
		}
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "index not available: index closed") {
			t.Errorf("/healthz = %d %q, want 503 index closed", code, body)
		}
	})

	t.Run("shutting down", func(t *testing.T) {
		h := start(t, nil, realIndex, "", bot.Options{})
		h.stop()
		code, body := get(t, h.bot.Handler(), "/healthz")
		if code != http.StatusServiceUnavailable || body != "shutting down\n" {
			t.Errorf("/healthz = %d %q, want 503 shutting down", code, body)
		}
	})
}

func TestMetricsMoveWithQuestions(t *testing.T) {
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{RateBurst: 2, RateEvery: time.Hour})
	mh := h.bot.Handler()
	if _, err := bot.NewCorpusSync(h.bot.Metrics().Registry()); err != nil {
		t.Fatal(err)
	}
	code, body := get(t, mh, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	docs := defaultDocuments()
	for _, want := range []string{
		`standoff_questions_total{outcome="answered"} 0`,
		`standoff_index_refreshes_total{outcome="ok"} 0`,
		fmt.Sprintf("standoff_corpus_documents %d", docs),
		"standoff_gateway_shards_connected 1",
		"# TYPE standoff_answer_duration_seconds histogram",
		"go_goroutines ", "process_resident_memory_bytes ",
		// Every series shows from the start, at zero, so that rates and alerts work at once.
		`standoff_gateway_reconnects_total{shard="0"} 0`,
		`standoff_answer_buttons_total{button="page"} 0`, `standoff_answer_buttons_total{button="post"} 0`,
		`standoff_answer_buttons_total{button="full"} 0`,
		`standoff_corpus_sync_total{outcome="error"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics before any question lacks %q", want)
		}
	}
	// One label name for outcomes, and names that say what they count.
	for _, old := range []string{"standoff_pages_total", "standoff_feedback{", `result="`} {
		if strings.Contains(body, old) {
			t.Errorf("/metrics still has %q", old)
		}
	}
	if metric(t, mh, "standoff_corpus_passages") < 10 || metric(t, mh, "standoff_index_built_timestamp_seconds") < 1e9 {
		t.Error("corpus passages or index build time missing")
	}
	build := bot.ReadBuild()
	if series := fmt.Sprintf(`standoff_build_info{go_version=%q,revision=%q,version=%q}`, build.GoVersion, build.Revision, build.Version); metric(t, mh, series) != 1 {
		t.Errorf("/metrics lacks %s 1", series)
	}

	alice2 := discordtest.User{ID: "700000000000000011", Name: "alice2"}
	call, _ := h.ask(t, alice2, "what is breakout time?")
	h.ask(t, alice2, "who won the football world cup in 1998?")
	h.ask(t, alice2, "what is snapback?") // over the burst of 2
	bob2 := discordtest.User{ID: "700000000000000012", Name: "bob2"}
	h.ask(t, bob2, "what is "+wordFail)
	h.click(t, alice2, call.MessageID, "vote:up")

	// A 429 from Discord on the reply to a mention: waited for, retried, counted.
	h.srv.RateLimitNext(1)
	id := h.srv.Post(bob2, inGuild, "<@"+discordtest.BotUserID+"> what is breakout time?", true)
	if _, _, err := h.srv.Reply(timeout, id); err != nil {
		t.Fatalf("no reply after a 429: %v\n%s", err, h.logs.String())
	}

	h.bot.ObserveRefresh(true)
	h.bot.Metrics().ObserveRefresh(false)
	for series, want := range map[string]float64{
		`standoff_questions_total{outcome="answered"}`:     2,
		`standoff_questions_total{outcome="not_answered"}`: 1,
		`standoff_questions_total{outcome="rate_limited"}`: 1,
		`standoff_questions_total{outcome="error"}`:        1,
		"standoff_answer_duration_seconds_count":           4,
		`standoff_feedback_votes_total{vote="up"}`:         1,
		`standoff_feedback_standing_votes{vote="up"}`:      1,
		`standoff_feedback_standing_votes{vote="down"}`:    0,
		`standoff_index_refreshes_total{outcome="ok"}`:     1,
		`standoff_index_refreshes_total{outcome="error"}`:  1,
		"standoff_discord_rate_limited_total":              1,
	} {
		if got := waitMetric(t, mh, series, want); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
}

// waitMetric waits a little for series to reach want (a question is counted once its
// reply is sent, just after Discord received it) and returns its value.
func waitMetric(t *testing.T, h http.Handler, series string, want float64) float64 {
	t.Helper()
	got := metric(t, h, series)
	for deadline := time.Now().Add(2 * time.Second); got != want && time.Now().Before(deadline); got = metric(t, h, series) {
		time.Sleep(5 * time.Millisecond)
	}
	return got
}

// TestQuestionLogLines checks the one log line each question ends with: its outcome,
// latency and request id, and never the member's words at info level.
func TestQuestionLogLines(t *testing.T) {
	var logs syncBuffer
	srv := discordtest.New()
	t.Cleanup(srv.Close)
	b, err := bot.New(bot.Config{Token: discordtest.DefaultToken, APIURL: srv.URL, DataDir: t.TempDir(), GuildIDs: []string{guildID}},
		realIndex, slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo})), bot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	if !srv.WaitConnected(timeout) {
		t.Fatal("not connected")
	}
	id := srv.Slash(alice, inGuild, "ask", discordtest.Opt{Name: "question", Value: "what is breakout time?"})
	if _, _, err := srv.Response(timeout, id); err != nil {
		t.Fatal(err)
	}
	msg := srv.Post(alice, inGuild, "<@"+discordtest.BotUserID+"> is the zanzibar quokka enriched?", true)
	if _, _, err := srv.Reply(timeout, msg); err != nil {
		t.Fatal(err)
	}
	// The line is written once the reply is sent: wait for it.
	for deadline := time.Now().Add(timeout); strings.Count(logs.String(), `"msg":"question"`) < 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("want two question lines:\n%s", logs.String())
		}
	}
	for _, want := range []string{
		`"request_id":"` + id + `"`, `"request_id":"` + msg + `"`, `"outcome":"answered"`,
		`"outcome":"not_answered"`, `"latency_ms":`, `"source":"ask"`, `"source":"mention"`,
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), "quokka") || strings.Contains(logs.String(), "breakout") {
		t.Errorf("a member's words are in the info log:\n%s", logs.String())
	}
	// The member is named by the keyed hash the question log keeps, never by their id.
	if strings.Contains(logs.String(), alice.ID) {
		t.Errorf("a member's Discord id is in the info log:\n%s", logs.String())
	}
	if !regexp.MustCompile(`"msg":"question",[^\n]*"user":"[^"0-9][^"]+"`).MatchString(logs.String()) {
		t.Errorf("the question lines do not name the member by a hash:\n%s", logs.String())
	}
	// Every line's shard is a number, and ids are attributes, not words of the message.
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if sh, ok := rec["shard"]; ok {
			if _, isNumber := sh.(float64); !isNumber {
				t.Errorf("shard %v (%T) in %s, want a number", sh, sh, line)
			}
		}
		if msg, _ := rec["msg"].(string); regexp.MustCompile(`\d{15,}`).MatchString(msg) {
			t.Errorf("an id inside the message %q", msg)
		}
	}
}

// TestNewRejectsSharedMetrics checks that one Metrics serves one Bot.
func TestNewRejectsSharedMetrics(t *testing.T) {
	m := bot.NewMetrics()
	cfg := bot.Config{Token: "t", DataDir: t.TempDir()}
	if _, err := bot.New(cfg, realIndex, nil, bot.Options{Metrics: m}); err != nil {
		t.Fatal(err)
	}
	if _, err := bot.New(cfg, realIndex, nil, bot.Options{Metrics: m}); err == nil {
		t.Error("a second Bot on the same Metrics was accepted")
	}
}
