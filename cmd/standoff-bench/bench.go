package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"time"
)

// bench is a run of the benchmark: its options and where it logs.
type bench struct {
	opts   options
	exe    string
	work   string
	stderr io.Writer
	start  time.Time
}

// runBench measures every workload in child processes and prints the table.
func runBench(ctx context.Context, opts options, stdout, stderr io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	work := opts.work
	if work == "" {
		if work, err = os.MkdirTemp("", "standoff-bench-"); err != nil {
			return fmt.Errorf("run: %w", err)
		}
		defer os.RemoveAll(work)
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	for _, dir := range []string{opts.cpuProfile, opts.memProfile} {
		if dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("run: %w", err)
			}
		}
	}
	b := &bench{opts: opts, exe: exe, work: work, stderr: stderr, start: time.Now()}
	rep := report{Seed: opts.seed, Rounds: opts.rounds, Workers: opts.workers, Queries: opts.queries,
		QueriesLarge: opts.queriesLarge, CPUs: runtime.NumCPU(), GoVersion: runtime.Version(),
		Date: time.Now().UTC().Format("2006-01-02"), LoadBefore: loadAverage()}

	if opts.quality {
		for _, name := range engineNames() {
			dir := filepath.Join(work, "quality-"+name)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("run: %w", err)
			}
			res, err := b.child(ctx, task{Kind: "quality", Engine: name, Scale: "quality", Work: dir,
				QuestionFiles: opts.questions, Unanswerable: opts.unanswerable, SciFact: opts.scifact})
			if err != nil {
				return err
			}
			b.logf("quality %s: %.1f s", name, res.Quality.Seconds)
			rep.Quality = append(rep.Quality, engineQuality{Engine: name, Result: *res.Quality})
		}
	}

	var sources []textSource
	for _, sc := range opts.scales {
		dir := filepath.Join(work, "scale-"+sc.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("run: %w", err)
		}
		if sc.Passages > 0 && sources == nil {
			if sources, err = b.sources(ctx); err != nil {
				return err
			}
		}
		sr, err := b.runScale(ctx, sc, dir, sources)
		if err != nil {
			return err
		}
		rep.Scales = append(rep.Scales, sr)
		if opts.work == "" {
			os.RemoveAll(dir)
		}
	}
	rep.LoadAfter = loadAverage()
	rep.Seconds = time.Since(b.start).Seconds()
	b.logf("done")
	table := rep.markdown()
	if _, err := io.WriteString(stdout, table); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if opts.out != "" {
		if err := os.WriteFile(opts.out, []byte(table), 0o644); err != nil {
			return fmt.Errorf("run: %w", err)
		}
	}
	return nil
}

// engineNames are the engines under test, in the order of the table's columns.
func engineNames() []string { return []string{engineStandoff, engineFTS, engineFTSAll, engineBleve} }

// sources loads the real text that generated corpora recombine.
func (b *bench) sources(ctx context.Context) ([]textSource, error) {
	base, err := loadCorpus(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	s, err := loadSources(ctx, base, b.opts.scifact)
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	n := 0
	for _, x := range s {
		n += len(x.sentences)
	}
	b.logf("sources: %d texts, %d sentences", len(s), n)
	return s, nil
}

// runScale prepares the corpus and workload of one scale, builds both engines' indexes
// and serves each rounds times, alternating which engine goes first.
func (b *bench) runScale(ctx context.Context, sc scale, dir string, sources []textSource) (scaleResult, error) {
	sr := scaleResult{Scale: sc}
	corpusDir := ""
	var passages []genPassage
	if sc.Passages == 0 {
		c, err := loadCorpus(ctx, "")
		if err != nil {
			return sr, fmt.Errorf("run: %w", err)
		}
		for _, p := range ftsPassages(c.Passages()) {
			passages = append(passages, genPassage{ID: p.ID, Text: p.Text})
		}
	} else {
		t0 := time.Now()
		g, err := generate(sources, sc.Passages, b.opts.seed^uint64(sc.Passages))
		if err != nil {
			return sr, fmt.Errorf("run: %w", err)
		}
		corpusDir = filepath.Join(dir, "corpus")
		if err := writeCorpus(corpusDir, g.Files); err != nil {
			return sr, fmt.Errorf("run: %w", err)
		}
		passages = g.Passages
		sr.Documents = len(g.Files)
		sr.CorpusBytes, _ = diskSize(corpusDir)
		b.logf("%s: generated %d documents, %d passages in %.1f s", sc.Name, len(g.Files), len(g.Passages), time.Since(t0).Seconds())
	}
	w, err := b.workload(passages, sc)
	if err != nil {
		return sr, err
	}
	wfile := filepath.Join(dir, "workload.tsv")
	if err := writeWorkload(wfile, w); err != nil {
		return sr, fmt.Errorf("run: %w", err)
	}
	sr.Builds = map[string]buildResult{}
	sr.Serves = map[string][]serveResult{}
	for _, name := range engineNames() {
		res, err := b.child(ctx, task{Kind: "build", Engine: name, Scale: sc.Name, Corpus: corpusDir,
			Index: filepath.Join(dir, name), Work: dir})
		if err != nil {
			return sr, err
		}
		sr.Builds[name] = *res.Build
		b.logf("%s: build %s: %d passages in %.2f s, %.1f MiB on disk, peak RSS %.0f MiB",
			sc.Name, name, res.Build.Passages, res.Build.BuildSeconds, mib(res.Build.DiskBytes), mib(res.Build.Memory.PeakRSS))
	}
	for r := range b.opts.rounds {
		order := engineNames()
		if r%2 == 1 {
			slices.Reverse(order)
		}
		for _, name := range order {
			res, err := b.child(ctx, task{Kind: "serve", Engine: name, Scale: sc.Name, Corpus: corpusDir,
				Index: filepath.Join(dir, name), Workload: wfile, Work: dir, Workers: b.opts.workers,
				Throughput: throughputTime})
			if err != nil {
				return sr, err
			}
			s := res.Serve
			sr.Serves[name] = append(sr.Serves[name], *s)
			b.logf("%s: serve %s round %d: open+first %.3f s, p50 %.3f ms, p99 %.3f ms, %.0f answers/s, found@3 %.3f, peak RSS %.0f MiB",
				sc.Name, name, r+1, s.OpenFirstSeconds, s.P50, s.P99, s.QPS, s.FoundAt3, mib(s.Memory.PeakRSS))
		}
	}
	return sr, nil
}

// workload is the questions asked at a scale: questions of the question files (as people
// type them), at most half of --queries, drawn at random but for the first question of
// the first file, which opens the run, and questions drawn from the scale's passages for
// the rest, --queries in all, shuffled; at a scale above largeScale passages, the first
// --queries-large of them. (When the typed questions took every place, the drawn
// questions' row measured none.)
func (b *bench) workload(passages []genPassage, sc scale) (workload, error) {
	var typed []drawnQuestion
	files := slices.Clone(b.opts.questions)
	files = append(files, b.opts.unanswerable...)
	for _, f := range files {
		qs, err := readLines(f)
		if err != nil {
			return nil, fmt.Errorf("run: %w", err)
		}
		for _, q := range qs {
			typed = append(typed, drawnQuestion{Question: q})
		}
	}
	seed := b.opts.seed ^ uint64(sc.Passages)
	if half := b.opts.queries - b.opts.queries/2; len(typed) > half && len(passages) > 0 {
		pick := rand.New(rand.NewPCG(seed, 0x7e9ed))
		rest := typed[1:]
		pick.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
		typed = typed[:half]
	}
	typed = typed[:min(len(typed), b.opts.queries)]
	w := append(typed, drawQuestions(passages, b.opts.queries-len(typed), seed^0xbe7c4)...)
	if len(w) == 0 {
		return nil, errors.New("run: no question to ask")
	}
	rng := rand.New(rand.NewPCG(seed, 0x5fe11e))
	rest := w[1:]
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	if sc.Passages > largeScale {
		w = w[:min(len(w), b.opts.queriesLarge)]
	}
	return w, nil
}

// largeScale is the passage count above which --queries-large applies.
const largeScale = 100_000

// child runs one task in a child process and returns its result.
func (b *bench) child(ctx context.Context, t task) (childResult, error) {
	var res childResult
	base := fmt.Sprintf("%s-%s-%s-%d", t.Kind, t.Engine, t.Scale, time.Now().UnixNano())
	if b.opts.cpuProfile != "" {
		t.CPUProfile = filepath.Join(b.opts.cpuProfile, base+".cpu.pprof")
	}
	if b.opts.memProfile != "" {
		t.MemProfile = filepath.Join(b.opts.memProfile, base+".mem.pprof")
	}
	spec, err := json.Marshal(t)
	if err != nil {
		return res, fmt.Errorf("run %s %s %s: %w", t.Kind, t.Engine, t.Scale, err)
	}
	cmd := exec.CommandContext(ctx, b.exe, "--child", string(spec))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = b.stderr
	if err := cmd.Run(); err != nil {
		return res, fmt.Errorf("run %s %s %s: %w", t.Kind, t.Engine, t.Scale, err)
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return res, fmt.Errorf("run %s %s %s: read result: %w", t.Kind, t.Engine, t.Scale, err)
	}
	return res, nil
}

// logf prints a progress line with the time since the start.
func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.stderr, "[%6.1fs] %s\n", time.Since(b.start).Seconds(), fmt.Sprintf(format, args...))
}
