package index

import (
	"context"
	"encoding/binary"
	"errors"
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
// search's settle takes away. A disjunction whose terms find many passages is read on two
// goroutines, each over half of bleve's numbers for the passages (see gather).

// termLeaf is one part of a disjunction: a term query, read from its postings and
// scored as bleve would score it; a phrase, read from its terms' postings and positions
// and scored as bleve's phrase searcher scores it; or another phrase, read through
// bleve's searcher of it.
type termLeaf struct {
	termScorer
	postings *termPostings   // of a term query
	phrase   *phraseLeaf     // of a phrase read from its terms
	searcher search.Searcher // of a phrase bleve reads

	sctx *search.SearchContext // what searcher reads with
	// held is the passage the leaf was advanced to and not yet added, if any.
	held    scoredDoc
	holding bool
}

// close closes what the leaf reads from.
func (l *termLeaf) close() {
	if l.searcher != nil {
		l.searcher.Close()
	}
	if l.postings != nil {
		l.postings.release()
	}
}

// termScorer scores a term in a field as bleve's TermQueryScorer does.
type termScorer struct {
	boost     float64
	idf       float64
	avgLength float64 // the field's average length; 0 where bleve scores by TF-IDF
	weight    float64 // boost × idf × the query's norm
}

// squared is the scorer's part of the query's sum of squared weights (its Weight).
func (s *termScorer) squared() float64 {
	w := s.boost * s.idf
	return w * w
}

// setNorm gives the scorer the query's norm.
func (s *termScorer) setNorm(norm float64) {
	s.weight = s.boost * s.idf * norm
}

// score is what bleve's TermQueryScorer gives a passage holding the term freq times in
// a field whose norm is norm.
func (s *termScorer) score(freq uint64, norm float64) float64 {
	var tf float64
	if freq < scorer.MaxSqrtCache {
		tf = scorer.SqrtCache[int(freq)]
	} else {
		tf = math.Sqrt(float64(freq))
	}
	var score float64
	if s.avgLength > 0 {
		fieldLength := 1 / (norm * norm)
		score = s.idf * (tf * search.BM25_k1) /
			(tf + search.BM25_k1*(1-search.BM25_b+(search.BM25_b*fieldLength/s.avgLength)))
	} else {
		score = tf * norm * s.idf
	}
	if s.weight != 1.0 {
		score = score * s.weight
	}
	return score
}

// accumulator is what searchTerms sums into: a score and a count of the disjunction's
// parts a passage holds, by bleve's number for the passage, and the passages touched, to
// be read and cleared: those below the split of gather and those from it. The
// index keeps one for each search that can run at once (Index.accumulators), each as
// large as the index (10 bytes a passage), made at its first search at once so (never
// grown, which would write every page of it: only the pages of the passages a search
// finds are ever written). A number past its size leaves the search to bleve.
type accumulator struct {
	score   []float64
	count   []uint16
	touched [2][]uint32
}

// maxTermDoc bounds bleve's numbers for passages that searchTerms sums into a slice: a
// number past it (never seen: bleve numbers its passages from 0, in the order they were
// indexed) leaves the search to bleve.
const maxTermDoc = 1 << 26

// errNumbering is what reading a leaf returns for a passage that bleve numbers otherwise
// than scorch does, or past the accumulator: the search is left to bleve.
var errNumbering = errors.New("a passage numbered otherwise than scorch numbers it")

// leftToBleve tells whether an error of reading leaves says that bleve is to search
// instead: errNumbering or errArrayPositions.
func leftToBleve(err error) bool {
	return errors.Is(err, errNumbering) || errors.Is(err, errArrayPositions)
}

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
	r, st, ok, err := ix.segmentReader()
	if err != nil {
		return nil, true, fmt.Errorf("search terms: %w", err)
	}
	if !ok {
		return nil, false, nil
	}
	defer r.Close()
	docs, err := r.DocCount()
	if err != nil {
		return nil, true, fmt.Errorf("search terms: %w", err)
	}
	leaves, err := ix.openLeaves(ctx, r, st, tqs, docs)
	defer func() {
		for _, l := range leaves {
			l.close()
		}
	}()
	if leftToBleve(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, fmt.Errorf("search terms: %w", err)
	}
	acc := ix.takeAccumulator()
	defer ix.returnAccumulator(acc)
	numbers := max(st.numbers, docs)
	acc.reserve(int(min(numbers, maxTermDoc)))
	open := func() ([]*termLeaf, error) {
		st, _ := newSegmentTerms(r, ix.termLists, ix.iterators) // a goroutine's own
		return ix.openLeaves(ctx, r, st, tqs, docs)
	}
	best, found, err := acc.gather(ctx, leaves, ix.split(leaves, numbers), open, req.Size)
	if err != nil {
		if leftToBleve(err) {
			return nil, false, nil
		}
		return nil, true, fmt.Errorf("search terms: %w", err)
	}
	if res, err = searchResult(r, req, best, found); err != nil {
		return nil, true, fmt.Errorf("search terms: %w", err)
	}
	return res, true, nil
}

// scorchReader returns a reader of the index, which the caller closes; ok is false, and
// bleve is to search, where the index gives none.
func (ix *Index) scorchReader() (r bleveindex.IndexReader, ok bool, err error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, false, nil
	}
	if r, err = adv.Reader(); err != nil {
		return nil, true, err
	}
	return r, true, nil
}

// segmentReader returns a reader of the index, which the caller closes, and of its
// terms in its segments, with the index's cache of postings lists; ok is false, and bleve
// is to search, where the index gives no reader or not scorch's.
func (ix *Index) segmentReader() (r bleveindex.IndexReader, st *segmentTerms, ok bool, err error) {
	if r, ok, err = ix.scorchReader(); err != nil || !ok {
		return nil, nil, ok, err
	}
	if st, ok = newSegmentTerms(r, ix.termLists, ix.iterators); !ok {
		r.Close()
		return nil, nil, false, nil
	}
	return r, st, true, nil
}

// searchResult is what bleve's search for req would give: best, the passages by
// bleve's numbers for them in r, with their scores, in bleve's order, of found.
func searchResult(r bleveindex.IndexReader, req *bleve.SearchRequest, best []scoredDoc, found int) (*bleve.SearchResult, error) {
	hits := make(search.DocumentMatchCollection, len(best))
	for i, d := range best {
		id := make(bleveindex.IndexInternalID, 8)
		binary.BigEndian.PutUint64(id, uint64(d.doc))
		ext, err := r.ExternalID(id)
		if err != nil {
			return nil, err
		}
		hits[i] = &search.DocumentMatch{ID: ext, IndexInternalID: id, Score: d.score, Sort: []string{"_score"}, HitNumber: uint64(d.doc)}
	}
	res := &bleve.SearchResult{Request: req, Hits: hits, Total: uint64(found), Status: &bleve.SearchStatus{Total: 1, Successful: 1}}
	if len(hits) > 0 {
		res.MaxScore = hits[0].Score
	}
	return res, nil
}

// openLeaves opens a reader of every part of a disjunction, qs, with what bleve's
// scorer derives from the index (BM25's idf and average field length) and the query's
// norm, computed as bleve's disjunction computes it. The leaves opened are returned with
// an error too, to be closed.
func (ix *Index) openLeaves(ctx context.Context, r bleveindex.IndexReader, st *segmentTerms, qs []query.Query, docs uint64) ([]*termLeaf, error) {
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
	// scorerOf is what bleve's term searcher scores a term of field with, found in count
	// passages, at boost.
	scorerOf := func(field string, count uint64, boost float64) (termScorer, error) {
		s := termScorer{boost: boost}
		if bm25 {
			fields := 0
			if cardinality != nil {
				var err error
				if fields, err = cardinality.FieldCardinality(field); err != nil {
					return s, err
				}
			}
			if docs > 0 || fields > 0 {
				s.avgLength = math.Ceil(float64(fields) / float64(docs))
			}
		}
		n, t := float64(docs), float64(count)
		if s.avgLength > 0 {
			s.idf = math.Log(1 + (n-t+0.5)/(t+0.5))
		} else {
			s.idf = 1.0 + math.Log(n/(t+1.0))
		}
		return s, nil
	}
	read := readPhrases(ctx, m, st, ix.phraseReads, qs, ix.lanes, func() *segmentTerms {
		st, _ := newSegmentTerms(r, ix.termLists, ix.iterators) // a goroutine's own
		return st
	})
	leaves := make([]*termLeaf, 0, len(qs))
	squares := 0.0
	for _, q := range qs {
		switch q := q.(type) {
		case *query.TermQuery:
			p, err := st.postings([]byte(q.Term), q.FieldVal, true)
			if err != nil {
				return leaves, err
			}
			l := &termLeaf{postings: p}
			leaves = append(leaves, l)
			if l.termScorer, err = scorerOf(q.FieldVal, p.count, q.BoostVal.Value()); err != nil {
				return leaves, err
			}
			squares += l.squared()
			continue
		case *query.MatchPhraseQuery:
			ph, ok, err := openPhrase(ctx, m, st, ix.phraseReads, read, q, scorerOf)
			if err != nil {
				return leaves, err
			}
			if ok {
				leaves = append(leaves, &termLeaf{phrase: ph})
				squares += ph.squared()
				continue
			}
		}
		s, err := q.Searcher(ctx, r, m, search.SearcherOptions{})
		if err != nil {
			return leaves, err
		}
		leaves = append(leaves, &termLeaf{searcher: s})
		squares += s.Weight()
	}
	norm := 1.0 / math.Sqrt(squares)
	for _, l := range leaves {
		switch {
		case l.searcher != nil:
			l.searcher.SetQueryNorm(norm)
		case l.phrase != nil:
			l.phrase.setNorm(norm)
		default:
			l.setNorm(norm)
		}
	}
	return leaves, nil
}

// split returns where gather splits the reading of leaves between two goroutines: at half
// of the numbers bleve gives passages (numbers), on a boundary of 64 so that the two
// never write one cache line; 0, to read on one, where the machine runs one goroutine at
// a time or the leaves' terms find fewer than ix.splitPostings passages between them.
func (ix *Index) split(leaves []*termLeaf, numbers uint64) uint64 {
	if ix.lanes < 2 {
		return 0
	}
	var postings uint64
	for _, l := range leaves {
		if l.postings != nil {
			postings += l.postings.count
		}
	}
	if postings < ix.splitPostings {
		return 0
	}
	return numbers / 2 &^ 63
}

// splitPostings is how many passages a disjunction's terms find at least for gather to
// read them on two goroutines. Starting the second one and opening its leaves costs about
// 0.1 ms on a machine of 2 virtual cores, whose idle core must be woken; at 200,000
// passages the split gained from 16,000 passages found on (0.77 of the time at 16,000 to
// 32,000, 0.60 past that) and lost below 8,000. A phrase's count is not what it costs to
// read: its searcher counts, as a worst case, the sum of what each of its terms finds.
const splitPostings = 1 << 14

// gather reads every leaf's postings into a, which is clear, and returns the size best
// passages they find, in bleve's order, each scored as bleve's disjunction of the leaves
// scores it, and how many passages they find; a is left clear. With a split, the passages
// that bleve numbers from split on are read on another goroutine, through leaves of its
// own that open opens there (the same parts, with the same weights), which also keeps
// their best and clears what it wrote: leaves read by one goroutine and handed to the
// other, or passages written by one and read by the other, were found to slow both down
// as much as the split gains, through the cache lines they share. Either way each
// passage's parts are added in the leaves' order, by one goroutine, into the passage's
// own place: its score is the one gather reading alone gives, to the last bit. The error
// is errNumbering where bleve numbers a passage otherwise than scorch does, or past a.
func (a *accumulator) gather(ctx context.Context, leaves []*termLeaf, split uint64, open func() ([]*termLeaf, error), size int) ([]scoredDoc, int, error) {
	if split == 0 {
		return a.lane(ctx, 0, leaves, 0, math.MaxUint32, size)
	}
	type part struct {
		best  []scoredDoc
		found int
		err   error
	}
	rest := make(chan part, 1)
	go func() {
		var p part
		leaves, err := open()
		if p.err = err; err == nil {
			p.best, p.found, p.err = a.lane(ctx, 1, leaves, split, math.MaxUint32, size)
		}
		for _, l := range leaves {
			l.close()
		}
		rest <- p
	}()
	best, found, err := a.lane(ctx, 0, leaves, 0, split, size)
	p := <-rest
	if err := errors.Join(err, p.err); err != nil {
		return nil, 0, err
	}
	return mergeBest(best, p.best, size), found + p.found, nil
}

// lane reads the passages numbered from from (the leaves moved on to it) up to until
// that leaves find into a, the passages touched listed in a's list i, and returns the
// size best, how many they are, and clears them.
func (a *accumulator) lane(ctx context.Context, i int, leaves []*termLeaf, from, until uint64, size int) ([]scoredDoc, int, error) {
	// The list is on this goroutine's stack until the end: two lists side by side in a
	// would share a cache line, which both goroutines write at every passage.
	touched := a.touched[i][:0]
	defer func() {
		a.clear(touched)
		a.touched[i] = touched[:0]
	}()
	for _, l := range leaves {
		if from > 0 {
			if err := l.advance(from); err != nil {
				return nil, 0, err
			}
		}
		if err := a.read(ctx, l, until, &touched); err != nil {
			return nil, 0, err
		}
	}
	return a.best(touched, size, len(leaves)), len(touched), nil
}

// read reads a leaf into a, from the passage it holds if any, up to the first passage
// numbered until or more or to its end, adding each passage to touched at its first
// part.
func (a *accumulator) read(ctx context.Context, l *termLeaf, until uint64, touched *[]uint32) error {
	if l.holding {
		l.holding = false
		if uint64(l.held.doc) >= until {
			return nil
		}
		if err := a.add(touched, l.held); err != nil {
			return err
		}
	}
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		d, ok, err := l.next()
		if err != nil || !ok || uint64(d.doc) >= until {
			return err
		}
		if err := a.add(touched, d); err != nil {
			return err
		}
	}
}

// advance moves the leaf on to the first passage bleve numbers doc or more, which it
// then holds; it holds none when there is none. The leaf must not be past doc already.
func (l *termLeaf) advance(doc uint64) error {
	l.holding = false
	if l.searcher != nil {
		id := make(bleveindex.IndexInternalID, 8)
		binary.BigEndian.PutUint64(id, doc)
		if l.sctx == nil {
			l.sctx = &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(l.searcher.DocumentMatchPoolSize(), 0)}
		}
		dm, err := l.searcher.Advance(l.sctx, id)
		if err != nil || dm == nil {
			return err
		}
		if len(dm.IndexInternalID) != 8 {
			return errNumbering
		}
		l.held, l.holding = scoredDoc{doc: passageNumber(dm.IndexInternalID), score: dm.Score}, true
		l.sctx.DocumentMatchPool.Put(dm)
		return nil
	}
	if l.phrase != nil {
		l.held, l.holding = l.phrase.seek(doc)
		return nil
	}
	got, ok, err := l.postings.advance(doc)
	if err != nil || !ok {
		return err
	}
	l.held, l.holding = scoredDoc{doc: passageOf(got.doc), score: l.score(got.freq, got.norm)}, true
	return nil
}

// next reads the leaf's next passage, by bleve's number for it, with the leaf's score of
// it; ok is false at the end.
func (l *termLeaf) next() (d scoredDoc, ok bool, err error) {
	if l.searcher != nil {
		if l.sctx == nil {
			l.sctx = &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(l.searcher.DocumentMatchPoolSize(), 0)}
		}
		dm, err := l.searcher.Next(l.sctx)
		if err != nil || dm == nil {
			return d, false, err
		}
		d.doc, d.score, err = passageNumber(dm.IndexInternalID), dm.Score, nil
		if len(dm.IndexInternalID) != 8 {
			err = errNumbering
		}
		l.sctx.DocumentMatchPool.Put(dm)
		return d, err == nil, err
	}
	if l.phrase != nil {
		d, ok = l.phrase.next()
		return d, ok, nil
	}
	got, ok, err := l.postings.next()
	if err != nil || !ok {
		return d, false, err
	}
	return scoredDoc{doc: passageOf(got.doc), score: l.score(got.freq, got.norm)}, true, nil
}

// passageNumber is bleve's number for a passage, from its internal id of 8 bytes, held
// in 32 bits: a number that does not fit is maxTermDoc, past every accumulator.
func passageNumber(id bleveindex.IndexInternalID) uint32 {
	if len(id) != 8 {
		return maxTermDoc
	}
	return passageOf(binary.BigEndian.Uint64(id))
}

// passageOf is bleve's number for a passage held in 32 bits: a number that does not fit
// is maxTermDoc, past every accumulator.
func passageOf(doc uint64) uint32 {
	return uint32(min(doc, maxTermDoc))
}

// add adds d's score to its passage, and counts one more part it holds, the passage
// added to touched at its first part; errNumbering when its number is past a.
func (a *accumulator) add(touched *[]uint32, d scoredDoc) error {
	if int(d.doc) >= len(a.score) {
		return errNumbering
	}
	if a.count[d.doc] == 0 {
		*touched = append(*touched, d.doc)
	}
	a.score[d.doc] += d.score
	a.count[d.doc]++
	return nil
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

// compareDocs orders passages in bleve's order (see before), as package slices takes it.
func compareDocs(a, b scoredDoc) int {
	switch {
	case a.before(b):
		return -1
	case b.before(a):
		return 1
	}
	return 0
}

// best returns the size best passages of touched, in bleve's order, each scored as
// bleve's disjunction of leaves terms scores it (the sum times the share of the terms
// the passage holds).
func (a *accumulator) best(touched []uint32, size, leaves int) []scoredDoc {
	top := make([]scoredDoc, 0, min(size, len(touched))+1)
	for _, doc := range touched {
		d := scoredDoc{doc: doc, score: a.score[doc] * (float64(a.count[doc]) / float64(leaves))}
		if len(top) == size && !d.before(top[size-1]) {
			continue
		}
		at, _ := slices.BinarySearchFunc(top, d, compareDocs)
		top = slices.Insert(top, at, d)
		if len(top) > size {
			top = top[:size]
		}
	}
	return top
}

// mergeBest returns the size best of two lists in bleve's order, in that order.
func mergeBest(x, y []scoredDoc, size int) []scoredDoc {
	out := make([]scoredDoc, 0, min(size, len(x)+len(y)))
	for len(out) < size && (len(x) > 0 || len(y) > 0) {
		if len(y) == 0 || len(x) > 0 && x[0].before(y[0]) {
			out, x = append(out, x[0]), x[1:]
		} else {
			out, y = append(out, y[0]), y[1:]
		}
	}
	return out
}

// reserve makes a, which is clear, as large as n passages at least.
func (a *accumulator) reserve(n int) {
	if len(a.score) < n {
		a.score, a.count = make([]float64, n), make([]uint16, n)
	}
}

// clear clears what was summed into a for the passages touched.
func (a *accumulator) clear(touched []uint32) {
	for _, doc := range touched {
		a.score[doc], a.count[doc] = 0, 0
	}
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
	select {
	case ix.accumulators <- a:
	default:
	}
}
