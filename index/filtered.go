package index

import (
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// A question about time searches the passages of a few dates that its words find
// (allFound): a conjunction of filters, terms of fieldDatedIn scored zero (datedIn), and
// of the words' disjunction. bleve finds it by advancing the disjunction's heap of
// searchers to each passage a filter holds, and its match of every part found there: up
// to 2 ms at 200,000 passages, of which a few hundred are dated. searchFiltered reads the
// filters' passages from their postings instead, then moves each part of the disjunction
// on to each of them in turn, in order, and scores what it finds there as searchTerms
// does: the conjunction's norm is the disjunction's (a filter weighs zero), and its sum
// the disjunction's (plus zero).

// filteredDisjunction returns the filters and the disjunction's parts of req's query when
// req asks for what searchFiltered answers: the best hits by score, from the first, of a
// conjunction of filters (term queries of a field boosted zero, or disjunctions of them)
// and of one disjunction that termDisjunction takes.
func filteredDisjunction(req *bleve.SearchRequest) (filters [][]*query.TermQuery, words []query.Query, ok bool) {
	cq, ok := req.Query.(*query.ConjunctionQuery)
	if !ok || len(cq.Conjuncts) < 2 {
		return nil, nil, false
	}
	for _, c := range cq.Conjuncts {
		if terms, ok := zeroTerms(c); ok {
			filters = append(filters, terms)
			continue
		}
		if words != nil {
			return nil, nil, false
		}
		r := *req
		r.Query = c
		if words, ok = termDisjunction(&r); !ok {
			return nil, nil, false
		}
	}
	return filters, words, words != nil && len(filters) > 0
}

// zeroTerms returns the terms of a filter: a term query of a field boosted zero, or a
// disjunction of such.
func zeroTerms(q query.Query) ([]*query.TermQuery, bool) {
	zero := func(q query.Query) (*query.TermQuery, bool) {
		tq, ok := q.(*query.TermQuery)
		return tq, ok && tq.FieldVal != "" && tq.BoostVal != nil && tq.BoostVal.Value() == 0
	}
	if tq, ok := zero(q); ok {
		return []*query.TermQuery{tq}, true
	}
	dq, ok := q.(*query.DisjunctionQuery)
	if !ok || dq.Min > 0 || len(dq.Disjuncts) == 0 {
		return nil, false
	}
	terms := make([]*query.TermQuery, 0, len(dq.Disjuncts))
	for _, d := range dq.Disjuncts {
		tq, ok := zero(d)
		if !ok {
			return nil, false
		}
		terms = append(terms, tq)
	}
	return terms, true
}

// filteredMax is how many passages a filter holds at most for searchFiltered to move the
// disjunction's parts on to each in turn; past it, bleve searches.
const filteredMax = 4096

// searchFiltered answers req as bleve's SearchInContext would (the same hits in the same
// order, with the same Total; the scores as searchTerms gives them) when
// filteredDisjunction takes it and each filter holds at most ix.filteredMax passages. ok
// is false when bleve is to answer.
func (ix *Index) searchFiltered(ctx context.Context, req *bleve.SearchRequest) (res *bleve.SearchResult, ok bool, err error) {
	filters, words, ok := filteredDisjunction(req)
	if !ok || ix.exhaustive {
		return nil, false, nil
	}
	r, st, ok, err := ix.segmentReader()
	if err != nil {
		return nil, true, fmt.Errorf("search filtered: %w", err)
	}
	if !ok {
		return nil, false, nil
	}
	defer r.Close()
	var docs []uint32 // the passages every filter holds, in bleve's order
	for i, terms := range filters {
		held, ok, err := ix.filterPassages(st, terms)
		if err != nil || !ok {
			return nil, ok, err
		}
		if i == 0 {
			docs = held
		} else {
			docs = intersect(docs, held)
		}
	}
	count, err := r.DocCount()
	if err != nil {
		return nil, true, fmt.Errorf("search filtered: %w", err)
	}
	leaves, err := ix.openLeaves(ctx, r, st, words, count)
	defer func() {
		for _, l := range leaves {
			l.close()
		}
	}()
	if leftToBleve(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, fmt.Errorf("search filtered: %w", err)
	}
	score, parts := make([]float64, len(docs)), make([]int, len(docs))
	for _, l := range leaves {
		if err := l.scoreAt(ctx, docs, score, parts); err != nil {
			if leftToBleve(err) {
				return nil, false, nil
			}
			return nil, true, fmt.Errorf("search filtered: %w", err)
		}
	}
	var found []scoredDoc
	for i, d := range docs {
		if parts[i] > 0 {
			found = append(found, scoredDoc{doc: d, score: score[i] * (float64(parts[i]) / float64(len(leaves)))})
		}
	}
	slices.SortFunc(found, compareDocs)
	if res, err = searchResult(r, req, found[:min(req.Size, len(found))], len(found)); err != nil {
		return nil, true, fmt.Errorf("search filtered: %w", err)
	}
	return res, true, nil
}

// filterPassages returns the passages, in bleve's order, that any of a filter's terms
// holds; ok is false when they are more than ix.filteredMax (or numbered past maxTermDoc).
func (ix *Index) filterPassages(st *segmentTerms, terms []*query.TermQuery) (docs []uint32, ok bool, err error) {
	// read appends the passages of one term to docs; ok is false past ix.filteredMax, or
	// for a passage bleve numbers otherwise than scorch does.
	read := func(tq *query.TermQuery) (ok bool, err error) {
		p, err := st.postings([]byte(tq.Term), tq.FieldVal, false)
		if err != nil {
			return true, err
		}
		defer p.release()
		if uint64(len(docs))+p.count > uint64(ix.filteredMax) {
			return false, nil
		}
		for {
			got, ok, err := p.next()
			if err != nil || !ok {
				return true, err
			}
			if got.doc >= maxTermDoc {
				return false, nil
			}
			docs = append(docs, uint32(got.doc))
		}
	}
	for _, tq := range terms {
		if ok, err := read(tq); err != nil || !ok {
			if err != nil {
				err = fmt.Errorf("search filtered: %w", err)
			}
			return nil, ok, err
		}
	}
	slices.Sort(docs)
	return slices.Compact(docs), true, nil
}

// intersect returns the numbers both sorted lists hold, in order.
func intersect(a, b []uint32) []uint32 {
	var out []uint32
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			a = a[1:]
		case a[0] > b[0]:
			b = b[1:]
		default:
			out = append(out, a[0])
			a, b = a[1:], b[1:]
		}
	}
	return out
}

// scoreAt adds the leaf's score of each of docs (bleve's numbers, in order) that it holds
// to score, and counts the part in parts, moving the leaf on to each in turn.
func (l *termLeaf) scoreAt(ctx context.Context, docs []uint32, score []float64, parts []int) error {
	for i := 0; i < len(docs); {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if !l.holding || uint64(l.held.doc) < uint64(docs[i]) {
			if err := l.advance(uint64(docs[i])); err != nil {
				return err
			}
			if !l.holding {
				return nil // no passage from docs[i] on
			}
		}
		// The leaf holds its first passage from docs[i] on: skip the docs before it.
		for i < len(docs) && docs[i] < l.held.doc {
			i++
		}
		if i < len(docs) && docs[i] == l.held.doc {
			score[i] += l.held.score
			parts[i]++
			i++
		}
	}
	return nil
}
