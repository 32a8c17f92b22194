package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/standoff-bot/standoff"

	"golang.org/x/sys/unix"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/index"
)

// throughputTime is how long the throughput run of a serve task asks questions.
const throughputTime = 3 * time.Second

// memoryUse is the peak memory of a child process.
type memoryUse struct {
	PeakHeap uint64 `json:"peak_heap"` // live Go heap objects, sampled every 10 ms
	PeakRSS  uint64 `json:"peak_rss"`  // the process's maximum resident set (VmHWM)
}

// buildResult is what building one engine's index of one corpus costs.
type buildResult struct {
	Passages     int       `json:"passages"`
	LoadSeconds  float64   `json:"load_seconds"`  // reading the corpus, not part of the build
	BuildSeconds float64   `json:"build_seconds"` // from the passages to an index on disk
	DiskBytes    int64     `json:"disk_bytes"`
	Memory       memoryUse `json:"memory"`
}

// serveResult is what answering from one engine's built index costs.
type serveResult struct {
	Passages         int       `json:"passages"`
	LoadSeconds      float64   `json:"load_seconds"`  // stamping the corpus folder (standoff: beside opening the index), and reading it when the index stored nothing usable
	OpenSeconds      float64   `json:"open_seconds"`  // opening the built index (standoff: with its corpus folder stamped beside it)
	FirstSeconds     float64   `json:"first_seconds"` // answering the first question
	OpenFirstSeconds float64   `json:"open_first_seconds"`
	Questions        int       `json:"questions"`
	P50              float64   `json:"p50_ms"`
	P99              float64   `json:"p99_ms"`
	CPUP50           float64   `json:"cpu_p50_ms"` // CPU time of the answering thread
	CPUP99           float64   `json:"cpu_p99_ms"`
	QPS              float64   `json:"qps"`
	Workers          int       `json:"workers"`
	Drawn            int       `json:"drawn"`      // questions drawn from a passage
	FoundAt3         float64   `json:"found_at_3"` // share of those whose passage is among the first three
	Answered         int       `json:"answered"`   // questions with at least one passage
	Memory           memoryUse `json:"memory"`
}

// heapSampler records the peak of the live Go heap while it runs.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	once sync.Once
	peak uint64
}

// startHeapSampler samples the Go heap every 10 ms until Stop.
func startHeapSampler() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			h.peak = max(h.peak, heapBytes())
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// Stop ends the sampling and returns the peak. It may be called more than once.
func (h *heapSampler) Stop() uint64 {
	h.once.Do(func() { close(h.stop) })
	<-h.done
	return max(h.peak, heapBytes())
}

// heapBytes is the memory of the Go heap's objects, live or not yet swept.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	return s[0].Value.Uint64()
}

// peakRSS is the process's maximum resident set so far, from VmHWM in /proc/self/status.
func peakRSS() (uint64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("peak rss: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				break
			}
			kb, err := strconv.ParseUint(f[0], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("peak rss: %w", err)
			}
			return kb * 1024, nil
		}
	}
	return 0, errors.New("peak rss: no VmHWM in /proc/self/status")
}

// runBuild builds one engine's index of the corpus at t.Corpus into t.Index.
func runBuild(ctx context.Context, t task) (buildResult, error) {
	var res buildResult
	start := time.Now()
	c, err := loadCorpus(ctx, t.Corpus)
	if err != nil {
		return res, fmt.Errorf("build: %w", err)
	}
	ps := ftsPassages(c.Passages())
	res.Passages = len(ps)
	res.LoadSeconds = time.Since(start).Seconds()
	if err := os.RemoveAll(t.Index); err != nil {
		return res, fmt.Errorf("build: %w", err)
	}
	start = time.Now()
	switch t.Engine {
	case engineStandoff:
		// The stamp is recorded even when the generated files are only seconds old: no one
		// writes them after this, so a serve opens from what the index stored.
		stamp, _, err := corpus.Stamp(t.Corpus)
		if err != nil {
			return res, fmt.Errorf("build: %w", err)
		}
		ix, err := index.Open(ctx, index.Config{Dir: t.Index, Stamp: stamp}, c)
		if err != nil {
			return res, fmt.Errorf("build: %w", err)
		}
		res.BuildSeconds = time.Since(start).Seconds()
		if err := ix.Close(); err != nil {
			return res, fmt.Errorf("build: %w", err)
		}
	default:
		if err := buildEngine(ctx, t.Engine, t.Index, ps); err != nil {
			return res, fmt.Errorf("build: %w", err)
		}
		res.BuildSeconds = time.Since(start).Seconds()
	}
	res.DiskBytes, err = diskSize(t.Index)
	if err != nil {
		return res, fmt.Errorf("build: %w", err)
	}
	return res, nil
}

// ftsFile is the SQLite file of an FTS5 index folder.
func ftsFile(dir string) string { return filepath.Join(dir, "fts5.db") }

// workload is the questions of a speed run.
type workload []drawnQuestion

// readWorkload reads a workload file: question<TAB>passage id a line.
func readWorkload(name string) (workload, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read workload: %w", err)
	}
	defer f.Close()
	var out workload
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		q, id, _ := strings.Cut(sc.Text(), "\t")
		if strings.TrimSpace(q) != "" {
			out = append(out, drawnQuestion{Question: q, Passage: id})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read workload: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read workload: %s: no question", name)
	}
	return out, nil
}

// writeWorkload writes a workload file.
func writeWorkload(name string, w workload) error {
	var b strings.Builder
	for _, q := range w {
		b.WriteString(strings.ReplaceAll(q.Question, "\t", " "))
		b.WriteString("\t")
		b.WriteString(q.Passage)
		b.WriteString("\n")
	}
	if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write workload: %w", err)
	}
	return nil
}

// runServe opens one engine's built index as a fresh process would, answers the first
// question, then every question of the workload with one worker (latency) and again with
// t.Workers workers (throughput). Each answer is what `standoff ask` shows: DefaultK
// passages, cited and highlighted.
func runServe(ctx context.Context, t task) (serveResult, error) {
	res := serveResult{Workers: max(t.Workers, 1)}
	w, err := readWorkload(t.Workload)
	if err != nil {
		return res, fmt.Errorf("serve: %w", err)
	}
	start := time.Now()
	var e engine
	switch t.Engine {
	case engineStandoff:
		// As standoff ask opens: from what the index stored of the corpus when the
		// corpus folder's stamp is unchanged (stamped while the index opens), reading the
		// corpus only otherwise.
		var stamped time.Duration
		ix, err := index.OpenStoredStamped(ctx, index.Config{Dir: t.Index}, func() (string, error) {
			t0 := time.Now()
			defer func() { stamped = time.Since(t0) }()
			s, _, err := corpus.Stamp(t.Corpus)
			return s, err
		})
		res.LoadSeconds = stamped.Seconds()
		opened := start
		if err != nil {
			loading := time.Now()
			c, lerr := loadCorpus(ctx, t.Corpus)
			if lerr != nil {
				return res, fmt.Errorf("serve: %w", lerr)
			}
			res.LoadSeconds += time.Since(loading).Seconds()
			opened = time.Now()
			if ix, err = index.Open(ctx, index.Config{Dir: t.Index}, c); err != nil {
				return res, fmt.Errorf("serve: %w", err)
			}
		}
		if ix.Stats().Built.After(start) {
			ix.Close()
			return res, errors.New("serve: the standoff index was rebuilt, not reopened")
		}
		res.OpenSeconds = time.Since(opened).Seconds()
		res.Passages = ix.Stats().Passages
		e = standoffEngine{ix}
	default:
		if e, err = openEngine(ctx, t.Engine, t.Index, res.Workers); err != nil {
			return res, fmt.Errorf("serve: %w", err)
		}
		res.OpenSeconds = time.Since(start).Seconds()
	}
	defer e.Close()
	first := time.Now()
	if _, err := e.answer(ctx, w[0].Question, standoff.DefaultK); err != nil {
		return res, fmt.Errorf("serve: %w", err)
	}
	res.FirstSeconds = time.Since(first).Seconds()
	res.OpenFirstSeconds = time.Since(start).Seconds()

	// Latency: one worker, every question once, timed by the clock and by the CPU time
	// of the thread that answers (which other processes on the machine do not inflate).
	runtime.LockOSThread()
	lat := make([]float64, 0, len(w))
	cpu := make([]float64, 0, len(w))
	found := 0
	for _, q := range w {
		t0, c0 := time.Now(), threadCPU()
		ans, err := e.answer(ctx, q.Question, standoff.DefaultK)
		lat = append(lat, float64(time.Since(t0).Nanoseconds())/1e6)
		cpu = append(cpu, float64(threadCPU()-c0)/1e6)
		if err != nil {
			return res, fmt.Errorf("serve: %w", err)
		}
		if ans.Answered {
			res.Answered++
		}
		if q.Passage != "" {
			res.Drawn++
			want := passageKey(q.Passage)
			for _, r := range ans.Results {
				if resultKey(r) == want {
					found++
					break
				}
			}
		}
	}
	runtime.UnlockOSThread()
	res.Questions = len(w)
	res.P50, res.P99 = percentile(lat, 50), percentile(lat, 99)
	res.CPUP50, res.CPUP99 = percentile(cpu, 50), percentile(cpu, 99)
	if res.Drawn > 0 {
		res.FoundAt3 = float64(found) / float64(res.Drawn)
	}

	// Throughput: t.Workers workers over the workload, again and again, for t.Throughput.
	n, took, err := throughput(ctx, e, w, res.Workers, t.Throughput)
	if err != nil {
		return res, fmt.Errorf("serve: %w", err)
	}
	res.QPS = float64(n) / took.Seconds()
	return res, nil
}

// throughputMin is the least number of questions a throughput run asks, however long
// they take, so that a slow engine's rate is not that of its first few questions.
const throughputMin = 50

// throughput asks the questions of w in turn, from the start again when done, with
// workers goroutines, until d has passed and at least throughputMin (or all of w) have
// been asked; it returns how many answers were given and how long that took.
func throughput(ctx context.Context, e engine, w workload, workers int, d time.Duration) (int, time.Duration, error) {
	var (
		mu       sync.Mutex
		next, n  int
		firstErr error
		wg       sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(d)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if firstErr != nil || (!time.Now().Before(deadline) && next >= min(throughputMin, len(w))) {
					mu.Unlock()
					return
				}
				q := w[next%len(w)].Question
				next++
				mu.Unlock()
				_, err := e.answer(ctx, q, standoff.DefaultK)
				mu.Lock()
				n++
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return n, time.Since(start), firstErr
}

// threadCPU is the CPU time the calling thread has used; 0 when it cannot be read.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// percentile is the nearest-rank p-th percentile (0 < p <= 100) of xs; 0 when xs is
// empty. xs is not changed.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	r := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(r, 1), len(s))-1]
}

// median is the median of xs (the mean of the middle two for an even count); 0 when
// empty.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
