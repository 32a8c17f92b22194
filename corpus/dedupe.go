package corpus

import (
	"cmp"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// NearDuplicateThreshold is the Jaccard similarity of word shingles from which a
// document is said to nearly duplicate another.
const NearDuplicateThreshold = 0.8

// shingleWords is the number of words in a shingle.
const shingleWords = 3

// Similar is an existing document that a new one nearly duplicates.
type Similar struct {
	ID    string
	Title string
	Score float64 // Jaccard similarity of their word shingles, 0 to 1
}

// NearDuplicates returns the documents of docs whose text is at least threshold similar
// to d's (the Jaccard similarity of their sets of three-word shingles), most similar
// first. A document with d's id is skipped: it is the one d replaces.
func NearDuplicates(d Document, docs []Document, threshold float64) []Similar {
	var none *ShingleCache
	return none.NearDuplicates(d, docs, threshold)
}

// ShingleCache keeps the shingles of the documents it has compared, by their content
// hash, so that many new documents are compared with the same ones (a corpus, a review
// queue) at the cost of reading each once. It is safe for concurrent use; a nil
// ShingleCache keeps nothing.
type ShingleCache struct {
	mu   sync.Mutex
	sets map[string]map[uint64]struct{}
}

// NearDuplicates is the package's NearDuplicates, with the shingles of docs kept.
func (s *ShingleCache) NearDuplicates(d Document, docs []Document, threshold float64) []Similar {
	mine := shingles(d)
	if len(mine) == 0 {
		return nil
	}
	var out []Similar
	for _, o := range docs {
		if o.ID == d.ID {
			continue
		}
		if sim := jaccard(mine, s.of(o)); sim >= threshold {
			out = append(out, Similar{ID: o.ID, Title: o.Title, Score: sim})
		}
	}
	slices.SortFunc(out, func(a, b Similar) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// of returns the shingles of d, kept by its hash when it has one.
func (s *ShingleCache) of(d Document) map[uint64]struct{} {
	if s == nil || d.Hash == "" {
		return shingles(d)
	}
	s.mu.Lock()
	set, ok := s.sets[d.Hash]
	s.mu.Unlock()
	if ok {
		return set
	}
	set = shingles(d)
	s.mu.Lock()
	if s.sets == nil {
		s.sets = map[string]map[uint64]struct{}{}
	}
	s.sets[d.Hash] = set
	s.mu.Unlock()
	return set
}

// shingles returns the hashed shingles of the words of d's paragraphs, in lower case.
// A text shorter than a shingle is one shingle.
func shingles(d Document) map[uint64]struct{} {
	var words []string
	for _, p := range d.Paragraphs {
		words = append(words, strings.FieldsFunc(strings.ToLower(p.Text), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})...)
	}
	set := map[uint64]struct{}{}
	if len(words) == 0 {
		return set
	}
	n := min(shingleWords, len(words))
	for i := 0; i+n <= len(words); i++ {
		h := fnv.New64a()
		for _, w := range words[i : i+n] {
			h.Write([]byte(w))
			h.Write([]byte{0})
		}
		set[h.Sum64()] = struct{}{}
	}
	return set
}

// jaccard is |a ∩ b| / |a ∪ b|.
func jaccard(a, b map[uint64]struct{}) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	both := 0
	for k := range a {
		if _, ok := b[k]; ok {
			both++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}
