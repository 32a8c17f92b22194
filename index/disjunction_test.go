package index

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestTermsSearchIsBleves: searchTerms gives the hits bleve gives, with their scores and
// their number, for every question of the project's files as rank puts it to bleve (its
// words, and again with the terms feedback adds), at a page of 3 and at rank's page; and
// Answer gives the same answers either way. The index is built in small batches, so that
// its passages lie in many segments.
func TestTermsSearchIsBleves(t *testing.T) {
	ctx := context.Background()
	// In batches of 37 passages: bleve's numbers for them then run over many segments.
	ix, err := Open(ctx, Config{BatchSize: 37}, loadDefault(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var questions []string
	for _, f := range []string{"questions.tsv", "questions-chat.tsv", "questions-reference.tsv", "questions-timeline.tsv",
		"seed-questions.tsv", "offtopic.tsv", "unanswerable.tsv", "questions-paraphrase-2.tsv"} {
		for _, q := range readLabelledFile(t, f) {
			questions = append(questions, q.Question)
		}
	}
	fast, searches := 0, 0
	for _, q := range questions {
		p := ix.readQuestion(q)
		if len(p.concepts) == 0 {
			continue
		}
		queries := []query.Query{p.bleveQuery(ix.weights)}
		if res, err := ix.bleve.Search(bleve.NewSearchRequestOptions(queries[0], feedbackPassages, 0, false)); err == nil {
			if p.feedback = ix.feedback(p, res.Hits); len(p.feedback) > 0 {
				queries = append(queries, p.bleveQuery(ix.weights))
			}
		}
		for _, bq := range queries {
			for _, size := range []int{3, ix.weights.rerank + 8} {
				searches++
				if _, ok := termDisjunction(bleve.NewSearchRequestOptions(bq, size, 0, false)); ok {
					fast++
					if _, took, err := ix.searchTerms(ctx, bleve.NewSearchRequestOptions(bq, size, 0, false)); !took || err != nil {
						t.Fatalf("%q: searchTerms left a disjunction of terms to bleve (%v)", q, err)
					}
				}
				ix.exhaustive = true
				want, err := ix.search(ctx, bleve.NewSearchRequestOptions(bq, size, 0, false))
				ix.exhaustive = false
				if err != nil {
					t.Fatal(err)
				}
				got, err := ix.search(ctx, bleve.NewSearchRequestOptions(bq, size, 0, false))
				if err != nil {
					t.Fatal(err)
				}
				if g, w := hitList(got), hitList(want); g != w || got.Total != want.Total {
					t.Errorf("%q at %d: searchTerms gives (%d found)\n%s\nbleve (%d found)\n%s", q, size, got.Total, g, want.Total, w)
				}
			}
		}
	}
	if fast < searches*9/10 {
		t.Errorf("searchTerms took %d searches of %d", fast, searches)
	}
	t.Logf("searchTerms took %d searches of %d", fast, searches)
	for _, q := range questions[:200] {
		got := ask(t, ix, q, 3)
		ix.exhaustive = true
		want := ask(t, ix, q, 3)
		ix.exhaustive = false
		if g, w := searchJSON(t, got), searchJSON(t, want); g != w {
			t.Errorf("%q: answered differently:\n%s\nby bleve:\n%s", q, g, w)
		}
	}
}

// hitList writes hits one a line: id and score.
func hitList(res *bleve.SearchResult) string {
	var b strings.Builder
	for _, h := range res.Hits {
		fmt.Fprintf(&b, "%s %v\n", h.ID, h.Score)
	}
	return b.String()
}

// TestTermsSearchSplitIsOne: searchTerms reading a disjunction on two goroutines (split
// at half the passages) gives what reading it on one gives, hits, order, number found and
// scores to the last bit, for every question of the project's files; run under -race, it
// also shows that the two never write one passage's place.
func TestTermsSearchSplitIsOne(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, Config{BatchSize: 37}, loadDefault(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.splitPostings = 0
	searched := 0
	for _, f := range []string{"questions.tsv", "questions-chat.tsv", "questions-reference.tsv", "offtopic.tsv"} {
		for _, q := range readLabelledFile(t, f) {
			p := ix.readQuestion(q.Question)
			if len(p.concepts) == 0 {
				continue
			}
			req := func() *bleve.SearchRequest {
				return bleve.NewSearchRequestOptions(p.bleveQuery(ix.weights), ix.weights.rerank+8, 0, false)
			}
			ix.lanes = 1
			want, ok, err := ix.searchTerms(ctx, req())
			if err != nil || !ok {
				t.Fatalf("%q: on one goroutine: %v (taken %v)", q.Question, err, ok)
			}
			ix.lanes = 2
			got, ok, err := ix.searchTerms(ctx, req())
			if err != nil || !ok {
				t.Fatalf("%q: on two goroutines: %v (taken %v)", q.Question, err, ok)
			}
			if g, w := exactHitList(got), exactHitList(want); g != w || got.Total != want.Total {
				t.Errorf("%q: on two goroutines (%d found)\n%s\non one (%d found)\n%s", q.Question, got.Total, g, want.Total, w)
			}
			searched++
		}
	}
	if searched < 100 {
		t.Errorf("only %d questions searched", searched)
	}
}

// exactHitList writes hits one a line: id and the bits of the score.
func exactHitList(res *bleve.SearchResult) string {
	var b strings.Builder
	for _, h := range res.Hits {
		fmt.Fprintf(&b, "%s %x\n", h.ID, math.Float64bits(h.Score))
	}
	return b.String()
}
