package index

import (
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// The terms of a search are read straight from scorch's segments, not through scorch's
// term field reader: that reader opens every segment's dictionary of the field again for
// each term (a dictionary and an FST reader a segment, for every term of a question: two
// fifths of what an answer allocated at 200,000 passages), where one search opens each
// once. What is read is what the reader reads: each segment's postings of the term, its
// deleted passages left out, numbered as scorch numbers them (a segment's numbers follow
// the one's before it). A term's postings lists, found in the dictionaries and read from
// the segments' heads, are kept for the life of the index (termListsCache): a question
// about time searches its words five times and more, and the next question asks many of
// them again; each read opens its own iterators of them.

// segmentTerms is one search's reader of the index's terms: its segments, the
// dictionaries of a field opened so far, and the index's cache of postings lists. A
// dictionary reads with a state of its own, so a segmentTerms is used by one goroutine.
type segmentTerms struct {
	segs    []*scorch.SegmentSnapshot
	offsets []uint64 // bleve's number for each segment's first passage
	numbers uint64   // the numbers bleve gives passages: the segments' passages, deleted ones too
	dicts   map[string][]segment.TermDictionary
	lists   *termListsCache
	pool    *iteratorPool
}

// termLists is a term's postings lists in a field: those of the segments that hold it.
type termLists struct {
	count uint64 // the passages holding the term
	segs  []segmentList
}

// segmentList is a term's postings list in one segment, whose passages bleve numbers
// from from to until (excluded).
type segmentList struct {
	from, until uint64
	list        segment.PostingsList
}

// size is how much of a termListsCache's bound the lists take: one a segment, and one.
func (l *termLists) size() int { return 1 + len(l.segs) }

// termListsCache keeps terms' postings lists, by field and term.
type termListsCache = segmentCache[*termLists]

// termListsMax bounds a termListsCache: 2^14 segments' lists (a few hundred bytes each),
// some 2,000 terms at 200,000 passages in 7 segments.
const termListsMax = 1 << 14

// newTermListsCache returns an empty cache of max segments' lists at most.
func newTermListsCache(max int) *termListsCache {
	return newSegmentCache(max, (*termLists).size)
}

// newSegmentTerms returns a reader of r's terms, with lists as its cache of postings
// lists (nil for none); ok is false where r is not scorch's.
func newSegmentTerms(r bleveindex.IndexReader, lists *termListsCache, pool *iteratorPool) (st *segmentTerms, ok bool) {
	s, ok := r.(interface {
		Segments() []*scorch.SegmentSnapshot
	})
	if !ok {
		return nil, false
	}
	st = &segmentTerms{segs: s.Segments(), dicts: map[string][]segment.TermDictionary{}, lists: lists, pool: pool}
	st.offsets = make([]uint64, len(st.segs))
	for i, seg := range st.segs {
		st.offsets[i] = st.numbers
		st.numbers += seg.Segment().Count()
	}
	return st, true
}

// postings returns a reader of term's postings in field, with their frequencies and
// norms where scored.
func (st *segmentTerms) postings(term []byte, field string, scored bool) (*termPostings, error) {
	return st.read(term, field, scored, false)
}

// positioned returns a reader of term's postings in field with their frequencies, norms
// and the term's positions in the field.
func (st *segmentTerms) positioned(term []byte, field string) (*termPostings, error) {
	return st.read(term, field, true, true)
}

// read returns a reader of term's postings in field, with what it is asked for.
func (st *segmentTerms) read(term []byte, field string, scored, positions bool) (*termPostings, error) {
	key := field + "\x00" + string(term)
	lists, ok := st.lists.get(st, key)
	if !ok {
		var err error
		if lists, err = st.find(term, field); err != nil {
			return nil, err
		}
		st.lists.put(st, key, lists)
	}
	p := &termPostings{count: lists.count, segs: make([]segmentPostings, len(lists.segs)), pool: st.pool}
	for i, s := range lists.segs {
		p.segs[i] = segmentPostings{from: s.from, until: s.until, it: s.list.Iterator(scored, scored, positions, st.pool.get())}
	}
	return p, nil
}

// find finds term's postings lists in field in the segments' dictionaries.
func (st *segmentTerms) find(term []byte, field string) (*termLists, error) {
	dicts, ok := st.dicts[field]
	if !ok {
		dicts = make([]segment.TermDictionary, len(st.segs))
		for i, seg := range st.segs {
			d, err := seg.Segment().Dictionary(field)
			if err != nil {
				return nil, err
			}
			dicts[i] = d
		}
		st.dicts[field] = dicts
	}
	lists := &termLists{}
	for i, seg := range st.segs {
		pl, err := dicts[i].PostingsList(term, seg.Deleted(), nil)
		if err != nil {
			return nil, err
		}
		n := pl.Count()
		if n == 0 {
			continue
		}
		lists.count += n
		lists.segs = append(lists.segs, segmentList{from: st.offsets[i], until: st.offsets[i] + seg.Segment().Count(), list: pl})
	}
	return lists, nil
}

// termPostings reads one term's postings in a field, segment after segment, in bleve's
// numbers for the passages.
type termPostings struct {
	segs  []segmentPostings // the segments that hold the term
	at    int               // the segment read
	count uint64            // the passages holding the term
	last  segment.Posting   // the posting read last, until the next is read
	pool  *iteratorPool     // where its iterators go once read
}

// release gives the reader's iterators back to its pool, once nothing more is read.
func (p *termPostings) release() {
	for i := range p.segs {
		p.pool.put(p.segs[i].it)
		p.segs[i].it = nil
	}
	p.segs, p.last = nil, nil
}

// iteratorPool keeps the postings iterators of zap's segments that searches are done
// with, for the next search to reuse, as bleve's own term readers reuse theirs: an
// iterator and its decoders were a fifth of what an answer allocated at 200,000
// passages. A nil pool keeps none.
type iteratorPool struct{ sync.Pool }

// get returns an iterator to reuse, or nil.
func (p *iteratorPool) get() segment.PostingsIterator {
	if p == nil {
		return nil
	}
	it, _ := p.Get().(segment.PostingsIterator)
	return it
}

// put keeps it for reuse.
func (p *iteratorPool) put(it segment.PostingsIterator) {
	if p != nil && it != nil {
		p.Put(it)
	}
}

// segmentPostings is a term's postings in one segment, whose passages bleve numbers from
// from to until (excluded).
type segmentPostings struct {
	from, until uint64
	it          segment.PostingsIterator
}

// posting is one passage that holds a term: bleve's number for it, how many times it
// holds the term, and its field's norm (where scored).
type posting struct {
	doc  uint64
	freq uint64
	norm float64
}

// next reads the next posting; ok is false at the end.
func (p *termPostings) next() (got posting, ok bool, err error) {
	for p.at < len(p.segs) {
		s := &p.segs[p.at]
		next, err := s.it.Next()
		if err != nil {
			return got, false, err
		}
		if next != nil {
			return p.take(s, next), true, nil
		}
		p.at++
	}
	return got, false, nil
}

// take returns next, read from s, as the posting read last.
func (p *termPostings) take(s *segmentPostings, next segment.Posting) posting {
	p.last = next
	return posting{doc: s.from + next.Number(), freq: next.Frequency(), norm: next.Norm()}
}

// advance reads the first posting of doc or after it; ok is false when there is none.
// doc must be past every posting read so far.
func (p *termPostings) advance(doc uint64) (got posting, ok bool, err error) {
	for p.at < len(p.segs) && doc >= p.segs[p.at].until {
		p.at++
	}
	if p.at == len(p.segs) {
		return got, false, nil
	}
	if s := &p.segs[p.at]; doc > s.from {
		next, err := s.it.Advance(doc - s.from)
		if err != nil {
			return got, false, err
		}
		if next != nil {
			return p.take(s, next), true, nil
		}
		p.at++
	}
	return p.next()
}

// positions appends to buf the positions in its field of the posting read last, of a
// reader that reads them, in order; ok is false where a position is in an array (which a
// phrase of bleve's matches otherwise).
func (p *termPostings) positions(buf []uint64) (_ []uint64, ok bool) {
	if p.last == nil {
		return buf, true
	}
	for _, loc := range p.last.Locations() {
		if len(loc.ArrayPositions()) > 0 {
			return buf, false
		}
		buf = append(buf, loc.Pos())
	}
	return buf, true
}
