package watch

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/standoff-bot/standoff/corpus"
)

// OnTopic is the relevance from which an article is proposed.
const OnTopic = 0.5

// iranWords name Iran, its state and its nuclear sites; nuclearWords the matter of the
// standoff. An article is about the standoff when it speaks of both.
var (
	iranWords = wordSet(`iran iran's iranian iranians tehran khamenei pezeshkian araghchi raisi rouhani zarif
		irgc aeoi fordow fordo natanz isfahan esfahan arak khondab bushehr parchin`)
	nuclearWords = wordSet(`nuclear enrichment enrich enriched enriching uranium centrifuge centrifuges iaea
		jcpoa npt safeguards inspector inspectors inspection inspections breakout stockpile heu leu
		plutonium reactor reactors warhead weapons-grade non-proliferation nonproliferation proliferation
		snapback atomic uf6 swu fordow fordo natanz sanctions e3 grossi`)
)

// wordSet makes a set of the space-separated words of s.
func wordSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(s) {
		out[w] = true
	}
	return out
}

// words returns the lower-case words of s, apostrophes and inner hyphens kept.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(strings.ReplaceAll(s, "’", "'")), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '-'
	})
}

// Names returns the names the corpus knows: words written with a capital inside a
// sentence (Fordow, Grossi, Witkoff, Muscat) in at least two of its passages, lower-cased,
// without the words that open sentences or that Iran's and the subject's lists hold.
func Names(c *corpus.Corpus) map[string]bool {
	count := map[string]int{}
	for _, d := range c.Documents {
		seen := map[string]bool{}
		for _, p := range d.Paragraphs {
			for _, w := range innerCapitals(p.Text) {
				if !seen[w] {
					seen[w] = true
					count[w]++
				}
			}
		}
	}
	out := map[string]bool{}
	for w, n := range count {
		if n >= 2 && len(w) >= 4 && !iranWords[w] && !nuclearWords[w] && !commonCapitals[w] {
			out[w] = true
		}
	}
	return out
}

// commonCapitals are capitalised words that name nothing of the standoff.
var commonCapitals = wordSet(`the this that these those there then when what which while with from into about
	after before since under over january february march april may june july august september october
	november december monday tuesday wednesday thursday friday saturday sunday state states united
	president minister ministry foreign secretary council security news agency report said says english`)

// innerCapitals returns, lower-cased, the words of text that start with a capital and do
// not open a sentence.
func innerCapitals(text string) []string {
	var out []string
	opens := true
	for _, f := range strings.Fields(text) {
		w := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) })
		r, _ := utf8.DecodeRuneInString(w)
		if w != "" && !opens && unicode.IsUpper(r) && strings.ToUpper(w) != w {
			out = append(out, strings.ToLower(w))
		}
		opens = strings.HasSuffix(f, ".") || strings.HasSuffix(f, "?") || strings.HasSuffix(f, "!") || strings.HasSuffix(f, ":")
	}
	return out
}

// Relevance judges how far a document is about the standoff, from 0 to 1, and says why:
// how often it names Iran (its state, people and sites), how many of the standoff's
// terms it uses (enrichment, IAEA, sanctions…), and how many names of the corpus it
// shares. A title counts three times.
func Relevance(d corpus.Document, names map[string]bool) (float64, string) {
	iran := 0
	nuclear := map[string]bool{}
	shared := map[string]bool{}
	count := func(text string, weight int) {
		for _, w := range words(text) {
			w = strings.TrimSuffix(w, "'s")
			if iranWords[w] {
				iran += weight
			}
			if nuclearWords[w] {
				nuclear[w] = true
			}
			if names[w] {
				shared[w] = true
			}
		}
	}
	count(d.Title, 3)
	for _, p := range d.Paragraphs {
		count(p.Text, 1)
	}
	score := 0.35*float64(min(iran, 3))/3 + 0.45*float64(min(len(nuclear), 4))/4 + 0.2*float64(min(len(shared), 5))/5
	if iran == 0 || len(nuclear) == 0 {
		score = min(score, 0.45) // one side of the standoff alone is not the standoff
	}
	why := fmt.Sprintf("names Iran %s; %s of the standoff's terms%s; %s of the corpus",
		times(iran), countOf(len(nuclear), "", "none"), examples(nuclear), countOf(len(shared), "name", "no name"))
	if len(shared) > 0 {
		why += examples(shared)
	}
	return float64(int(score*100+0.5)) / 100, why
}

// times words a count of mentions: "3 times", "once", "not at all".
func times(n int) string {
	switch n {
	case 0:
		return "not at all"
	case 1:
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

// countOf words n things: "3 names", "1 name", none.
func countOf(n int, noun, none string) string {
	if n == 0 {
		return none
	}
	if noun == "" {
		return fmt.Sprint(n)
	}
	return corpus.Plural(n, noun)
}

// examples lists up to four words of set, sorted: " (enrichment, iaea)".
func examples(set map[string]bool) string {
	if len(set) == 0 {
		return ""
	}
	var ws []string
	for w := range set {
		ws = append(ws, w)
	}
	slices.Sort(ws)
	if len(ws) > 4 {
		ws = append(ws[:4], "…")
	}
	return " (" + strings.Join(ws, ", ") + ")"
}
