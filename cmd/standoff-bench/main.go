// Command standoff-bench measures standoff's answer path side by side with SQLite FTS5
// (modernc.org/sqlite, pure Go) on the very same passages, loaded through the product's
// corpus package: answer quality on the project's question files and on SciFact, and
// speed and memory on the default corpus and on generated corpora of about 20,000 and
// 200,000 passages. It prints one Markdown table.
//
//	cd cmd/standoff-bench && go run . --out bench.md
//	cd cmd/standoff-bench && go run . --scale 20k
//
// Its defaults are found from the repository's root, wherever in it it runs: the question
// files in testdata/ and SciFact in shared/eval/scifact beside the checkout.
//
// Every measurement runs in a child process (the binary itself, re-executed) so that
// one engine's or one scale's memory does not count in another's peak.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const usage = `usage: standoff-bench [flags]

Measures standoff against SQLite FTS5 (queried without English stop words, and with
every word) and plain bleve on the same passages, and prints a Markdown table.

flags:
  --scifact DIR       SciFact in BEIR form (corpus.jsonl.gz, queries.train.jsonl,
                      qrels/train.tsv); also a source of text for generated corpora
                      (default shared/eval/scifact beside the checkout; skipped when missing)
  --questions FILES   question files, comma-separated or repeated
                      (default the repository's testdata/*.tsv but the files below)
  --unanswerable FILES comma-separated files of questions the corpus does not cover,
                      one a line (default testdata/unanswerable.tsv,offtopic.tsv)
  --scales LIST       scales to measure: default, 20k, 200k or a passage count
                      (default default,20k,200k)
  --scale NAME        one scale only; same as --scales NAME
  --quality=false     skip the quality workloads
  --seed N            seed of the generated corpora and questions (default 1)
  --queries N         questions asked per scale and engine (default 1000)
  --queries-large N   questions asked at scales above 100,000 passages, where
                      FTS5 takes a tenth of a second an answer (default 300)
  --rounds N          times each engine serves each scale; medians are reported
                      (default 3)
  --workers N         workers of the throughput run (default 2)
  --work DIR          where corpora and indexes are built (default a temporary
                      folder, removed after; a given folder is kept)
  --out FILE          also write the table to FILE
  --cpuprofile DIR    write a CPU profile of every child process into DIR
  --memprofile DIR    write a heap profile of every child process into DIR
`

// options are the parsed flags.
type options struct {
	scifact      string
	questions    []string
	unanswerable []string
	scales       []scale
	quality      bool
	seed         uint64
	queries      int
	queriesLarge int
	rounds       int
	workers      int
	work         string
	out          string
	cpuProfile   string
	memProfile   string
	child        string
}

// task is one measurement, run in a child process.
type task struct {
	Kind          string        `json:"kind"` // "quality", "build" or "serve"
	Engine        string        `json:"engine"`
	Scale         string        `json:"scale"`
	Corpus        string        `json:"corpus"`   // corpus folder; "" for the embedded default corpus
	Index         string        `json:"index"`    // index folder
	Workload      string        `json:"workload"` // workload file of a serve task
	Work          string        `json:"work"`     // scratch folder
	QuestionFiles []string      `json:"question_files"`
	Unanswerable  []string      `json:"unanswerable"`
	SciFact       string        `json:"scifact"`
	Workers       int           `json:"workers"`
	Throughput    time.Duration `json:"throughput"` // how long the throughput run lasts
	CPUProfile    string        `json:"cpu_profile"`
	MemProfile    string        `json:"mem_profile"`
}

// childResult is what a child process prints: the result of its task.
type childResult struct {
	Quality *qualityResult `json:"quality,omitempty"`
	Build   *buildResult   `json:"build,omitempty"`
	Serve   *serveResult   `json:"serve,omitempty"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "standoff-bench: %v\n", err)
		return 2
	}
	if opts.child != "" {
		if err := runChild(ctx, opts.child, stdout); err != nil {
			fmt.Fprintf(stderr, "standoff-bench child: %v\n", err)
			return 1
		}
		return 0
	}
	if err := runBench(ctx, opts, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "standoff-bench: %v\n", err)
		return 1
	}
	return 0
}

// repoRoot returns the root of the standoff repository: the nearest folder, from the
// working folder up, whose go.mod is the product's module; the benchmark is a module of
// its own inside it, so it runs from either. It is "." when there is none.
func repoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil &&
			strings.HasPrefix(string(data), "module github.com/standoff-bot/standoff\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}

// parseFlags reads the command line. --child, which runs one task, is not in the usage:
// only the binary itself passes it.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	o := options{quality: true}
	fs := flag.NewFlagSet("standoff-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	var scales, one, questions string
	root := repoRoot()
	fs.StringVar(&o.scifact, "scifact", filepath.Join(root, "..", "shared", "eval", "scifact"), "")
	fs.Func("questions", "", func(s string) error {
		questions += "," + s
		return nil
	})
	var unanswerable string
	fs.StringVar(&unanswerable, "unanswerable", "", "")
	fs.StringVar(&scales, "scales", "default,20k,200k", "")
	fs.StringVar(&one, "scale", "", "")
	fs.BoolVar(&o.quality, "quality", true, "")
	fs.Uint64Var(&o.seed, "seed", 1, "")
	fs.IntVar(&o.queries, "queries", 1000, "")
	fs.IntVar(&o.queriesLarge, "queries-large", 300, "")
	fs.IntVar(&o.rounds, "rounds", 3, "")
	fs.IntVar(&o.workers, "workers", 2, "")
	fs.StringVar(&o.work, "work", "", "")
	fs.StringVar(&o.out, "out", "", "")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "")
	fs.StringVar(&o.memProfile, "memprofile", "", "")
	fs.StringVar(&o.child, "child", "", "")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("parse flags: unexpected argument %q", fs.Arg(0))
	}
	if o.child != "" {
		return o, nil
	}
	if one != "" {
		scales = one
	}
	var err error
	if o.scales, err = parseScales(scales); err != nil {
		return o, err
	}
	if o.queries < 1 || o.queriesLarge < 1 || o.rounds < 1 || o.workers < 1 {
		return o, errors.New("parse flags: --queries, --queries-large, --rounds and --workers must be at least 1")
	}
	for _, q := range strings.Split(questions, ",") {
		if q = strings.TrimSpace(q); q != "" {
			o.questions = append(o.questions, q)
		}
	}
	if len(o.questions) == 0 {
		files, _ := filepath.Glob(filepath.Join(root, "testdata", "*.tsv"))
		for _, f := range files {
			if !slices.Contains(mustNotAnswer(), filepath.Base(f)) {
				o.questions = append(o.questions, f)
			}
		}
		if unanswerable == "" {
			for _, name := range mustNotAnswer() {
				if _, err := os.Stat(filepath.Join(root, "testdata", name)); err == nil {
					o.unanswerable = append(o.unanswerable, filepath.Join(root, "testdata", name))
				}
			}
		}
	}
	for _, f := range strings.Split(unanswerable, ",") {
		if f = strings.TrimSpace(f); f != "" {
			o.unanswerable = append(o.unanswerable, f)
		}
	}
	if _, err := os.Stat(filepath.Join(o.scifact, "corpus.jsonl.gz")); o.scifact != "" && err != nil {
		fmt.Fprintf(stderr, "standoff-bench: no SciFact in %s: SciFact is skipped and corpora are generated from the default corpus alone\n", o.scifact)
		o.scifact = ""
	}
	return o, nil
}

// scale is a corpus size to measure: the default corpus (Passages 0) or a generated
// corpus of Passages passages.
type scale struct {
	Name     string
	Passages int
}

// parseScales reads a comma-separated list of scales: "default", "20k", "200k", "5000".
func parseScales(s string) ([]scale, error) {
	var out []scale
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if f == "default" {
			out = append(out, scale{Name: f})
			continue
		}
		num, mult := f, 1
		if n, ok := strings.CutSuffix(f, "k"); ok {
			num, mult = n, 1000
		}
		n, err := strconv.Atoi(num)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("parse scales: %q is not default, 20k, 200k or a passage count", f)
		}
		out = append(out, scale{Name: f, Passages: n * mult})
	}
	if len(out) == 0 {
		return nil, errors.New("parse scales: no scale")
	}
	return out, nil
}

// runChild runs the task spec (JSON) and prints its result as JSON on stdout.
func runChild(ctx context.Context, spec string, stdout io.Writer) error {
	var t task
	if err := json.Unmarshal([]byte(spec), &t); err != nil {
		return fmt.Errorf("read task: %w", err)
	}
	heap := startHeapSampler()
	defer heap.Stop()
	if t.CPUProfile != "" {
		f, err := os.Create(t.CPUProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	var res childResult
	var mem *memoryUse
	switch t.Kind {
	case "quality":
		q, err := runQuality(ctx, t)
		if err != nil {
			return err
		}
		res.Quality = &q
	case "build":
		b, err := runBuild(ctx, t)
		if err != nil {
			return err
		}
		res.Build, mem = &b, &b.Memory
	case "serve":
		s, err := runServe(ctx, t)
		if err != nil {
			return err
		}
		res.Serve, mem = &s, &s.Memory
	default:
		return fmt.Errorf("run task: unknown kind %q", t.Kind)
	}
	if mem != nil {
		mem.PeakHeap = heap.Stop()
		rss, err := peakRSS()
		if err != nil {
			return err
		}
		mem.PeakRSS = rss
	}
	if t.MemProfile != "" {
		f, err := os.Create(t.MemProfile)
		if err != nil {
			return fmt.Errorf("heap profile: %w", err)
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return fmt.Errorf("heap profile: %w", err)
		}
	}
	if err := json.NewEncoder(stdout).Encode(res); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}

// loadAverage is the one-minute load average of the machine, from /proc/loadavg: other
// work on it slows the measurements. "?" when it cannot be read.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// mib converts bytes to MiB.
func mib[T int64 | uint64](n T) float64 { return float64(n) / (1 << 20) }
