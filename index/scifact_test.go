package index

import (
	"context"
	"os"
	"testing"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// The SciFact benchmark (BEIR, train split) is not part of the repository: set
// STANDOFF_SCIFACT to its folder (corpus.jsonl.gz, queries.train.jsonl, qrels/train.tsv)
// to run the tests and benchmarks that use it.

func scifactDir(tb testing.TB) string {
	dir := os.Getenv("STANDOFF_SCIFACT")
	if dir == "" {
		tb.Skip("STANDOFF_SCIFACT is not set")
	}
	return dir
}

// scifact reads the SciFact collection.
func scifact(tb testing.TB) (*corpus.Corpus, []JudgedQuery) {
	c, qs, err := ReadBEIR(scifactDir(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return c, qs
}

// scifactScore is the mean nDCG@10 and Recall@100 of ix's ranking of the queries.
func scifactScore(tb testing.TB, ix *Index, qs []JudgedQuery) (ndcg, recall float64) {
	ctx := context.Background()
	for _, q := range qs {
		hits, err := ix.Search(ctx, q.Text, 400)
		if err != nil {
			tb.Fatal(err)
		}
		docs := make([]string, len(hits))
		for i, h := range hits {
			docs[i] = h.Doc
		}
		ranked := DocRanking(docs, 100)
		ndcg += NDCG(ranked, q.Relevant, 10)
		recall += RecallAt(ranked, q.Relevant, 100)
	}
	n := float64(len(qs))
	return ndcg / n, recall / n
}

// TestSciFact reports nDCG@10 and Recall@100 of the answer path's ranking on SciFact.
func TestSciFact(t *testing.T) {
	c, qs := scifact(t)
	ix, err := Open(context.Background(), Config{}, c)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ndcg, recall := scifactScore(t, ix, qs)
	t.Logf("SciFact train: %d documents, %d passages, %d queries: nDCG@10 %.4f, Recall@100 %.4f",
		len(c.Documents), ix.Stats().Passages, len(qs), ndcg, recall)
	if ndcg < 0.68 {
		t.Errorf("nDCG@10 = %.4f, want at least 0.68", ndcg)
	}
}

// TestSciFactTuning compares query weights and BM25 parameters side by side on SciFact,
// each against the product's settings ("standoff"). Run it with STANDOFF_SCIFACT_TUNE=1
// as well; it takes a few minutes.
func TestSciFactTuning(t *testing.T) {
	if os.Getenv("STANDOFF_SCIFACT_TUNE") == "" {
		t.Skip("STANDOFF_SCIFACT_TUNE is not set")
	}
	c, qs := scifact(t)
	type variant struct {
		name  string
		b, k1 float64
		batch int
		w     weights
	}
	base := defaultWeights
	with := func(f func(*weights)) weights { w := base; f(&w); return w }
	variants := []variant{
		{"standoff", bm25B, bm25K1, 1000, base},
		{"b=0.75", 0.75, bm25K1, 1000, base},
		{"b=0.3", 0.3, bm25K1, 1000, base},
		{"k1=0.9", bm25B, 0.9, 1000, base},
		{"title 1.0", bm25B, bm25K1, 1000, with(func(w *weights) { w.title = 1 })},
		{"title 0", bm25B, bm25K1, 1000, with(func(w *weights) { w.title = 0 })},
		{"phrase 2", bm25B, bm25K1, 1000, with(func(w *weights) { w.phrase = 2 })},
		{"no coverage rerank", bm25B, bm25K1, 1000, with(func(w *weights) { w.rerank = 0 })},
		{"no correction", bm25B, bm25K1, 1000, with(func(w *weights) { w.correction = 0 })},
		{"one batch", bm25B, bm25K1, 100000, base},
	}
	b0, k0 := bm25Params()
	defer setBM25(b0, k0)
	for _, v := range variants {
		setBM25(v.b, v.k1)
		ix, err := Open(context.Background(), Config{BatchSize: v.batch}, c)
		if err != nil {
			t.Fatal(err)
		}
		ix.weights = v.w
		ndcg, recall := scifactScore(t, ix, qs)
		ix.Close()
		t.Logf("%-20s nDCG@10 %.4f  Recall@100 %.4f", v.name, ndcg, recall)
	}
}

// sciFactAnswers is what `standoff ask --json -k 50` gives for the SciFact claims: the mean
// nDCG@10 and Recall@50 of the documents of the passages shown (answered or closest), and
// how many claims were refused (not answered).
func sciFactAnswers(tb testing.TB, ix *Index, qs []JudgedQuery) (ndcg, recall float64, refused int) {
	ctx := context.Background()
	for _, q := range qs {
		ans, err := ix.Answer(ctx, standoff.Request{Question: q.Text, K: 50})
		if err != nil {
			tb.Fatal(err)
		}
		if !ans.Answered {
			refused++
		}
		docs := make([]string, len(ans.Results))
		for i, r := range ans.Results {
			docs[i] = r.Doc
		}
		ranked := DocRanking(docs, 50)
		ndcg += NDCG(ranked, q.Relevant, 10)
		recall += RecallAt(ranked, q.Relevant, 50)
	}
	n := float64(len(qs))
	return ndcg / n, recall / n, refused
}

// TestSciFactThroughAnswer holds the answer path, as `standoff ask --json -k 50` uses it,
// to the ranking's quality on SciFact train: nDCG@10 at least 0.69, and at most 3% of
// the claims (each of which has a relevant abstract) refused.
func TestSciFactThroughAnswer(t *testing.T) {
	c, qs := scifact(t)
	ix, err := Open(context.Background(), Config{}, c)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ndcg, recall, refused := sciFactAnswers(t, ix, qs)
	share := float64(refused) / float64(len(qs))
	t.Logf("SciFact train through Answer (k 50): nDCG@10 %.4f, Recall@50 %.4f, refused %d of %d (%.1f%%)",
		ndcg, recall, refused, len(qs), 100*share)
	if ndcg < 0.69 {
		t.Errorf("nDCG@10 = %.4f, want at least 0.69", ndcg)
	}
	if share > 0.03 {
		t.Errorf("%d of %d claims refused (%.1f%%), want at most 3%%", refused, len(qs), 100*share)
	}
}
