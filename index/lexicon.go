package index

import (
	_ "embed"
	"strings"
	"sync"
)

// The lexicon gives a question's words the words of the corpus that mean the same in
// general English: "biggest" finds "largest", "truce" finds "ceasefire", "atomic" finds
// "nuclear". It is WordNet 3.0 (Princeton University; licence in wordnet/LICENSE)
// filtered to the words of the default corpus and of the domain's built-in synonyms by
// wordnet/gen, which says how; regenerate it with go generate after the corpus gains
// words. Only a word the corpus lacks is expanded. An expansion weighs weights.lexicon of
// a word's weight in the search and the re-rank; for the relevance floor the concept
// weighs as a word the corpus lacks, and a passage that holds it only through the lexicon
// does not hold it: the lexicon ranks passages, it does not make a question answered.

//go:generate go run ./wordnet/gen -wordnet /usr/share/wordnet -corpus ../corpus/default -out wordnet/lexicon.txt

//go:embed wordnet/lexicon.txt
var lexiconData string

// embeddedLexicon is the embedded lexicon, read once per process (a few milliseconds)
// and shared, read-only, by every index.
var embeddedLexicon = sync.OnceValue(func() lexicon { return parseLexicon(lexiconData) })

// lexicon maps an analysed word to the analysed words of the corpus that WordNet gives as
// its synonyms.
type lexicon map[string][]string

// parseLexicon reads the embedded lexicon: "word<TAB>alt alt…" a line, "#" comments.
func parseLexicon(data string) lexicon {
	lx := lexicon{}
	for line := range strings.SplitSeq(data, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		word, alts, ok := strings.Cut(line, "\t")
		if ok {
			lx[word] = strings.Fields(alts)
		}
	}
	return lx
}

// lexicalAlternatives are the lexicon's words for a term the corpus lacks that the corpus
// has and that are not an alternative already, weighing weights.lexicon. A word the
// corpus has is not expanded: it finds its passages itself (measured: expanding every
// word, or words rarer than their synonym, loses questions of questions.tsv).
func (ix *Index) lexicalAlternatives(term string, have []alternative) []alternative {
	w := ix.weights.lexicon
	if w <= 0 || ix.vocab.df[term] > 0 {
		return nil
	}
	var out []alternative
next:
	for _, alt := range ix.lexicon[term] {
		if ix.vocab.df[alt] == 0 {
			continue
		}
		for _, a := range append(have, out...) {
			if a.key == alt {
				continue next
			}
		}
		out = append(out, alternative{key: alt, text: alt, weight: w, lexical: true})
	}
	return out
}

// onlyLexical tells whether the corpus has a concept only as words of the lexicon.
func onlyLexical(c concept, v *vocabulary) bool {
	for _, a := range c.alts {
		if a.lexical {
			continue
		}
		known := true
		for _, t := range strings.Fields(a.key) {
			known = known && v.df[t] > 0
		}
		if known {
			return false
		}
	}
	return true
}
