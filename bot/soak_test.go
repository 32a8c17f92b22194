//go:build soak

package bot_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
)

// The soak test is kept out of the default run by its build tag:
//
//	go test -tags soak -run Soak -v ./bot/
//
// STANDOFF_SOAK_DURATION (default 1m) and STANDOFF_SOAK_RATE (events a second, default
// 60) change its length and load; STANDOFF_SOAK_FAULTS (default 0.05) is the share of
// REST calls the fake Discord fails at random (500, 503, 429), and the gateway is
// dropped once a minute (and once in the middle of a shorter run).

var soakQuestions = []string{
	"what is breakout time?", "what is snapback?", "who withdrew from the JCPOA?",
	"how much enriched uranium does Iran have?", "what did the IAEA report?",
	"what is the E3?", "what is Fordow?", "when was the JCPOA agreed?",
	"who won the football world cup in 1998?", "what is HEU", "enrichement levels",
	"what happened at Natanz", "is Iran building a bomb?", "sanctions relief",
}

// replies routes the calls the fake Discord receives to the events that wait for them:
// an interaction's response (its callback, or the edit after a deferral), a message's
// reply.
type replies struct {
	mu       sync.Mutex
	waiting  map[string]chan discordtest.Call // interaction or message id → its reply
	deferred map[string]bool
	refused  atomic.Int64
}

func newReplies() *replies {
	return &replies{waiting: map[string]chan discordtest.Call{}, deferred: map[string]bool{}}
}

func (r *replies) done(id string) {
	r.mu.Lock()
	delete(r.waiting, id)
	delete(r.deferred, id)
	r.mu.Unlock()
}

// hook is the fake's call hook.
func (r *replies) hook(c discordtest.Call) {
	if c.Faulted {
		return // an injected failure, which the bot is to retry
	}
	if c.Status >= 300 && c.Status != http.StatusTooManyRequests {
		r.refused.Add(1)
	}
	var id string
	switch c.Kind {
	case discordtest.KindCallback:
		p, err := c.Payload()
		if err == nil && (p.Type == 5 || p.Type == 6) {
			r.mu.Lock()
			r.deferred[c.InteractionID] = true
			r.mu.Unlock()
			return
		}
		id = c.InteractionID
	case discordtest.KindEditOriginal, discordtest.KindFollowup:
		r.mu.Lock()
		d := r.deferred[c.InteractionID]
		r.mu.Unlock()
		if !d {
			return
		}
		id = c.InteractionID
	case discordtest.KindChannelMessage:
		p, err := c.Payload()
		if err != nil || p.Reference == nil {
			return
		}
		id = p.Reference.MessageID
	default:
		return
	}
	r.mu.Lock()
	ch := r.waiting[id]
	r.mu.Unlock()
	if ch != nil {
		select {
		case ch <- c:
		default:
		}
	}
}

// tokenWatch is a log writer that counts lines and notes any that holds the token.
type tokenWatch struct {
	token string
	lines atomic.Int64
	leaks atomic.Int64
}

func (w *tokenWatch) Write(p []byte) (int, error) {
	w.lines.Add(int64(bytes.Count(p, []byte("\n"))))
	if bytes.Contains(p, []byte(w.token)) {
		w.leaks.Add(1)
	}
	return len(p), nil
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}

// peakRSS returns the process's peak resident memory (VmHWM), in bytes, or 0.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// TestSoak sends thousands of events from many simulated members through the fake
// Discord for a minute, on two shards, with the gateway dropped in the middle: /ask,
// mentions, direct messages, Find sources, autocomplete and buttons. Every event must be
// answered, within Discord's limits, no goroutine may be left behind, and the heap must
// stay flat.
func TestSoak(t *testing.T) {
	duration := envDuration("STANDOFF_SOAK_DURATION", time.Minute)
	rate := 60
	if n, err := strconv.Atoi(os.Getenv("STANDOFF_SOAK_RATE")); err == nil && n > 0 {
		rate = n
	}
	const users = 400
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	faults := 0.05
	if f, err := strconv.ParseFloat(os.Getenv("STANDOFF_SOAK_FAULTS"), 64); err == nil && f >= 0 {
		faults = f
	}
	rep := newReplies()
	srv := discordtest.New(discordtest.WithHeartbeatInterval(2*time.Second), discordtest.WithRecommendedShards(2),
		discordtest.WithoutRecording(), discordtest.WithCallHook(rep.hook), discordtest.WithFaults(faults, 1))
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	logs := &tokenWatch{token: discordtest.DefaultToken}
	cfg := bot.Config{
		Token: discordtest.DefaultToken, APIURL: srv.URL, DataDir: t.TempDir(),
		GuildIDs: []string{guildID}, AutoShards: true,
	}
	b, err := bot.New(cfg, realIndex, slog.New(slog.NewJSONHandler(logs, nil)), bot.Options{
		HTTPClient: &http.Client{Transport: transport, Timeout: 20 * time.Second}, ShardStartInterval: 50 * time.Millisecond,
		Split: splitter.Split,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- b.Run(ctx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-runDone; err != nil {
			t.Errorf("Run: %v", err)
		}
		srv.Close()
		transport.CloseIdleConnections()
	}
	defer stop()
	if !srv.WaitConnected(timeout) {
		t.Fatal("the shards did not connect")
	}

	guilds := []string{guildOnShard(t, 0, 2), guildOnShard(t, 1, 2)}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		kinds     = map[string]int{}
		lost      []string
		sent      atomic.Int64
	)
	record := func(kind string, d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			lost = append(lost, kind+": "+err.Error())
			return
		}
		latencies = append(latencies, d)
		kinds[kind]++
	}
	// await waits for the reply to id, dispatched by send.
	await := func(kind, id string, ch chan discordtest.Call, t0 time.Time) (discordtest.Call, bool) {
		defer rep.done(id)
		select {
		case c := <-ch:
			if c.Status >= 300 {
				record(kind, 0, fmt.Errorf("%s refused with %d: %s", id, c.Status, c.Body))
				return c, false
			}
			record(kind, c.Time.Sub(t0), nil)
			return c, true
		case <-time.After(15 * time.Second):
			record(kind, 0, fmt.Errorf("no reply to %s", id))
			return discordtest.Call{}, false
		}
	}
	act := func(rng *rand.Rand, u discordtest.User) {
		place := discordtest.Place{GuildID: guilds[rng.IntN(2)], ChannelID: channelID}
		q := soakQuestions[rng.IntN(len(soakQuestions))]
		sent.Add(1)
		switch n := rng.IntN(100); {
		case n < 45: // /ask, then sometimes a button on the answer
			t0 := time.Now()
			id, ch := dispatchAwait(rep, func() string {
				return srv.Slash(u, place, "ask", discordtest.Opt{Name: "question", Value: q})
			})
			c, ok := await("ask", id, ch, t0)
			if !ok {
				return
			}
			p, _ := c.Payload()
			defer srv.Forget(id, c.MessageID)
			if c.MessageID == "" || rng.IntN(3) > 0 {
				return
			}
			custom := "vote:up"
			if more, has := p.Button("page:"); has && rng.IntN(2) == 0 {
				custom = more.CustomID
			}
			if _, has := p.Button(custom); !has {
				return
			}
			sent.Add(1)
			t1 := time.Now()
			var clickErr error
			cid, cch := dispatchAwait(rep, func() string {
				var id string
				id, clickErr = srv.Click(u, c.MessageID, custom)
				return id
			})
			if clickErr != nil {
				record("button", 0, clickErr)
				return
			}
			if cc, ok := await("button", cid, cch, t1); ok {
				srv.Forget(cid, cc.MessageID)
			}
		case n < 60: // a mention
			t0 := time.Now()
			id, ch := dispatchAwait(rep, func() string {
				return srv.Post(u, place, "<@"+discordtest.BotUserID+"> "+q, true)
			})
			c, _ := await("mention", id, ch, t0)
			srv.Forget(id, c.MessageID)
		case n < 70: // a direct message
			t0 := time.Now()
			id, ch := dispatchAwait(rep, func() string {
				return srv.Post(u, inDM, q, false)
			})
			c, _ := await("dm", id, ch, t0)
			srv.Forget(id, c.MessageID)
		case n < 78: // Find sources on a member's message
			target := srv.Post(u, place, "Iran enriched uranium to 60 percent, said the IAEA", false)
			t0 := time.Now()
			var cmdErr error
			id, ch := dispatchAwait(rep, func() string {
				var id string
				id, cmdErr = srv.MessageCommand(u, place, "Find sources", target)
				return id
			})
			if cmdErr != nil {
				record("find_sources", 0, cmdErr)
				return
			}
			c, _ := await("find_sources", id, ch, t0)
			srv.Forget(target, id, c.MessageID)
		default: // autocomplete
			typed := q[:1+rng.IntN(len(q)-1)]
			t0 := time.Now()
			id, ch := dispatchAwait(rep, func() string {
				return srv.Autocomplete(u, place, "ask", "question", typed)
			})
			await("autocomplete", id, ch, t0)
			srv.Forget(id)
		}
	}

	var heap []uint64 // live heap after a GC, sampled every 5 s
	var peakHeap uint64
	sample := func() {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = append(heap, ms.HeapAlloc)
		peakHeap = max(peakHeap, ms.HeapAlloc)
	}
	sample()
	start := time.Now()
	deadline := start.Add(duration)
	var wg sync.WaitGroup
	perUser := time.Duration(float64(users) / float64(rate) * float64(time.Second))
	for i := range users {
		u := discordtest.User{ID: strconv.Itoa(710000000000000000 + i), Name: fmt.Sprintf("member%d", i)}
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			time.Sleep(time.Duration(rng.Int64N(int64(perUser))))
			for time.Now().Before(deadline) {
				next := time.Now().Add(perUser/2 + time.Duration(rng.Int64N(int64(perUser))))
				act(rng, u)
				time.Sleep(min(time.Until(next), time.Until(deadline)))
			}
		})
	}
	drops := 0
	tick := time.NewTicker(5 * time.Second)
	for time.Now().Before(deadline) {
		<-tick.C
		sample()
		// Once a minute, and once in the middle of a run shorter than two.
		if since := time.Since(start); drops == 0 && since >= min(duration/2, time.Minute) || since >= time.Duration(drops+1)*time.Minute {
			drops++
			srv.DropConnection()
			t.Logf("gateway dropped at %s", since.Round(time.Second))
		}
	}
	tick.Stop()
	wg.Wait()
	elapsed := time.Since(start)
	sample()

	st := b.Stats()
	stop()

	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[int(p*float64(len(latencies)-1))]
	}
	t.Logf("%d events in %s (%.0f a second) from %d members on 2 shards: %v",
		sent.Load(), elapsed.Round(time.Second), float64(sent.Load())/elapsed.Seconds(), users, kinds)
	t.Logf("event to reply: p50 %s, p99 %s, max %s", pct(0.5).Round(100*time.Microsecond), pct(0.99).Round(100*time.Microsecond), pct(1).Round(time.Millisecond))
	t.Logf("questions %d (answered %d, unanswered %d, undelivered %d, busy %d), rate limited %d, pages %d, votes %d, autocompletes %d, failures %d, panics %d",
		st.Questions, st.Answered, st.Unanswered, st.Undelivered, st.Busy, st.RateLimited, st.Pages, st.Votes, st.Autocompletes, st.Failures, st.Panics)
	t.Logf("REST calls failed on purpose: %d (%.0f%% asked)", srv.Faults(), faults*100)
	mib := func(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
	var hs []string
	for _, h := range heap {
		hs = append(hs, mib(h))
	}
	t.Logf("live heap every 5 s: %s; peak %s; peak RSS of the test process %s", strings.Join(hs, " "), mib(peakHeap), mib(uint64(peakRSS())))
	t.Logf("log lines %d", logs.lines.Load())

	if len(lost) > 0 {
		t.Errorf("%d events lost or refused, e.g. %v", len(lost), lost[:min(5, len(lost))])
	}
	if n, want := sent.Load(), int64(float64(rate)*duration.Seconds()/2); n < want {
		t.Errorf("only %d events sent, want %d at least", n, want)
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("%d breaches of Discord's rules, e.g. %v", len(v), v[:min(5, len(v))])
	}
	if n := rep.refused.Load(); n > 0 {
		t.Errorf("%d calls refused by the fake Discord", n)
	}
	if st.Panics > 0 || st.Failures > 0 || st.Undelivered > 0 {
		t.Errorf("%d panics, %d failures, %d replies undelivered", st.Panics, st.Failures, st.Undelivered)
	}
	if logs.leaks.Load() > 0 {
		t.Error("the token is in the log")
	}
	// Flat: the live heap at the end is within 25% (and 8 MiB) of the heap a quarter in,
	// once the caches have warmed.
	if len(heap) >= 4 {
		base, end := heap[len(heap)/4], heap[len(heap)-1]
		if float64(end) > 1.25*float64(base)+8<<20 {
			t.Errorf("the heap grew from %s to %s", mib(base), mib(end))
		}
	}
}

// dispatchAwait dispatches an event with send, which returns its id, and returns where
// its reply comes. The lock is held while dispatching, so that the hook, which takes it
// too, cannot route the reply before its waiter is in place.
func dispatchAwait(rep *replies, send func() string) (string, chan discordtest.Call) {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	id := send()
	ch := make(chan discordtest.Call, 1)
	rep.waiting[id] = ch
	return id, ch
}
