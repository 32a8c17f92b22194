package index

import (
	"regexp"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/standoff-bot/standoff/corpus"
)

// token is one analysed term of a text with its byte span in that text.
type token struct {
	term       string
	start, end int
	pos        int
}

// analyze runs the index's analyzer over text, as bleve does when it indexes it.
func (ix *Index) analyze(text string) []token {
	ts := ix.analyzerFor(text).Analyze([]byte(text))
	out := make([]token, 0, len(ts))
	for _, t := range ts {
		tk := token{term: string(t.Term), start: t.Start, end: t.End, pos: t.Position}
		// The char filter reads "U.S." as "US  "; the token covers the whole abbreviation.
		if m := usDots.FindString(text[tk.start:]); m != "" {
			tk.end = tk.start + len(m)
		}
		out = append(out, tk)
	}
	return out
}

// analyzerFor is the analyzer for text: the char filters only rewrite "U.S.", so a text
// without it is analysed without their regular expressions, to the same tokens.
func (ix *Index) analyzerFor(text string) analysis.Analyzer {
	if strings.Contains(text, "U.S.") {
		return ix.analyzer
	}
	return ix.plain
}

// usDots matches the abbreviations that the "us_dots" char filter rewrites.
var usDots = regexp.MustCompile(`^U\.S\.(A\.)?`)

// key is the analysed form of a term or phrase, terms joined by spaces: the form in which
// synonyms, glossary entries and phrases are compared with a question.
func (ix *Index) key(text string) string {
	ts := ix.analyzerFor(text).Analyze([]byte(text))
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = string(t.Term)
	}
	return strings.Join(parts, " ")
}

// synonymTable maps the key of a term to the terms that may stand for it.
type synonymTable struct {
	alts map[string][]string // key → alternatives as written (lower case), itself excluded
	// forms are, for the key of a one-word term, the terms as written that have it
	// (folded, see foldWord): a word of a question stands for its synonyms only when it is
	// one of them, so that "bomb" is not "bombing" nor "using" "US", though the analyzer
	// gives them one stem.
	forms map[string]map[string]bool
}

// foldWord is a word as a synonym rule's term is compared with a question's: lower case,
// without dots, a possessive or a plural "s" ("U.S." is "us", "strikes" is "strike").
func foldWord(w string) string {
	w = strings.ToLower(strings.ReplaceAll(w, ".", ""))
	w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
	if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		w = w[:len(w)-1]
	}
	return w
}

// wordHas tells whether a question's word, as written, is one of the terms of the rules
// that gave key its synonyms.
func (st *synonymTable) wordHas(key, word string) bool { return st.forms[key][foldWord(word)] }

// newSynonymTable reads the corpus's synonym rules. Equivalent terms stand for each other;
// "a => b" lets a question's a also search for b.
func (ix *Index) newSynonymTable(rules []corpus.SynonymRule) *synonymTable {
	st := &synonymTable{alts: map[string][]string{}, forms: map[string]map[string]bool{}}
	add := func(from, to string) {
		k := ix.key(from)
		if k == "" || ix.key(to) == k {
			return
		}
		if !strings.Contains(k, " ") {
			if st.forms[k] == nil {
				st.forms[k] = map[string]bool{}
			}
			for _, w := range strings.Fields(from) { // "water down" is "water": "down" is a stop word
				if ix.key(w) != "" {
					st.forms[k][foldWord(w)] = true
				}
			}
		}
		for _, have := range st.alts[k] {
			if have == to {
				return
			}
		}
		st.alts[k] = append(st.alts[k], to)
	}
	for _, r := range rules {
		if len(r.Targets) == 0 {
			for _, a := range r.Terms {
				for _, b := range r.Terms {
					add(a, b)
				}
			}
			continue
		}
		for _, a := range r.Terms {
			for _, b := range r.Targets {
				add(a, b)
			}
		}
	}
	return st
}

// lookup returns the alternatives of a key.
func (st *synonymTable) lookup(key string) []string { return st.alts[key] }

// multiWordKeys are the keys of more than one word, sorted.
func (st *synonymTable) multiWordKeys() []string {
	var out []string
	for k := range st.alts {
		if strings.Contains(k, " ") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// phraseTable holds the multi-word terms of the corpus (glossary headings, synonyms):
// a question that contains one searches it as a phrase.
type phraseTable struct {
	keys     map[string]bool
	maxWords int
}

func newPhraseTable() *phraseTable { return &phraseTable{keys: map[string]bool{}} }

func (pt *phraseTable) add(key string) {
	n := len(strings.Fields(key))
	if n < 2 {
		return
	}
	pt.keys[key] = true
	if n > pt.maxWords {
		pt.maxWords = n
	}
}
