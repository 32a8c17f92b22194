package index

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

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

// scifactCorpus reads the abstracts as plain-text documents: title, blank line, text.
func scifactCorpus(tb testing.TB, dir string) *corpus.Corpus {
	f, err := os.Open(filepath.Join(dir, "corpus.jsonl.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	c := &corpus.Corpus{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var rec struct {
			ID    string `json:"_id"`
			Title string `json:"title"`
			Text  string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			tb.Fatal(err)
		}
		title := strings.Join(strings.Fields(rec.Title), " ")
		if title == "" {
			title = rec.ID
		}
		doc, err := corpus.ParseDocument(rec.ID+".txt", []byte(title+"\n\n"+rec.Text))
		if err != nil {
			continue // an abstract with no text
		}
		c.Documents = append(c.Documents, doc)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return c
}

type scifactQuery struct {
	id, text string
	relevant map[string]bool
}

func scifactQueries(tb testing.TB, dir string) []scifactQuery {
	qrels := map[string]map[string]bool{}
	data, err := os.ReadFile(filepath.Join(dir, "qrels", "train.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		cols := strings.Split(line, "\t")
		if i == 0 || len(cols) < 3 {
			continue
		}
		if qrels[cols[0]] == nil {
			qrels[cols[0]] = map[string]bool{}
		}
		qrels[cols[0]][cols[1]] = true
	}
	f, err := os.Open(filepath.Join(dir, "queries.train.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []scifactQuery
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rec struct {
			ID   string `json:"_id"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			tb.Fatal(err)
		}
		if rel := qrels[rec.ID]; len(rel) > 0 {
			out = append(out, scifactQuery{rec.ID, rec.Text, rel})
		}
	}
	return out
}

// docRanking ranks documents by their best passage.
func docRanking(hits []Hit, n int) []string {
	var docs []string
	seen := map[string]bool{}
	for _, h := range hits {
		if !seen[h.Doc] {
			seen[h.Doc] = true
			docs = append(docs, h.Doc)
			if len(docs) == n {
				break
			}
		}
	}
	return docs
}

// ndcgAt is binary-relevance nDCG at k.
func ndcgAt(ranked []string, rel map[string]bool, k int) float64 {
	var dcg, ideal float64
	for i := 0; i < k && i < len(ranked); i++ {
		if rel[ranked[i]] {
			dcg += 1 / math.Log2(float64(i+2))
		}
	}
	for i := 0; i < k && i < len(rel); i++ {
		ideal += 1 / math.Log2(float64(i+2))
	}
	return dcg / ideal
}

func recallAt(ranked []string, rel map[string]bool, k int) float64 {
	got := 0
	for i := 0; i < k && i < len(ranked); i++ {
		if rel[ranked[i]] {
			got++
		}
	}
	return float64(got) / float64(len(rel))
}

// TestSciFact reports nDCG@10 and Recall@100 of the answer path's ranking on SciFact.
func TestSciFact(t *testing.T) {
	dir := scifactDir(t)
	ctx := context.Background()
	c := scifactCorpus(t, dir)
	ix, err := Open(ctx, Config{}, c)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	qs := scifactQueries(t, dir)
	var ndcg, recall float64
	for _, q := range qs {
		hits, err := ix.Search(ctx, q.text, 400)
		if err != nil {
			t.Fatal(err)
		}
		ranked := docRanking(hits, 100)
		ndcg += ndcgAt(ranked, q.relevant, 10)
		recall += recallAt(ranked, q.relevant, 100)
	}
	n := float64(len(qs))
	t.Logf("SciFact train: %d documents, %d passages, %d queries: nDCG@10 %.4f, Recall@100 %.4f",
		len(c.Documents), ix.Stats().Passages, len(qs), ndcg/n, recall/n)
	if got := ndcg / n; got < 0.68 {
		t.Errorf("nDCG@10 = %.4f, want at least 0.68", got)
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestSciFactTuning compares query weights and BM25 parameters side by side on SciFact.
// Run it with STANDOFF_SCIFACT_TUNE=1 as well; it takes a few minutes.
func TestSciFactTuning(t *testing.T) {
	dir := scifactDir(t)
	if os.Getenv("STANDOFF_SCIFACT_TUNE") == "" {
		t.Skip("STANDOFF_SCIFACT_TUNE is not set")
	}
	ctx := context.Background()
	c := scifactCorpus(t, dir)
	qs := scifactQueries(t, dir)
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
		{"t.3", bm25B, bm25K1, 1000, with(func(w *weights) { w.title = 0.3 })},
		{"t.3 p1", bm25B, bm25K1, 1000, with(func(w *weights) { w.title = 0.3; w.phrase = 1 })},
		{"t.3 p1 b.3", 0.3, bm25K1, 1000, with(func(w *weights) { w.title = 0.3; w.phrase = 1 })},
		{"t.3 b.3", 0.3, bm25K1, 1000, with(func(w *weights) { w.title = 0.3 })},
		{"t.3 b.2", 0.2, bm25K1, 1000, with(func(w *weights) { w.title = 0.3 })},
		{"t.3 b.2 k1.5", 0.2, 1.5, 1000, with(func(w *weights) { w.title = 0.3 })},
		{"t.3 rr60", bm25B, bm25K1, 1000, with(func(w *weights) { w.title = 0.3; w.rerank = 60 })},
		{"t.4", bm25B, bm25K1, 1000, with(func(w *weights) { w.title = 0.4 })},
	}
	b0, k0 := bm25Params()
	defer setBM25(b0, k0)
	for _, v := range variants {
		setBM25(v.b, v.k1)
		ix, err := Open(ctx, Config{BatchSize: v.batch}, c)
		if err != nil {
			t.Fatal(err)
		}
		ix.weights = v.w
		var ndcg, recall float64
		for _, q := range qs {
			hits, err := ix.Search(ctx, q.text, 400)
			if err != nil {
				t.Fatal(err)
			}
			ranked := docRanking(hits, 100)
			ndcg += ndcgAt(ranked, q.relevant, 10)
			recall += recallAt(ranked, q.relevant, 100)
		}
		ix.Close()
		n := float64(len(qs))
		t.Logf("%-16s nDCG@10 %.4f  Recall@100 %.4f", v.name, ndcg/n, recall/n)
	}
}
