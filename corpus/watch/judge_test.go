package watch

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
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

// TestNearCopies measures how many copies the near-copy check catches, on the sections
// of at least 80 words of the default corpus taken as articles: the same text with a line
// of attribution added (as a syndicating site writes it), and with one word changed in
// each paragraph (an edit). Every attributed copy and nine edited copies in ten must be
// caught (a word changed in a short paragraph changes a large share of its shingles), and
// no section taken for a copy of another; the figures are logged for the closing note.
func TestNearCopies(t *testing.T) {
	c, err := corpus.Load(context.Background(), corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	var articles []corpus.Document
	for _, d := range c.Documents {
		bySection := map[string][]corpus.Paragraph{}
		var order []string
		for _, p := range d.Paragraphs {
			if _, ok := bySection[p.Section]; !ok {
				order = append(order, p.Section)
			}
			bySection[p.Section] = append(bySection[p.Section], p)
		}
		for _, sec := range order {
			ps := bySection[sec]
			n := 0
			for _, p := range ps {
				n += len(strings.Fields(p.Text))
			}
			if n >= 80 {
				articles = append(articles, corpus.Document{ID: fmt.Sprintf("%s#%s", d.ID, sec), Hash: fmt.Sprintf("h%d", len(articles)), Paragraphs: ps})
			}
		}
	}
	if len(articles) < 30 {
		t.Fatalf("%d sections of 80 words or more, want at least 30", len(articles))
	}
	near := &corpus.ShingleCache{}
	caught := func(cp corpus.Document, of string) bool {
		sims := near.NearDuplicates(cp, articles, corpus.NearDuplicateThreshold)
		return len(sims) == 1 && sims[0].ID == of
	}
	attributed, edited, falsePairs := 0, 0, 0
	for _, a := range articles {
		withLine := corpus.Document{ID: "copy", Paragraphs: append(slices.Clone(a.Paragraphs), corpus.Paragraph{Text: "This article first appeared on Example Wire."})}
		if caught(withLine, a.ID) {
			attributed++
		}
		changed := corpus.Document{ID: "copy"}
		for _, p := range a.Paragraphs {
			w := strings.Fields(p.Text)
			w[len(w)/2] = "indeed"
			changed.Paragraphs = append(changed.Paragraphs, corpus.Paragraph{Text: strings.Join(w, " ")})
		}
		if caught(changed, a.ID) {
			edited++
		}
		self := a
		self.ID = "other"
		if sims := near.NearDuplicates(self, articles, corpus.NearDuplicateThreshold); len(sims) != 1 {
			falsePairs += len(sims) - 1
		}
	}
	t.Logf("%d sections: copies with an attribution line caught %d, copies with a word changed in each paragraph caught %d, sections taken for copies of others %d",
		len(articles), attributed, edited, falsePairs)
	if attributed != len(articles) || 10*edited < 9*len(articles) || falsePairs != 0 {
		t.Errorf("caught %d and %d of %d, %d false pairs", attributed, edited, len(articles), falsePairs)
	}
}
