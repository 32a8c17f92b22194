package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Most questions become one disjunction of term queries (plan.bleveQuery). bleve scores it
// document at a time: every passage any term holds goes through a heap of the terms'
// searchers and a pooled match per term, which at 200,000 passages was four fifths of a
// question of common words (34,000 to 47,000 passages found, a third by their
// document's title alone). searchTerms scores the same disjunction one part at a time
// instead: each term's postings read once, in order, into one score and one count a
// passage, with bleve's own formula (BM25 as bleve computes it: see
// scorer.TermQueryScorer, and the coordination factor of scorer.DisjunctionQueryScorer);
// a phrase, through bleve's own searcher of it, given the query's norm as bleve's
// disjunction gives it; then the best kept in bleve's order (score, then the order bleve
// numbers the passages). The scores are bleve's but for the order in which a passage's
// parts are added, which moves their last bits as bleve's own builds do and which
// search's settle takes away.

// termLeaf is one part of a disjunction: a term query, read from its postings and
// scored as bleve would score it, or a phrase, read through bleve's searcher of it.
type termLeaf struct {
	reader    bleveindex.TermFieldReader // of a term query; nil for a phrase
	searcher  search.Searcher            // of a phrase
	idf       float64
	avgLength float64 // the field's average length; 0 where bleve scores by TF-IDF
	weight    float64 // boost × idf × the query's norm
}

// close closes what the leaf reads from.
func (l *termLeaf) close() {
	if l.reader != nil {
		l.reader.Close()
	}
	if l.searcher != nil {
		l.searcher.Close()
	}
}

// score is what bleve's TermQueryScorer gives a passage holding the term freq times in
// a field whose norm is norm.
func (l *termLeaf) score(freq uint64, norm float64) float64 {
	var tf float64
	if freq < scorer.MaxSqrtCache {
		tf = scorer.SqrtCache[int(freq)]
	} else {
		tf = math.Sqrt(float64(freq))
	}
	var score float64
	if l.avgLength > 0 {
		fieldLength := 1 / (norm * norm)
		score = l.idf * (tf * search.BM25_k1) /
			(tf + search.BM25_k1*(1-search.BM25_b+(search.BM25_b*fieldLength/l.avgLength)))
	} else {
		score = tf * norm * l.idf
	}
	if l.weight != 1.0 {
		score = score * l.weight
	}
	return score
}

// accumulator is what searchTerms sums into: a score and a count of the disjunction's
// parts a passage holds, by bleve's number for the passage, and the passages touched, to
// be read and cleared. The index keeps one for each search that can run at once
// (Index.accumulators), each as large as the index (10 bytes a passage), made at its
// first search at once so (never grown by copying, which writes every page of it: only
// the pages of the passages a search finds are ever written).
type accumulator struct {
	score   []float64
	count   []uint16
	touched []uint32
}

// maxTermDoc bounds bleve's numbers for passages that searchTerms sums into a slice: a
// number past it (never seen: bleve numbers its passages from 0, in the order they were
// indexed) leaves the search to bleve.
const maxTermDoc = 1 << 26

// termDisjunction returns the parts of req's query when req asks for what searchTerms
// answers: the best hits by score, from the first, of a disjunction of term queries with
// a field and a positive boost and of phrases, and nothing else (no fields, highlight,
// facets, explanation or paging by sort key).
func termDisjunction(req *bleve.SearchRequest) ([]query.Query, bool) {
	if req.From != 0 || req.Size <= 0 || len(req.Fields) > 0 || req.Highlight != nil || len(req.Facets) > 0 ||
		req.Explain || req.IncludeLocations || req.Score != "" || req.SearchAfter != nil || req.SearchBefore != nil {
		return nil, false
	}
	if len(req.Sort) != 1 {
		return nil, false
	}
	if s, ok := req.Sort[0].(*search.SortScore); !ok || !s.Desc {
		return nil, false
	}
	dq, ok := req.Query.(*query.DisjunctionQuery)
	if !ok || dq.Min > 0 || len(dq.Disjuncts) == 0 || len(dq.Disjuncts) > math.MaxUint16 {
		return nil, false
	}
	for _, d := range dq.Disjuncts {
		switch q := d.(type) {
		case *query.TermQuery:
			if q.FieldVal == "" || q.BoostVal.Value() <= 0 {
				return nil, false
			}
		case *query.MatchPhraseQuery, *query.PhraseQuery:
		default:
			return nil, false
		}
	}
	return dq.Disjuncts, true
}

// searchTerms answers req as bleve's SearchInContext would (the same hits in the same
// order, with the same Total; see above for the scores) when termDisjunction takes it.
// ok is false when bleve is to answer: for any other request, or should the index not
// number its passages as scorch does.
func (ix *Index) searchTerms(ctx context.Context, req *bleve.SearchRequest) (res *bleve.SearchResult, ok bool, err error) {
	tqs, ok := termDisjunction(req)
	if !ok || ix.exhaustive {
		return nil, false, nil
	}
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, false, nil
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, true, fmt.Errorf("search terms: %w", err)
	}
	defer r.Close()
	docs, err := r.DocCount()
	if err != nil {
		return nil, true, fmt.Errorf("search terms: %w", err)
	}
	leaves, err := ix.openLeaves(ctx, r, tqs, docs)
	defer func() {
		for _, l := range leaves {
			l.close()
		}
	}()
	if err != nil {
		return nil, true, fmt.Errorf("search terms: %w", err)
	}
	acc := ix.takeAccumulator()
	defer ix.returnAccumulator(acc)
	acc.reserve(int(min(docs, maxTermDoc)))
	if ok, err := acc.sum(ctx, leaves); err != nil || !ok {
		if err != nil {
			err = fmt.Errorf("search terms: %w", err)
		}
		return nil, ok, err
	}
	best := acc.best(req.Size, len(leaves))
	hits := make(search.DocumentMatchCollection, len(best))
	for i, d := range best {
		id := make(bleveindex.IndexInternalID, 8)
		binary.BigEndian.PutUint64(id, uint64(d.doc))
		ext, err := r.ExternalID(id)
		if err != nil {
			return nil, true, fmt.Errorf("search terms: %w", err)
		}
		hits[i] = &search.DocumentMatch{ID: ext, IndexInternalID: id, Score: d.score, Sort: []string{"_score"}, HitNumber: uint64(d.doc)}
	}
	res = &bleve.SearchResult{Request: req, Hits: hits, Total: uint64(len(acc.touched)), Status: &bleve.SearchStatus{Total: 1, Successful: 1}}
	if len(hits) > 0 {
		res.MaxScore = hits[0].Score
	}
	return res, true, nil
}

// openLeaves opens a reader of every part of a disjunction, qs, with what bleve's
// scorer derives from the index (BM25's idf and average field length) and the query's
// norm, computed as bleve's disjunction computes it. The leaves opened are returned with
// an error too, to be closed.
func (ix *Index) openLeaves(ctx context.Context, r bleveindex.IndexReader, qs []query.Query, docs uint64) ([]*termLeaf, error) {
	m := ix.bleve.Mapping()
	impl, _ := m.(*mapping.IndexMappingImpl)
	bm25 := impl != nil && impl.ScoringModel == bleveindex.BM25Scoring
	model := bleveindex.DefaultScoringModel
	if bm25 {
		model = bleveindex.BM25Scoring
	}
	// As bleve's SearchInContext tells its searchers.
	ctx = context.WithValue(ctx, search.GetScoringModelCallbackKey, search.GetScoringModelCallbackFn(func() string { return model }))
	cardinality, _ := r.(bleveindex.BM25Reader)
	leaves := make([]*termLeaf, 0, len(qs))
	squares := 0.0
	for _, q := range qs {
		tq, ok := q.(*query.TermQuery)
		if !ok {
			s, err := q.Searcher(ctx, r, m, search.SearcherOptions{})
			if err != nil {
				return leaves, err
			}
			leaves = append(leaves, &termLeaf{searcher: s})
			squares += s.Weight()
			continue
		}
		tfr, err := r.TermFieldReader(ctx, []byte(tq.Term), tq.FieldVal, true, true, false)
		if err != nil {
			return leaves, err
		}
		l := &termLeaf{reader: tfr}
		leaves = append(leaves, l)
		if bm25 {
			fields := 0
			if cardinality != nil {
				if fields, err = cardinality.FieldCardinality(tq.FieldVal); err != nil {
					return leaves, err
				}
			}
			if docs > 0 || fields > 0 {
				l.avgLength = math.Ceil(float64(fields) / float64(docs))
			}
		}
		n, t := float64(docs), float64(tfr.Count())
		if l.avgLength > 0 {
			l.idf = math.Log(1 + (n-t+0.5)/(t+0.5))
		} else {
			l.idf = 1.0 + math.Log(n/(t+1.0))
		}
		w := tq.BoostVal.Value() * l.idf
		squares += w * w
	}
	norm := 1.0 / math.Sqrt(squares)
	for i, l := range leaves {
		if l.searcher != nil {
			l.searcher.SetQueryNorm(norm)
		} else {
			l.weight = qs[i].(*query.TermQuery).BoostVal.Value() * l.idf * norm
		}
	}
	return leaves, nil
}

// sum reads every leaf's postings into a, which is clear.
// ok is false when bleve numbers a passage past maxTermDoc, or otherwise than scorch does.
func (a *accumulator) sum(ctx context.Context, leaves []*termLeaf) (ok bool, err error) {
	var tfd bleveindex.TermFieldDoc
	for _, l := range leaves {
		if l.searcher != nil {
			if ok, err := a.sumSearcher(ctx, l.searcher); err != nil || !ok {
				return ok, err
			}
			continue
		}
		for n := 0; ; n++ {
			if n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return true, err
				}
			}
			got, err := l.reader.Next(&tfd)
			if err != nil {
				return true, err
			}
			if got == nil {
				break
			}
			if !a.add(got.ID, l.score(got.Freq, got.Norm)) {
				return false, nil
			}
		}
	}
	return true, nil
}

// sumSearcher reads what bleve's searcher s finds into a.
func (a *accumulator) sumSearcher(ctx context.Context, s search.Searcher) (ok bool, err error) {
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return true, err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return true, err
		}
		if dm == nil {
			return true, nil
		}
		ok := a.add(dm.IndexInternalID, dm.Score)
		sctx.DocumentMatchPool.Put(dm)
		if !ok {
			return false, nil
		}
	}
}

// add adds score to the passage bleve numbers id, and counts one more part it holds;
// false when id is not a number below maxTermDoc.
func (a *accumulator) add(id bleveindex.IndexInternalID, score float64) bool {
	if len(id) != 8 {
		return false
	}
	doc := binary.BigEndian.Uint64(id)
	if doc >= maxTermDoc {
		return false
	}
	if int(doc) >= len(a.score) { // bleve numbers a passage past its count: never seen
		grow := max(int(doc)+1, 2*len(a.score))
		a.score = slices.Grow(a.score, grow-len(a.score))[:grow]
		a.count = slices.Grow(a.count, grow-len(a.count))[:grow]
	}
	if a.count[doc] == 0 {
		a.touched = append(a.touched, uint32(doc))
	}
	a.score[doc] += score
	a.count[doc]++
	return true
}

// scoredDoc is a passage by bleve's number for it, with its score.
type scoredDoc struct {
	doc   uint32
	score float64
}

// before tells whether a comes before b in bleve's order: by score, then by number.
func (a scoredDoc) before(b scoredDoc) bool {
	return a.score > b.score || a.score == b.score && a.doc < b.doc
}

// best returns the size best passages a touched, in bleve's order, each scored as
// bleve's disjunction of leaves terms scores it (the sum times the share of the terms
// the passage holds).
func (a *accumulator) best(size, leaves int) []scoredDoc {
	top := make([]scoredDoc, 0, min(size, len(a.touched))+1)
	for _, doc := range a.touched {
		d := scoredDoc{doc: doc, score: a.score[doc] * (float64(a.count[doc]) / float64(leaves))}
		if len(top) == size && !d.before(top[size-1]) {
			continue
		}
		at, _ := slices.BinarySearchFunc(top, d, func(x, y scoredDoc) int {
			if x.before(y) {
				return -1
			}
			return 1
		})
		top = slices.Insert(top, at, d)
		if len(top) > size {
			top = top[:size]
		}
	}
	return top
}

// reserve makes a, which is clear, as large as n passages.
func (a *accumulator) reserve(n int) {
	if len(a.score) < n {
		a.score, a.count = make([]float64, n), make([]uint16, n)
	}
}

// clear clears what a search summed into a.
func (a *accumulator) clear() {
	for _, doc := range a.touched {
		a.score[doc], a.count[doc] = 0, 0
	}
	a.touched = a.touched[:0]
}

// takeAccumulator returns an accumulator kept from an earlier search, or a new one.
func (ix *Index) takeAccumulator() *accumulator {
	select {
	case a := <-ix.accumulators:
		return a
	default:
		return &accumulator{}
	}
}

// returnAccumulator keeps a for a later search, unless as many are kept as can be used
// at once.
func (ix *Index) returnAccumulator(a *accumulator) {
	a.clear()
	select {
	case ix.accumulators <- a:
	default:
	}
}
