package index

import (
	"context"
	"strconv"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestFilteredSearchIsBleves: searchFiltered gives the hits bleve gives, with their
// scores (settled) and their number, for the searches of dated passages that questions
// about time make (allFound): every question of the project's files, its words with the
// dated passages, with those of a year or of years, and with both, at allFound's page
// (where scores settled alike are cut by the page, bleve keeps those of the higher raw
// score, whose last bits differ with the order in which a score's parts are added: search
// reads such groups whole, and allFound uses no page that is not all that was found).
func TestFilteredSearchIsBleves(t *testing.T) {
	ctx := context.Background()
	// In batches of 37 passages: bleve's numbers for them then run over many segments.
	ix, err := Open(ctx, Config{BatchSize: 37}, loadDefault(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.filteredMax = 1 << 30 // every filter of the default corpus, which dates most passages
	years := func(from, to int) query.Query {
		var qs []query.Query
		for y := from; y <= to; y++ {
			qs = append(qs, datedIn(strconv.Itoa(y)))
		}
		return bleve.NewDisjunctionQuery(qs...)
	}
	filters := map[string][]query.Query{
		"dated":             {datedIn(datedTerm)},
		"of 2025":           {datedIn("2025")},
		"of 2003 to 2006":   {years(2003, 2006)},
		"dated, of 2024-26": {datedIn(datedTerm), years(2024, 2026)},
	}
	searched, taken := 0, 0
	for _, f := range []string{"questions.tsv", "questions-chat.tsv", "questions-timeline.tsv", "offtopic.tsv"} {
		for _, q := range readLabelledFile(t, f) {
			p := ix.readQuestion(q.Question)
			if len(p.concepts) == 0 {
				continue
			}
			for name, fs := range filters {
				conj := query.NewConjunctionQuery(append(append([]query.Query(nil), fs...), p.bleveQuery(ix.weights)))
				size := datedInMemory
				searched++
				got, ok, err := ix.searchFiltered(ctx, bleve.NewSearchRequestOptions(conj, size, 0, false))
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					continue
				}
				taken++
				want, err := ix.bleve.SearchInContext(ctx, bleve.NewSearchRequestOptions(conj, size, 0, false))
				if err != nil {
					t.Fatal(err)
				}
				ix.settle(got.Hits)
				ix.settle(want.Hits)
				if g, w := hitList(got), hitList(want); g != w || got.Total != want.Total {
					t.Errorf("%q, %s, at %d: searchFiltered gives (%d found)\n%s\nbleve (%d found)\n%s", q.Question, name, size, got.Total, g, want.Total, w)
				}
			}
		}
	}
	if taken < searched*9/10 {
		t.Errorf("searchFiltered took %d searches of %d", taken, searched)
	}
}
