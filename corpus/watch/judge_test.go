package watch

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff/corpus"
)

// labelled reads testdata/relevance.tsv: articles of the project's own, labelled 1 (about
// the standoff) or 0 (not).
func labelled(t testing.TB) (docs []corpus.Document, on []bool) {
	t.Helper()
	f, err := os.Open("testdata/relevance.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 3 {
			t.Fatalf("bad line %q", line)
		}
		docs = append(docs, corpus.Document{Title: parts[1], Paragraphs: []corpus.Paragraph{{Text: parts[2]}}})
		on = append(on, parts[0] == "1")
	}
	return docs, on
}

// TestRelevanceLabelled measures the on-topic judgement on the labelled set against the
// default corpus's names: precision (of what is proposed, how much is on topic) must be
// at least 0.95, and recall (of what is on topic, how much is proposed) at least 0.9.
func TestRelevanceLabelled(t *testing.T) {
	c, err := corpus.Load(context.Background(), corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	names := Names(c)
	docs, on := labelled(t)
	if len(docs) < 100 {
		t.Fatalf("%d labelled items, want at least 100", len(docs))
	}
	var tp, fp, fn int
	for i, d := range docs {
		score, why := Relevance(d, names)
		proposed := score >= OnTopic
		switch {
		case proposed && on[i]:
			tp++
		case proposed && !on[i]:
			fp++
			t.Logf("proposed, off topic: %q %.2f (%s)", d.Title, score, why)
		case !proposed && on[i]:
			fn++
			t.Logf("not proposed, on topic: %q %.2f (%s)", d.Title, score, why)
		}
	}
	precision := float64(tp) / float64(max(tp+fp, 1))
	recall := float64(tp) / float64(max(tp+fn, 1))
	t.Logf("%d items: precision %.2f (%d of %d proposed), recall %.2f (%d of %d on topic)", len(docs), precision, tp, tp+fp, recall, tp, tp+fn)
	if precision < 0.95 || recall < 0.9 {
		t.Errorf("precision %.2f, recall %.2f: want at least 0.95 and 0.9", precision, recall)
	}
}
