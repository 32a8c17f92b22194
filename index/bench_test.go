package index

import (
	"context"
	"github.com/standoff-bot/standoff"
	"os"
	"path/filepath"
	"testing"
)

// benchQuestions are asked in turn by the answer benchmarks.
var benchQuestions = []string{
	"what is breakout time?",
	"when did the E3 trigger snapback",
	"Does Tehran use diplomacy to buy time?",
	"what is enrichement",
	"how do I bake sourdough bread",
	"what did the deputy foreign minister say",
}

// BenchmarkAnswerDefault answers questions (search, highlight, citation) on the
// default corpus.
func BenchmarkAnswerDefault(b *testing.B) {
	ix := openMem(b, loadDefault(b))
	benchmarkAnswer(b, ix, benchQuestions)
}

func benchmarkAnswer(b *testing.B, ix *Index, qs []string) {
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := ix.Answer(ctx, standoff.Request{Question: qs[i%len(qs)], K: standoff.DefaultK}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnswerSciFact answers SciFact claims on the SciFact corpus (STANDOFF_SCIFACT).
func BenchmarkAnswerSciFact(b *testing.B) {
	c, judged := scifact(b)
	ix := openMem(b, c)
	var qs []string
	for _, q := range judged {
		qs = append(qs, q.Text)
	}
	benchmarkAnswer(b, ix, qs)
}

// BenchmarkBuildSciFact builds the SciFact index on disk and reports its size.
func BenchmarkBuildSciFact(b *testing.B) {
	c, _ := scifact(b)
	ctx := context.Background()
	var size int64
	for b.Loop() {
		d := b.TempDir()
		ix, err := Open(ctx, Config{Dir: d}, c)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
		size = dirSize(b, d)
		b.StopTimer()
		os.RemoveAll(d)
		b.StartTimer()
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB")
}

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	err := filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// timeQuestions are questions about time: the present, a period, what happened.
var timeQuestions = []string{
	"who is iran's supreme leader now",
	"did israel strike iran again this year",
	"what happened at fordow",
	"what is the latest on the stockpile",
	"what happened last month",
	"how is the president's health now",
}

// BenchmarkAnswerTime answers questions about time on the default corpus: the dated
// searches and the ordering by date come on top of BenchmarkAnswerDefault's work.
func BenchmarkAnswerTime(b *testing.B) {
	ix := openMem(b, loadDefault(b))
	benchmarkAnswer(b, ix, timeQuestions)
}
