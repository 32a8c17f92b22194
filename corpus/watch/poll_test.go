package watch

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/web"
	"github.com/standoff-bot/standoff/corpus/web/webtest"
)

// onTopicPage is an article about the standoff, numbered n so that pages differ.
func onTopicPage(n int) string {
	return fmt.Sprintf(`<html><head><title>Report %d on enrichment at Fordow</title></head><body><article>
<p>Iran expanded uranium enrichment at Fordow, report %d of the IAEA said, and its inspectors could not verify the stockpile of item %d.</p>
<p>Tehran said the centrifuges were within its rights under the NPT; Washington said sanctions would follow for case %d.</p>
</article></body></html>`, n, n, n, n)
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// recorder records what the poller observes and the pauses it asks for.
type recorder struct {
	mu        sync.Mutex
	polled    []string
	proposals map[string]int
	pauses    []time.Duration
}

func (r *recorder) Polled(source, outcome string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.polled = append(r.polled, outcome)
}

func (r *recorder) Proposals(outcome string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proposals == nil {
		r.proposals = map[string]int{}
	}
	r.proposals[outcome] += n
}

func (r *recorder) sleep(_ context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pauses = append(r.pauses, d)
	return nil
}

// newTestPoller returns a poller of a fresh corpus folder, with the fake clock and
// recorder, and the review.
func newTestPoller(t *testing.T, clock *fakeClock, rec *recorder, opts Options) (*Poller, *Review) {
	t.Helper()
	f, err := web.NewFetcher(web.FetchConfig{Allow: webtest.Allow})
	if err != nil {
		t.Fatal(err)
	}
	r := &Review{Store: corpus.Store{Dir: t.TempDir()}, Now: clock.now}
	opts.Sleep, opts.Observer = rec.sleep, rec
	return NewPoller(r, f, t.TempDir(), nil, opts), r
}

var cli = curate.Actor{ID: "cli:test", Name: "test", Via: "cli"}

// TestPollIsPolite: conditional requests answered "not modified" read nothing; two
// requests to one host are apart by the pause; a failing source backs off, doubling,
// and is shown failing after a day; a manual poll asks it anyway.
func TestPollIsPolite(t *testing.T) {
	var mu sync.Mutex
	requests := map[string]int{}
	conditional := 0
	failing := true
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		requests["/page"]++
		if r.Header.Get("If-None-Match") == `"p1"` {
			conditional++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"p1"`)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, onTopicPage(1))
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		requests["/broken"]++
		if failing {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, onTopicPage(2))
	})
	srv := webtest.Serve(t, mux)
	clock := &fakeClock{t: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	rec := &recorder{}
	p, r := newTestPoller(t, clock, rec, Options{Every: time.Hour, HostPause: time.Hour})
	ctx := context.Background()
	for _, u := range []string{srv.URL + "/page", srv.URL + "/broken"} {
		if _, _, err := r.Watch(ctx, cli, u); err != nil {
			t.Fatal(err)
		}
	}
	c := &corpus.Corpus{}
	rep, err := p.Poll(ctx, c, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Proposed) != 1 || len(rep.Sources) != 2 || rep.Sources[0].Outcome != OutcomeError || rep.Sources[1].Outcome != OutcomeOK {
		t.Fatalf("first poll: %+v", rep)
	}
	if len(rec.pauses) != 1 || rec.pauses[0] <= 0 || rec.pauses[0] > time.Hour {
		t.Errorf("pauses %v, want one pause between the two requests to the same host", rec.pauses)
	}

	// Within the back-off, the broken source is not asked; the page is asked with its ETag.
	clock.add(30 * time.Minute)
	rep, _ = p.Poll(ctx, c, false)
	if rep.Sources[0].Outcome != OutcomeBackingOff || rep.Sources[1].Outcome != OutcomeUnchanged || conditional != 1 || requests["/broken"] != 1 {
		t.Errorf("second poll: %+v; %d conditional, %d requests to the broken source", rep.Sources, conditional, requests["/broken"])
	}
	// After an hour it is asked again and fails: the next wait doubles, to two hours.
	clock.add(31 * time.Minute)
	p.Poll(ctx, c, false)
	clock.add(90 * time.Minute)
	rep, _ = p.Poll(ctx, c, false)
	if requests["/broken"] != 2 || rep.Sources[0].Outcome != OutcomeBackingOff {
		t.Errorf("back-off did not double: %d requests, %+v", requests["/broken"], rep.Sources[0])
	}
	// A day later it is failing, in the statuses shown by watch list and /healthz.
	clock.add(24 * time.Hour)
	p.Poll(ctx, c, false)
	st := p.Statuses()[srv.URL+"/broken"]
	if !st.Failing(clock.now()) || !strings.Contains(st.Error, "503") {
		t.Errorf("status after a day of failures: %+v", st)
	}
	// A manual poll asks it at once; once it answers, it is well again.
	mu.Lock()
	failing = false
	mu.Unlock()
	rep, err = p.Poll(ctx, c, true)
	if err != nil || rep.Sources[0].Outcome != OutcomeOK || p.Statuses()[srv.URL+"/broken"].Failing(clock.now()) {
		t.Errorf("forced poll: %+v %v", rep.Sources, err)
	}
	if rec.proposals["made"] != 2 {
		t.Errorf("observed proposals %v", rec.proposals)
	}
}

// TestPollBoundsTheQueue: the queue holds at most MaxQueue proposals, a feed gives at most
// MaxItems a poll (the rest the next time), and proposals expire after MaxAge.
func TestPollBoundsTheQueue(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprint(w, `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>`)
		for i := range 8 {
			fmt.Fprintf(w, `<entry><id>e%d</id><link href="/a/%d"/></entry>`, i, i)
		}
		fmt.Fprint(w, `</feed>`)
	})
	mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		var n int
		fmt.Sscanf(r.URL.Path, "/a/%d", &n)
		fmt.Fprint(w, onTopicPage(n*1000))
	})
	srv := webtest.Serve(t, mux)
	clock := &fakeClock{t: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	rec := &recorder{}
	p, r := newTestPoller(t, clock, rec, Options{MaxItems: 3, MaxQueue: 4, MaxAge: 48 * time.Hour, HostPause: -1})
	ctx := context.Background()
	if _, _, err := r.Watch(ctx, cli, srv.URL+"/feed"); err != nil {
		t.Fatal(err)
	}
	c := &corpus.Corpus{}
	rep, _ := p.Poll(ctx, c, false)
	if len(rep.Proposed) != 3 || rep.Sources[0].Items != 3 {
		t.Fatalf("first poll: %d proposed, %d items read", len(rep.Proposed), rep.Sources[0].Items)
	}
	clock.add(time.Hour)
	rep, _ = p.Poll(ctx, c, false)
	if len(rep.Proposed) != 1 || len(rep.Skipped) != 2 || !strings.Contains(rep.Skipped[0].Reason, "the queue is full") {
		t.Fatalf("second poll: %d proposed, skipped %+v", len(rep.Proposed), rep.Skipped)
	}
	if q, _ := r.Queue(); len(q) != 4 {
		t.Errorf("%d proposals wait, want 4", len(q))
	}
	clock.add(49 * time.Hour)
	rep, _ = p.Poll(ctx, c, false)
	if rep.Expired != 4 || rec.proposals["expired"] != 4 {
		t.Errorf("expired %d (observed %v), want 4", rep.Expired, rec.proposals)
	}
	// The two items the full queue left are read again, with the next one.
	if len(rep.Proposed) != 3 || !strings.HasSuffix(rep.Proposed[0].URL, "/a/4") {
		t.Errorf("after expiry: %+v", rep.Proposed)
	}
}

// TestPollRefusesHostileFeeds: the hostile feed (10 MB, 100,000 items, deep
// nesting, entities), served on 127.0.0.1, is refused within the poll, which goes on to
// the other sources; its reason is the source's error.
func TestPollRefusesHostileFeeds(t *testing.T) {
	hostile := map[string]string{
		"/10mb":     "<rss><channel>" + strings.Repeat("<item><title>Iran</title></item>", 10<<20/32) + "</channel></rss>",
		"/items":    "<rss><channel>" + strings.Repeat("<item><link>/x</link></item>", 100_000/2) + strings.Repeat("<item/>", 60_000) + "</channel></rss>",
		"/deep":     "<rss>" + strings.Repeat("<a>", 50_000) + strings.Repeat("</a>", 50_000) + "</rss>",
		"/entities": `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><item><title>&b;</title></item></channel></rss>`,
	}
	mux := http.NewServeMux()
	for path, body := range hostile {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, body)
		})
	}
	srv := webtest.Serve(t, mux)
	clock := &fakeClock{t: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	p, r := newTestPoller(t, clock, &recorder{}, Options{HostPause: -1})
	ctx := context.Background()
	for path := range hostile {
		if _, _, err := r.Watch(ctx, cli, srv.URL+path); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := p.Poll(ctx, &corpus.Corpus{}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"/10mb": "larger than the 2 MB limit", "/items": "more than 1000 items",
		"/deep": "nest more than 32 deep", "/entities": "declares entities"}
	for _, s := range rep.Sources {
		path := strings.TrimPrefix(s.URL, srv.URL)
		if s.Outcome != OutcomeError || !strings.Contains(s.Error, want[path]) {
			t.Errorf("%s: %s %q, want an error with %q", path, s.Outcome, s.Error, want[path])
		}
	}
	if len(rep.Sources) != 4 || len(rep.Proposed) != 0 {
		t.Errorf("%d sources polled, %d proposed", len(rep.Sources), len(rep.Proposed))
	}
}

// BenchmarkPollHostileFeeds times one poll of the four hostile feeds: each must be
// refused well within a second.
func BenchmarkPollHostileFeeds(b *testing.B) {
	body := "<rss><channel>" + strings.Repeat("<item><link>/x</link></item>", 100_000/2) + "</channel></rss>"
	srv := webtest.Serve(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, body)
	}))
	f, _ := web.NewFetcher(web.FetchConfig{Allow: []string{"127.0.0.1"}})
	r := &Review{Store: corpus.Store{Dir: b.TempDir()}}
	r.Watch(context.Background(), cli, srv.URL+"/items")
	p := NewPoller(r, f, b.TempDir(), nil, Options{HostPause: -1})
	for b.Loop() {
		rep, _ := p.Poll(context.Background(), &corpus.Corpus{}, true)
		if rep.Sources[0].Outcome != OutcomeError {
			b.Fatal("accepted")
		}
	}
}

// BenchmarkPoll20Sources times a poll of 20 feeds of 5 articles each, served on
// 127.0.0.1 without the per-host pause, against the default corpus: "first" reads and
// judges all 100 articles; "unchanged" is the next poll, where every feed answers 304 to
// its conditional request and every article page is unchanged.
func BenchmarkPoll20Sources(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("/feed/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"f"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		var n int
		fmt.Sscanf(r.URL.Path, "/feed/%d", &n)
		w.Header().Set("ETag", `"f"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, "<rss><channel><title>f</title>")
		for i := range 5 {
			fmt.Fprintf(w, "<item><guid>%d-%d</guid><link>/a/%d</link></item>", n, i, n*10+i)
		}
		fmt.Fprint(w, "</channel></rss>")
	})
	mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/a/%d", &n)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, onTopicPage(n))
	})
	srv := webtest.Serve(b, mux)
	c, err := corpus.Load(context.Background(), corpus.Default())
	if err != nil {
		b.Fatal(err)
	}
	f, _ := web.NewFetcher(web.FetchConfig{Allow: []string{"127.0.0.1"}})
	setup := func() *Poller {
		r := &Review{Store: corpus.Store{Dir: b.TempDir()}}
		for i := range 20 {
			r.Watch(context.Background(), cli, fmt.Sprintf("%s/feed/%d", srv.URL, i))
		}
		return NewPoller(r, f, b.TempDir(), nil, Options{HostPause: -1, MaxQueue: 1000})
	}
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			p := setup()
			b.StartTimer()
			rep, err := p.Poll(context.Background(), c, false)
			if err != nil || len(rep.Proposed) != 100 {
				b.Fatalf("%v: %d proposed, skipped %v", err, len(rep.Proposed), rep.Skipped[:min(len(rep.Skipped), 2)])
			}
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		p := setup()
		if _, err := p.Poll(context.Background(), c, false); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			rep, err := p.Poll(context.Background(), c, false)
			if err != nil || len(rep.Proposed) != 0 || rep.Sources[0].Outcome != OutcomeUnchanged {
				b.Fatalf("%v %+v", err, rep.Sources[0])
			}
		}
	})
}
