package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// testPhrases returns phrases of two to four words of the default corpus's passages,
// stop words and all, from every 5th passage, at a few places in each.
func testPhrases(t *testing.T) []string {
	t.Helper()
	var out []string
	for i, p := range loadDefault(t).Passages() {
		if i%5 != 0 {
			continue
		}
		words := strings.Fields(p.Text)
		for at := 0; at+4 <= len(words) && at < 24; at += 7 {
			out = append(out, strings.Join(words[at:at+2+at%3], " "))
		}
	}
	return append(out, "weapons of mass destruction", "board of governors", "the", "iaea iaea", "no such words here")
}

// TestPhraseIsBleves: a phrase read from its terms' postings and positions finds the
// passages bleve's phrase searcher finds, in order, with their scores to the last bit,
// read from the start and advanced to a passage, in the text and in the title, in an
// index of many segments; read afresh, and kept in the caches.
func TestPhraseIsBleves(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, Config{BatchSize: 37}, loadDefault(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	r, ok, err := ix.scorchReader()
	if err != nil || !ok {
		t.Fatalf("no reader: %v", err)
	}
	defer r.Close()
	docs, err := r.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	phrases, found := testPhrases(t), 0
	defer func(c *phraseCache) { ix.phraseReads = c }(ix.phraseReads)
	// Read afresh, then kept: read at the start, found in the cache when advanced.
	for _, cache := range []*phraseCache{nil, newPhraseCache(phraseCacheMax)} {
		ix.phraseReads = cache
		// A term's lists kept the second time round, and its iterators reused.
		lists, pool := newTermListsCache(termListsMax), &iteratorPool{}
		if cache == nil {
			lists, pool = nil, nil
		}
		for _, text := range phrases {
			for _, field := range []string{fieldText, fieldTitle} {
				q := bleve.NewMatchPhraseQuery(text)
				q.SetField(field)
				q.Analyzer = analyzerName
				q.SetBoost(0.7)
				// Another leaf in the query, so that the norm is not the phrase's own.
				other := bleve.NewTermQuery("uranium")
				other.SetField(fieldText)
				for _, from := range []uint64{0, docs / 3} {
					st, _ := newSegmentTerms(r, lists, pool)
					leaves, err := ix.openLeaves(ctx, r, st, []query.Query{q, other}, docs)
					if err != nil {
						t.Fatal(err)
					}
					if leaves[0].phrase == nil {
						if len(ix.bleve.Mapping().AnalyzerNamed(analyzerName).Analyze([]byte(text))) > 0 {
							t.Fatalf("%q in %s: read by bleve's searcher", text, field)
						}
						continue // only stop words: bleve's searcher finds nothing
					}
					got := readLeaf(t, leaves[0], from)
					want := bleveLeaf(ctx, t, ix, r, q, other, from)
					if got != want {
						t.Errorf("%q in %s from %d: read\n%s\nbleve's\n%s", text, field, from, got, want)
					}
					found += strings.Count(got, "\n")
				}
			}
		}
	}
	if found < 2*len(phrases) {
		t.Errorf("%d passages found for %d phrases", found, len(phrases))
	}
	t.Logf("%d phrases, %d passages found", len(phrases), found)
}

// readLeaf reads a leaf from passage from on: a passage a line, with its score's bits.
func readLeaf(t *testing.T, l *termLeaf, from uint64) string {
	t.Helper()
	var b strings.Builder
	if from > 0 {
		if err := l.advance(from); err != nil {
			t.Fatal(err)
		}
		if l.holding {
			fmt.Fprintf(&b, "%d %x\n", l.held.doc, math.Float64bits(l.held.score))
		}
		if !l.holding {
			return b.String()
		}
	}
	for {
		d, ok, err := l.next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return b.String()
		}
		fmt.Fprintf(&b, "%d %x\n", d.doc, math.Float64bits(d.score))
	}
}

// bleveLeaf reads q through bleve's own searcher, with the norm of a disjunction of q
// and other, from passage from on, as readLeaf writes it.
func bleveLeaf(ctx context.Context, t *testing.T, ix *Index, r bleveindex.IndexReader, q *query.MatchPhraseQuery, other *query.TermQuery, from uint64) string {
	t.Helper()
	ctx = context.WithValue(ctx, search.GetScoringModelCallbackKey, search.GetScoringModelCallbackFn(func() string { return bleveindex.BM25Scoring }))
	s, err := q.Searcher(ctx, r, ix.bleve.Mapping(), search.SearcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	o, err := other.Searcher(ctx, r, ix.bleve.Mapping(), search.SearcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	s.SetQueryNorm(1.0 / math.Sqrt(s.Weight()+o.Weight()))
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	var b strings.Builder
	var dm *search.DocumentMatch
	if from > 0 {
		id := make(bleveindex.IndexInternalID, 8)
		for i := range 8 {
			id[i] = byte(from >> (56 - 8*i))
		}
		dm, err = s.Advance(sctx, id)
	} else {
		dm, err = s.Next(sctx)
	}
	for ; err == nil && dm != nil; dm, err = s.Next(sctx) {
		fmt.Fprintf(&b, "%d %x\n", passageNumber(dm.IndexInternalID), math.Float64bits(dm.Score))
		sctx.DocumentMatchPool.Put(dm)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPhraseInAnArrayIsBleves: a phrase whose terms lie in an array field, which bleve
// matches within one of its values, is not read from the postings: reading it says so,
// and a search of it is left to bleve.
func TestPhraseInAnArrayIsBleves(t *testing.T) {
	bi, r := arrayIndex(t, map[string]any{"text": []string{"weapons grade", "uranium metal"}})
	st, ok := newSegmentTerms(r, nil, nil)
	if !ok {
		t.Fatal("not scorch's segments")
	}
	_, err := readPhrase(context.Background(), st, "text", []string{"weapons", "grade"})
	if !errors.Is(err, errArrayPositions) {
		t.Fatalf("read: %v, want errArrayPositions", err)
	}
	ix, _, err := newIndex(Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ix.bleve = bi
	q := bleve.NewMatchPhraseQuery("weapons grade")
	q.SetField("text")
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(q), 3, 0, false)
	if _, took, err := ix.searchTerms(context.Background(), req); took || err != nil {
		t.Errorf("search of the phrase: taken %v, err %v; want it left to bleve", took, err)
	}
}

// TestPhrasesReadSideBySide: the phrases of a question that the cache does not hold are
// read two at a time, each found as it is read alone; one held, or failing (a term in an
// array field), is left out; one lane, or a single phrase to read, reads none.
func TestPhrasesReadSideBySide(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, Config{BatchSize: 37}, loadDefault(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	r, st, ok, err := ix.segmentReader()
	if err != nil || !ok {
		t.Fatalf("no reader: %v", err)
	}
	defer r.Close()
	m := ix.bleve.Mapping()
	var qs []query.Query
	for _, text := range testPhrases(t)[:40] {
		q := bleve.NewMatchPhraseQuery(text)
		q.SetField(fieldText)
		q.Analyzer = analyzerName
		qs = append(qs, q, bleve.NewTermQuery("uranium"))
	}
	opened := 0
	open := func() *segmentTerms {
		opened++
		st, _ := newSegmentTerms(r, nil, nil)
		return st
	}
	cache := newPhraseCache(phraseCacheMax)
	held, _, _ := phraseSlots(m, qs[0].(*query.MatchPhraseQuery))
	heldKey := fieldText + "\x00" + strings.Join(held, "\x00")
	f, err := readPhrase(ctx, st, fieldText, held)
	if err != nil {
		t.Fatal(err)
	}
	cache.put(st, heldKey, f)

	read := readPhrases(ctx, m, st, cache, qs, 2, open)
	if opened != 1 {
		t.Errorf("%d lanes opened beside the caller's, want 1", opened)
	}
	if _, ok := read[heldKey]; ok {
		t.Errorf("the phrase the cache holds was read")
	}
	want := 0
	for _, q := range qs {
		q, ok := q.(*query.MatchPhraseQuery)
		if !ok {
			continue
		}
		slots, key, ok := phraseSlots(m, q)
		if !ok || key == heldKey {
			continue
		}
		want++
		alone, err := readPhrase(ctx, st, fieldText, slots)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := read[key]; !ok || !reflect.DeepEqual(got, alone) {
			t.Errorf("%q: read side by side %+v (%v), alone %+v", q.MatchPhrase, got, ok, alone)
		}
	}
	if len(read) != want || want < 20 {
		t.Errorf("%d phrases read, want %d (of 40)", len(read), want)
	}
	if got := readPhrases(ctx, m, st, nil, qs, 1, open); got != nil {
		t.Errorf("one lane: read %d phrases", len(got))
	}
	if got := readPhrases(ctx, m, st, cache, qs[:4], 2, open); got != nil {
		t.Errorf("two phrases, one held: read %d", len(got))
	}

	// In an array field, a phrase fails, and is left out; the other is read.
	bi, ar := arrayIndex(t, map[string]any{"text": []string{"weapons grade", "uranium metal"}, "title": "weapons grade uranium"})
	ast, _ := newSegmentTerms(ar, nil, nil)
	inArray, inTitle := bleve.NewMatchPhraseQuery("weapons grade"), bleve.NewMatchPhraseQuery("weapons grade")
	inArray.SetField("text")
	inTitle.SetField("title")
	got := readPhrases(ctx, bi.Mapping(), ast, nil, []query.Query{inArray, inTitle}, 2, func() *segmentTerms {
		st, _ := newSegmentTerms(ar, nil, nil)
		return st
	})
	if _, ok := got["title\x00weapons\x00grade"]; len(got) != 1 || !ok {
		t.Errorf("read %v, want the title's phrase alone", got)
	}
}

// arrayIndex is an index in memory, with bleve's default mapping, of one passage, doc,
// and a reader of it; both are closed when the test ends.
func arrayIndex(t *testing.T, doc map[string]any) (bleve.Index, bleveindex.IndexReader) {
	t.Helper()
	bi, err := bleve.NewUsing("", bleve.NewIndexMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bi.Close() })
	if err := bi.Index("p1", doc); err != nil {
		t.Fatal(err)
	}
	adv, err := bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return bi, r
}
