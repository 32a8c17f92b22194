package index

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// A phrase of a question (an acronym's expansion, a name of several words) is read from
// its terms' postings and positions, as bleve's phrase searcher finds and scores it:
// the passages that hold every term (a conjunction, its parts ordered by how many
// passages each finds), those among them where the terms follow one another in the
// phrase's order (a stop word of the phrase, left out by the analyzer, leaves a position
// any word fills), each scored as the sum, in the conjunction's order, of its terms'
// scores as bleve's term searcher scores them. bleve's searcher builds a match for each
// term of each candidate, with its locations in maps, which made a phrase of common
// words most of a question's time at 200,000 passages. A phrase that is not one plain
// term a position (fuzzy, or several terms at a position) is left to bleve's searcher.
//
// A question's phrases are searched again and again: after its feedback, by each of its
// periods, by the next question naming the same acronym. What a phrase finds (the
// passages, each term's frequency and norm in each) is read once and kept for the life
// of the index, whose segments never change, in a cache of bounded size (phraseCache);
// each search scores it anew with its own weights, in the same order, so that the scores
// are those of a fresh read to the last bit. The phrases of a question not kept yet are
// read side by side, one a lane (readPhrases): an acronym's expansions are several.

// errArrayPositions is what reading a phrase returns for a term found in an array field,
// whose phrases bleve matches within one element: the search is left to bleve.
var errArrayPositions = errors.New("a phrase's term in an array field")

// phraseFound is what a phrase finds: the count of passages each of its terms finds, in
// bleve's conjunction order (by that count), and the passages holding the phrase, in
// bleve's order, with each term's frequency and field norm in each.
type phraseFound struct {
	counts []uint64
	docs   []uint32
	freqs  []uint32  // len(counts) a passage
	norms  []float64 // len(counts) a passage
}

// size is how much of a phrase cache's bound the phrase takes: a passage a term, and
// one for the phrase.
func (f *phraseFound) size() int { return 1 + len(f.docs)*len(f.counts) }

// phraseCache keeps what phrases found, by field and terms.
type phraseCache = segmentCache[*phraseFound]

// phraseCacheMax bounds a phraseCache: 2^18 terms' passages, 12 bytes each (3 MiB).
const phraseCacheMax = 1 << 18

// newPhraseCache returns an empty cache of max terms' passages at most.
func newPhraseCache(max int) *phraseCache {
	return newSegmentCache(max, (*phraseFound).size)
}

// phraseLeaf is one phrase in one field, as a part of a disjunction: what it found,
// scored with the search's weights.
type phraseLeaf struct {
	found   *phraseFound
	scorers []termScorer // a term's, in found's order
	at      int          // the next of found.docs to read
}

// phraseSlots is q's phrase as bleve's MatchPhraseQuery searches it: its terms by
// position ("" where any word is), and its key in a phraseCache; ok is false where
// bleve's searcher is to read it.
func phraseSlots(m mapping.IndexMapping, q *query.MatchPhraseQuery) (slots []string, key string, ok bool) {
	if q.Fuzziness != 0 || q.FieldVal == "" {
		return nil, "", false
	}
	name := q.Analyzer
	if name == "" {
		name = m.AnalyzerNameForPath(q.FieldVal)
	}
	analyzer := m.AnalyzerNamed(name)
	if analyzer == nil {
		return nil, "", false
	}
	tokens := analyzer.Analyze([]byte(q.MatchPhrase))
	if len(tokens) == 0 {
		return nil, "", false
	}
	// As bleve's tokenStreamToPhrase: a slot a position, from the first token's.
	first, last := tokens[0].Position, tokens[0].Position
	for _, t := range tokens {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	slots = make([]string, last-first+1)
	for _, t := range tokens {
		i := t.Position - first
		if slots[i] != "" || len(t.Term) == 0 {
			return nil, "", false // several terms at a position, or an empty one
		}
		slots[i] = string(t.Term)
	}
	return slots, q.FieldVal + "\x00" + strings.Join(slots, "\x00"), true
}

// openPhrase opens q as bleve's MatchPhraseQuery would search it, with scorerOf for each
// term's scorer, from cache, from read (what readPhrases read, by key) or read from st;
// ok is false where bleve's searcher is to read it.
func openPhrase(ctx context.Context, m mapping.IndexMapping, st *segmentTerms, cache *phraseCache, read map[string]*phraseFound,
	q *query.MatchPhraseQuery, scorerOf func(field string, count uint64, boost float64) (termScorer, error)) (*phraseLeaf, bool, error) {
	slots, key, ok := phraseSlots(m, q)
	if !ok {
		return nil, false, nil
	}
	found, ok := cache.get(st, key)
	if !ok {
		if found, ok = read[key]; !ok {
			var err error
			if found, err = readPhrase(ctx, st, q.FieldVal, slots); err != nil {
				return nil, true, err
			}
		}
		cache.put(st, key, found)
	}
	ph := &phraseLeaf{found: found, scorers: make([]termScorer, len(found.counts))}
	for i, n := range found.counts {
		var err error
		if ph.scorers[i], err = scorerOf(q.FieldVal, n, q.BoostVal.Value()); err != nil {
			return nil, true, err
		}
	}
	return ph, true, nil
}

// readPhrases reads the phrases of qs that cache does not hold, lanes at a time (each
// lane with its own terms of r's segments, from open), and returns what they found, by
// key, for openPhrase, where there are two or more to read: a question naming an acronym
// searches each of its expansions, and a phrase of common words takes milliseconds. A
// phrase that fails is left out, for openPhrase to read again (and fail as it would).
func readPhrases(ctx context.Context, m mapping.IndexMapping, st *segmentTerms, cache *phraseCache, qs []query.Query,
	lanes int, open func() *segmentTerms) map[string]*phraseFound {
	type toRead struct {
		field, key string
		slots      []string
	}
	var todo []toRead
	seen := map[string]bool{}
	for _, q := range qs {
		q, ok := q.(*query.MatchPhraseQuery)
		if !ok {
			continue
		}
		slots, key, ok := phraseSlots(m, q)
		if !ok || seen[key] {
			continue
		}
		seen[key] = true
		if _, held := cache.get(st, key); !held {
			todo = append(todo, toRead{field: q.FieldVal, key: key, slots: slots})
		}
	}
	if lanes < 2 || len(todo) < 2 {
		return nil
	}
	found := make([]*phraseFound, len(todo))
	var next atomic.Int64
	read := func(st *segmentTerms) {
		for i := int(next.Add(1) - 1); i < len(todo); i = int(next.Add(1) - 1) {
			if f, err := readPhrase(ctx, st, todo[i].field, todo[i].slots); err == nil {
				found[i] = f
			}
		}
	}
	var wg sync.WaitGroup
	for range min(lanes, len(todo)) - 1 {
		wg.Go(func() {
			if st := open(); st != nil {
				read(st)
			}
		})
	}
	read(st)
	wg.Wait()
	out := make(map[string]*phraseFound, len(todo))
	for i, f := range found {
		if f != nil {
			out[todo[i].key] = f
		}
	}
	return out
}

// squared is the phrase's part of the query's sum of squared weights, summed as bleve's
// conjunction sums its searchers' weights.
func (ph *phraseLeaf) squared() float64 {
	var w float64
	for i := range ph.scorers {
		w += ph.scorers[i].squared()
	}
	return w
}

// setNorm gives every term of the phrase the query's norm.
func (ph *phraseLeaf) setNorm(norm float64) {
	for i := range ph.scorers {
		ph.scorers[i].setNorm(norm)
	}
}

// next reads the next passage that holds the phrase, with its score; ok is false at the
// end.
func (ph *phraseLeaf) next() (d scoredDoc, ok bool) {
	if ph.at >= len(ph.found.docs) {
		return d, false
	}
	i, k := ph.at, len(ph.scorers)
	ph.at++
	var score float64 // summed as bleve's conjunction sums its parts' scores
	for j := range ph.scorers {
		score += ph.scorers[j].score(uint64(ph.found.freqs[i*k+j]), ph.found.norms[i*k+j])
	}
	return scoredDoc{doc: ph.found.docs[i], score: score}, true
}

// seek reads the first passage bleve numbers doc or more that holds the phrase, with its
// score; ok is false when there is none.
func (ph *phraseLeaf) seek(doc uint64) (d scoredDoc, ok bool) {
	docs := ph.found.docs
	ph.at += sort.Search(len(docs)-ph.at, func(i int) bool { return uint64(docs[ph.at+i]) >= doc })
	return ph.next()
}

// readPhrase reads what the phrase of slots (its terms by position, "" where any word
// is) finds in field: the passages where every term is, each at its slot's offset from
// the first's.
func readPhrase(ctx context.Context, st *segmentTerms, field string, slots []string) (*phraseFound, error) {
	r := &phraseReader{}
	defer func() {
		for _, p := range r.parts {
			p.postings.release()
		}
	}()
	for i, term := range slots {
		if term == "" {
			continue // a stop word's position
		}
		p, err := st.positioned([]byte(term), field)
		if err != nil {
			return nil, err
		}
		r.parts = append(r.parts, &phrasePart{offset: uint64(i), postings: p})
	}
	sort.Sort(byCount(r.parts))
	f := &phraseFound{counts: make([]uint64, len(r.parts))}
	for i, p := range r.parts {
		f.counts[i] = p.postings.count
	}
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		doc, ok, err := r.seek()
		if err != nil {
			return nil, err
		}
		if !ok || doc >= maxTermDoc {
			return f, nil
		}
		f.docs = append(f.docs, uint32(doc))
		for _, p := range r.parts {
			f.freqs = append(f.freqs, uint32(min(p.cur.freq, 1<<32-1)))
			f.norms = append(f.norms, p.cur.norm)
		}
	}
}

// phraseReader finds a phrase's passages from its terms' postings and positions.
type phraseReader struct {
	parts []*phrasePart // bleve's conjunction order
	from  uint64        // the first passage not yet looked at
	pos   []uint64      // the parts' positions at a passage, one part's after another's
	ends  []int         // where each part's positions end in pos
}

// phrasePart is one term of a phrase, at its offset in the phrase.
type phrasePart struct {
	offset   uint64
	postings *termPostings
	cur      posting // where the postings are, if has
	has      bool
	done     bool
}

// byCount orders a phrase's parts as bleve's conjunction orders its searchers
// (searcher.OrderedSearcherList, sorted by sort.Sort: the same order for the same parts).
type byCount []*phrasePart

func (b byCount) Len() int           { return len(b) }
func (b byCount) Less(i, j int) bool { return b[i].postings.count < b[j].postings.count }
func (b byCount) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

// seek finds the next passage that holds the phrase, where every part then is; ok is
// false when there is none.
func (r *phraseReader) seek() (doc uint64, ok bool, err error) {
	target := r.from
	for {
		all := true
		for _, p := range r.parts {
			if ok, err := p.moveTo(target); err != nil || !ok {
				return 0, false, err
			}
			if p.cur.doc > target {
				target, all = p.cur.doc, false
				break
			}
		}
		if !all {
			continue
		}
		r.from = target + 1
		holds, err := r.holds()
		if err != nil || holds {
			return target, holds, err
		}
		target++
	}
}

// moveTo moves the part on to its first passage doc or after, unless it is there
// already; ok is false past its last.
func (p *phrasePart) moveTo(doc uint64) (ok bool, err error) {
	if p.done {
		return false, nil
	}
	if p.has && p.cur.doc >= doc {
		return true, nil
	}
	p.cur, p.has, err = p.postings.advance(doc)
	p.done = !p.has
	return p.has, err
}

// holds tells whether the passage every part is at holds the phrase: a position of its
// first part's term from which each part's term is at its offset.
func (r *phraseReader) holds() (bool, error) {
	r.pos, r.ends = r.pos[:0], r.ends[:0]
	for _, p := range r.parts {
		var ok bool
		if r.pos, ok = p.postings.positions(r.pos); !ok {
			return false, errArrayPositions
		}
		r.ends = append(r.ends, len(r.pos))
	}
	at := func(i int) []uint64 {
		if i == 0 {
			return r.pos[:r.ends[0]]
		}
		return r.pos[r.ends[i-1]:r.ends[i]]
	}
	first := r.parts[0]
	for _, p0 := range at(0) {
		if p0 < first.offset+1 {
			continue // positions start at 1
		}
		start := p0 - first.offset
		all := true
		for i := 1; i < len(r.parts) && all; i++ {
			all = false
			for _, q := range at(i) {
				if q == start+r.parts[i].offset {
					all = true
					break
				}
			}
		}
		if all {
			return true, nil
		}
	}
	return false, nil
}
