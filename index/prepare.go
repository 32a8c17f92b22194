package index

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"

	"github.com/standoff-bot/standoff/corpus"
)

// glossaryEntry is one term of a glossary document: the names it is asked by, and the
// passage that defines it.
type glossaryEntry struct {
	term    string   // the heading as written
	aliases []string // keys that name the term
	passage int      // position of the defining passage in Index.passages
}

// synonymsOf is the synonym table of the corpus's synonym rules and the acronyms its
// passages define.
func (ix *Index) synonymsOf(synonyms, acronyms []corpus.SynonymRule) *synonymTable {
	// The corpus's synonyms, then the domain's built-in ones, then the acronyms the
	// corpus defines in its text.
	return ix.newSynonymTable(append(append(slices.Clip(synonyms), corpus.DomainSynonyms()...), acronyms...))
}

// prepare derives, from the passages and the synonym table syn (synonymsOf), what
// questions are matched against: synonyms, glossary entries, multi-word terms and
// autocomplete candidates.
func (ix *Index) prepare(syn *synonymTable) {
	ix.synonyms = syn
	ix.phrases = newPhraseTable()
	for _, k := range ix.synonyms.multiWordKeys() {
		ix.phrases.add(k)
	}

	for _, doc := range ix.passages.Docs {
		if doc.Kind != corpus.KindGlossary {
			continue
		}
		seen := map[string]bool{}
		for i := doc.First; i < doc.First+doc.Count; i++ {
			if section := ix.passages.section(i); section != "" && !seen[section] {
				seen[section] = true
				ix.addGlossaryEntry(section, i)
			}
		}
	}
	ix.completes = ix.completionCandidates()
}

// addGlossaryEntry adds the term of a glossary document's section, defined by the
// passage at position i, to the glossary and to the phrases.
func (ix *Index) addGlossaryEntry(section string, i int) {
	e := glossaryEntry{term: section, passage: i}
	for _, name := range termNames(section) {
		k := ix.key(name)
		if k == "" {
			continue
		}
		e.aliases = append(e.aliases, k)
		ix.phrases.add(k)
		for _, alt := range ix.synonyms.lookup(k) {
			e.aliases = append(e.aliases, ix.key(alt))
		}
	}
	ix.glossary = append(ix.glossary, e)
}

// termNames splits a glossary heading into the names it may be asked by:
// "HEU and LEU (highly and low enriched uranium)" gives the whole heading, "HEU and LEU",
// "HEU", "LEU" and "highly and low enriched uranium".
func termNames(heading string) []string {
	names := []string{heading}
	outer, inner := heading, ""
	if i := strings.Index(heading, "("); i > 0 {
		outer = strings.TrimSpace(heading[:i])
		inner = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(heading[i+1:]), ")"))
		names = append(names, outer, inner)
	}
	for _, part := range []string{outer, inner} {
		for _, sep := range []string{" and ", ", ", " / ", " or "} {
			if strings.Contains(part, sep) {
				for _, p := range strings.Split(part, sep) {
					if p = strings.TrimSpace(p); p != "" {
						names = append(names, p)
					}
				}
			}
		}
	}
	return names
}

// vocabulary holds the document frequency of every indexed term, for spelling
// correction, term weights and the relevance floor.
type vocabulary struct {
	df    map[string]int
	byLen map[int][]vocabTerm // terms by rune length, for correction
	docs  int
}

// vocabTerm is a term ready for spelling comparisons.
type vocabTerm struct {
	term  string
	runes []rune
	chars uint64 // the set of its characters (see charSet)
}

// vocabularyCounts reads the document frequency of every term of the index's fields from
// bleve's dictionaries; a term in several fields counts its largest.
func vocabularyCounts(bi bleve.Index) (map[string]int, error) {
	df := map[string]int{}
	for _, field := range []string{fieldText, fieldSection, fieldTitle, fieldTaught} {
		d, err := bi.FieldDict(field)
		if err != nil {
			return nil, fmt.Errorf("read field dictionary %s: %w", field, err)
		}
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return nil, fmt.Errorf("read field dictionary %s: %w", field, err)
			}
			if e == nil {
				break
			}
			if e.Count > uint64(df[e.Term]) {
				df[e.Term] = int(e.Count)
			}
		}
		d.Close()
	}
	return df, nil
}

// newVocabulary is the vocabulary of the document frequencies df of an index of docs
// passages.
func newVocabulary(df map[string]int, docs int) *vocabulary {
	v := &vocabulary{df: df, byLen: map[int][]vocabTerm{}, docs: docs}
	// Each length's terms in a slice of its size, their runes in one array: at 200,000
	// passages, 2 MiB in a few allocations, not 6 MiB in 30,000.
	lengths, runes := map[int]int{}, 0
	for t := range v.df {
		n := utf8.RuneCountInString(t)
		lengths[n]++
		runes += n
	}
	for n, count := range lengths {
		v.byLen[n] = make([]vocabTerm, 0, count)
	}
	all := make([]rune, 0, runes)
	for t := range v.df {
		from := len(all)
		for _, r := range t {
			all = append(all, r)
		}
		r := all[from:len(all):len(all)]
		v.byLen[len(r)] = append(v.byLen[len(r)], vocabTerm{term: t, runes: r, chars: charSet(r)})
	}
	for _, ts := range v.byLen {
		slices.SortFunc(ts, func(a, b vocabTerm) int { return strings.Compare(a.term, b.term) })
	}
	return v
}

// charSet is the set of the characters of a term as bits: a to z, 0 to 9, and 27 bits
// that other characters share.
func charSet(r []rune) uint64 {
	var m uint64
	for _, c := range r {
		switch {
		case 'a' <= c && c <= 'z':
			m |= 1 << (c - 'a')
		case '0' <= c && c <= '9':
			m |= 1 << (26 + c - '0')
		default:
			m |= 1 << (36 + uint(c)%27)
		}
	}
	return m
}

// idf is the inverse document frequency of a term; a term the corpus lacks weighs most.
func (v *vocabulary) idf(term string) float64 { return v.idfAt(float64(v.df[term])) }

// idfAt is the inverse document frequency of a term in df passages.
func (v *vocabulary) idfAt(df float64) float64 {
	n := float64(v.docs)
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// negations are the prefixes that turn a word into its opposite: a question about
// "evenly" is answered by a passage that says "unevenly".
var negations = []string{"un", "in", "non", "dis", "im", "ir"}

// related returns the indexed terms that may stand for a term the corpus lacks: its
// closest spelling, and the same word with or without a negating prefix.
func (v *vocabulary) related(term string) []string {
	var out []string
	if fixed := v.correct(term); fixed != "" {
		out = append(out, fixed)
	}
	for _, p := range negations {
		for _, cand := range []string{p + term, strings.TrimPrefix(term, p)} {
			if cand != term && len(cand) >= 4 && v.df[cand] > 0 && !contains(out, cand) {
				out = append(out, cand)
			}
		}
	}
	return out
}

// correct returns the indexed term closest in spelling to an unknown term: within one
// edit for short terms and two for long ones, the most frequent on a tie; "" when none.
func (v *vocabulary) correct(term string) string {
	r := []rune(term)
	if len(r) < 4 || isNumber(term) {
		return ""
	}
	maxDist := 1
	if len(r) >= 7 {
		maxDist = 2
	}
	best, bestDist, bestDF := "", maxDist+1, 0
	chars := charSet(r)
	var rows editRows
	for n := len(r) - maxDist; n <= len(r)+maxDist; n++ {
		for _, cand := range v.byLen[n] {
			// An edit adds or removes at most two characters of the set.
			if bits.OnesCount64(chars^cand.chars) > 2*maxDist {
				continue
			}
			d := rows.distance(r, cand.runes, maxDist)
			if d < bestDist || (d == bestDist && v.df[cand.term] > bestDF) {
				best, bestDist, bestDF = cand.term, d, v.df[cand.term]
			}
		}
	}
	if bestDist > maxDist {
		return ""
	}
	return best
}

func isNumber(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' && c != ',' {
			return false
		}
	}
	return true
}

// editRows are the rows of an edit distance computation, reused from one to the next.
type editRows struct{ prev2, prev, cur []int }

// distance is the Damerau–Levenshtein (optimal string alignment) distance of a and b,
// or max+1 as soon as it must exceed max.
func (e *editRows) distance(a, b []rune, max int) int {
	if abs(len(a)-len(b)) > max {
		return max + 1
	}
	grow := func(row []int) []int {
		if cap(row) < len(b)+1 {
			return make([]int, len(b)+1)
		}
		return row[:len(b)+1]
	}
	prev2, prev, cur := grow(e.prev2), grow(e.prev), grow(e.cur)
	defer func() { e.prev2, e.prev, e.cur = prev2, prev, cur }()
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// editDistance is the distance of a and b within max, as editRows.distance.
func editDistance(a, b []rune, max int) int {
	var e editRows
	return e.distance(a, b, max)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
