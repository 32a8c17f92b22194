package index

import (
	"errors"
	"sort"

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

// errArrayPositions is what reading a phrase returns for a term found in an array field,
// whose phrases bleve matches within one element: the search is left to bleve.
var errArrayPositions = errors.New("a phrase's term in an array field")

// phraseLeaf reads one phrase in one field.
type phraseLeaf struct {
	parts []*phrasePart // bleve's conjunction order: by how many passages a term finds
	from  uint64        // the first passage not yet looked at
	pos   []uint64      // the parts' positions at a passage, one part's after another's
	ends  []int         // where each part's positions end in pos
}

// phrasePart is one term of a phrase, at its offset in the phrase.
type phrasePart struct {
	termScorer
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

// openPhrase opens q as bleve's MatchPhraseQuery would search it, with scorerOf for each
// term's scorer; ok is false where bleve's searcher is to read it.
func openPhrase(m mapping.IndexMapping, st *segmentTerms, q *query.MatchPhraseQuery,
	scorerOf func(field string, count uint64, boost float64) (termScorer, error)) (*phraseLeaf, bool, error) {
	if q.Fuzziness != 0 || q.FieldVal == "" {
		return nil, false, nil
	}
	name := q.Analyzer
	if name == "" {
		name = m.AnalyzerNameForPath(q.FieldVal)
	}
	analyzer := m.AnalyzerNamed(name)
	if analyzer == nil {
		return nil, false, nil
	}
	tokens := analyzer.Analyze([]byte(q.MatchPhrase))
	if len(tokens) == 0 {
		return nil, false, nil
	}
	// As bleve's tokenStreamToPhrase: a slot a position, from the first token's.
	first, last := tokens[0].Position, tokens[0].Position
	for _, t := range tokens {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	slots := make([][]string, last-first+1)
	for _, t := range tokens {
		slots[t.Position-first] = append(slots[t.Position-first], string(t.Term))
	}
	for _, s := range slots {
		if len(s) > 1 || len(s) == 1 && s[0] == "" {
			return nil, false, nil
		}
	}
	ph := &phraseLeaf{}
	boost := q.BoostVal.Value()
	for i, s := range slots {
		if len(s) == 0 {
			continue // a stop word's position
		}
		p, err := st.positioned([]byte(s[0]), q.FieldVal)
		if err != nil {
			return nil, true, err
		}
		part := &phrasePart{offset: uint64(i), postings: p}
		if part.termScorer, err = scorerOf(q.FieldVal, p.count, boost); err != nil {
			return nil, true, err
		}
		ph.parts = append(ph.parts, part)
	}
	sort.Sort(byCount(ph.parts))
	return ph, true, nil
}

// squared is the phrase's part of the query's sum of squared weights, summed as bleve's
// conjunction sums its searchers' weights.
func (ph *phraseLeaf) squared() float64 {
	var w float64
	for _, p := range ph.parts {
		w += p.squared()
	}
	return w
}

// setNorm gives every term of the phrase the query's norm.
func (ph *phraseLeaf) setNorm(norm float64) {
	for _, p := range ph.parts {
		p.setNorm(norm)
	}
}

// next reads the next passage that holds the phrase, with its score; ok is false at the
// end.
func (ph *phraseLeaf) next() (scoredDoc, bool, error) {
	return ph.seek(ph.from)
}

// seek reads the first passage bleve numbers doc or more that holds the phrase, with its
// score; ok is false when there is none. doc must be past the passages read so far.
func (ph *phraseLeaf) seek(doc uint64) (d scoredDoc, ok bool, err error) {
	target := max(doc, ph.from)
	for {
		all := true
		for _, p := range ph.parts {
			if ok, err := p.moveTo(target); err != nil || !ok {
				ph.from = maxTermDoc
				return d, false, err
			}
			if p.cur.doc > target {
				target, all = p.cur.doc, false
				break
			}
		}
		if !all {
			continue
		}
		ph.from = target + 1
		holds, err := ph.holds()
		if err != nil {
			return d, false, err
		}
		if holds {
			var score float64
			for _, p := range ph.parts {
				score += p.score(p.cur.freq, p.cur.norm)
			}
			return scoredDoc{doc: passageOf(target), score: score}, true, nil
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
func (ph *phraseLeaf) holds() (bool, error) {
	ph.pos, ph.ends = ph.pos[:0], ph.ends[:0]
	for _, p := range ph.parts {
		var ok bool
		if ph.pos, ok = p.postings.positions(ph.pos); !ok {
			return false, errArrayPositions
		}
		ph.ends = append(ph.ends, len(ph.pos))
	}
	at := func(i int) []uint64 {
		if i == 0 {
			return ph.pos[:ph.ends[0]]
		}
		return ph.pos[ph.ends[i-1]:ph.ends[i]]
	}
	first := ph.parts[0]
	for _, p0 := range at(0) {
		if p0 < first.offset+1 {
			continue // positions start at 1
		}
		start := p0 - first.offset
		all := true
		for i := 1; i < len(ph.parts) && all; i++ {
			all = false
			for _, q := range at(i) {
				if q == start+ph.parts[i].offset {
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
