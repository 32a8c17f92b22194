package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var xs []float64
	for i := 100; i >= 1; i-- {
		xs = append(xs, float64(i))
	}
	for _, c := range []struct{ p, want float64 }{{50, 50}, {99, 99}, {100, 100}, {1, 1}, {0.1, 1}, {90.5, 91}} {
		if got := percentile(xs, c.p); got != c.want {
			t.Errorf("percentile(1..100, %v) = %v, want %v", c.p, got, c.want)
		}
	}
	if xs[0] != 100 {
		t.Error("percentile sorted its input")
	}
	if got := percentile([]float64{7}, 99); got != 7 {
		t.Errorf("percentile([7], 99) = %v", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile(nil) = %v", got)
	}
	if got := percentile([]float64{5, 1, 3, 2, 4, 10, 9, 8, 7, 6}, 99); got != 10 {
		t.Errorf("p99 of 10 values = %v, want the largest", got)
	}
}

func TestMedian(t *testing.T) {
	if got := median([]float64{3, 1, 2}); got != 2 {
		t.Errorf("median(3,1,2) = %v", got)
	}
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("median(4,1,3,2) = %v", got)
	}
}

func TestPassageKey(t *testing.T) {
	for in, want := range map[string]string{"doc#3.2": "doc#3", "a/b#12": "a/b#12", "x.y/z#4.1": "x.y/z#4", "plain": "plain"} {
		if got := passageKey(in); got != want {
			t.Errorf("passageKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBuildAndServe runs the build and serve tasks of both engines on the default corpus.
func TestBuildAndServe(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	wfile := filepath.Join(dir, "workload.tsv")
	w := workload{
		{Question: "what is breakout time"},
		{Question: "how much uranium has Iran enriched", Passage: "nowhere#1"},
		{Question: "what is the capital of France"},
	}
	if err := writeWorkload(wfile, w); err != nil {
		t.Fatal(err)
	}
	for _, name := range engineNames() {
		idx := filepath.Join(dir, name)
		b, err := runBuild(ctx, task{Kind: "build", Engine: name, Index: idx})
		if err != nil {
			t.Fatalf("%s: build: %v", name, err)
		}
		if b.Passages == 0 || b.DiskBytes == 0 {
			t.Errorf("%s: build = %+v", name, b)
		}
		s, err := runServe(ctx, task{Kind: "serve", Engine: name, Index: idx, Workload: wfile, Workers: 2, Throughput: 50 * time.Millisecond})
		if err != nil {
			t.Fatalf("%s: serve: %v", name, err)
		}
		if s.Questions != 3 || s.Drawn != 1 || s.P50 <= 0 || s.P99 < s.P50 || s.QPS <= 0 || s.Answered < 2 {
			t.Errorf("%s: serve = %+v", name, s)
		}
	}
	if _, err := os.Stat(ftsFile(filepath.Join(dir, engineFTS))); err != nil {
		t.Error(err)
	}
}

func TestPeakRSS(t *testing.T) {
	n, err := peakRSS()
	if err != nil {
		t.Skip(err)
	}
	if n < 1<<20 {
		t.Errorf("peak RSS = %d bytes", n)
	}
}

// TestWorkloadDrawsHalf: when the question files hold more questions than --queries, they
// take half of the workload, the first question of the first file first, and questions
// drawn from the passages the other half, so that the drawn questions' row measures
// something.
func TestWorkloadDrawsHalf(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := range 40 {
		lines = append(lines, fmt.Sprintf("typed question %d", i))
	}
	file := filepath.Join(dir, "q.tsv")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var passages []genPassage
	for i := range 50 {
		passages = append(passages, genPassage{ID: fmt.Sprintf("d/a#%d", i), Text: fmt.Sprintf("centrifuges spin quickly inside hall number %d near natanz", i)})
	}
	b := &bench{opts: options{questions: []string{file}, queries: 20, queriesLarge: 300, seed: 1}}
	w, err := b.workload(passages, scale{Name: "test", Passages: len(passages)})
	if err != nil {
		t.Fatal(err)
	}
	drawn := 0
	for _, q := range w {
		if q.Passage != "" {
			drawn++
		}
	}
	if len(w) != 20 || drawn != 10 {
		t.Errorf("%d questions, %d drawn; want 20, 10 drawn", len(w), drawn)
	}
	if w[0].Question != "typed question 0" {
		t.Errorf("the run opens with %q, want the first question of the first file", w[0].Question)
	}
}
