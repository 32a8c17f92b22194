package index

import (
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// span is a byte range of a passage's text.
type span struct{ start, end int }

// matchInfo says which concepts of a question a passage holds and where in its text.
type matchInfo struct {
	weight  float64     // idf of the matched word concepts, in text, section or title
	words   int         // how many word concepts matched
	spans   []span      // matched terms and phrases in the text
	concept map[int]int // span start → index of the concept found there
	worth   []float64   // per concept: what finding it in a sentence is worth
	found   []bool      // per concept: found in the text, the section or the title
	// lexical is set, per concept, when it was found only as a word of the lexicon.
	lexical []bool
}

// matchPassage finds the concepts of p in the passage at position i, from its tokens
// (analysed as the index analyses it, when the index was built). A word counts as found
// where the multi-word term it belongs to is found.
func (ix *Index) matchPassage(p plan, i int) (mi matchInfo) {
	ix.passages.withAnalysed(i, func(ps corpus.Passage, toks passageTokens) { mi = p.match(ps, toks) })
	return mi
}

// match finds the concepts of p in passage ps, of tokens toks (see matchPassage).
func (p plan) match(ps corpus.Passage, toks passageTokens) matchInfo {
	text, meta := toks.text, toks.meta
	mi := matchInfo{concept: map[int]int{}, worth: make([]float64, len(p.concepts))}
	found := make([]bool, len(p.concepts))
	strong := make([]bool, len(p.concepts)) // found as something else than a lexicon word
	foundKey := map[string]bool{}
	for i, c := range p.concepts {
		if c.date {
			found[i] = ps.Kind == corpus.KindTimeline || hasYear(ps.Text)
			continue
		}
		for _, a := range c.alts {
			terms := strings.Fields(a.key)
			hit := false
			for _, sp := range findTerms(text, terms) {
				if c.percent && !percentAfter.MatchString(ps.Text[sp.end:]) {
					continue // "60%" asked, "60-day" written
				}
				mi.spans = append(mi.spans, sp)
				if _, ok := mi.concept[sp.start]; !ok { // a term ("12-day war") before its words
					mi.concept[sp.start] = i
				}
				hit = true
			}
			hit = hit || len(findTerms(meta, terms)) > 0
			found[i] = found[i] || hit
			strong[i] = strong[i] || hit && !a.lexical
		}
		if found[i] && len(c.alts) > 0 {
			foundKey[c.alts[0].key] = true
		}
	}
	for i, c := range p.concepts {
		if c.quoted || c.isPhrase() {
			continue
		}
		if !found[i] && c.parent != "" && foundKey[c.parent] {
			found[i], strong[i] = true, true
		}
		if found[i] {
			mi.weight += c.idf
			mi.words++
		}
	}
	mi.found = found
	mi.lexical = make([]bool, len(found))
	for i := range found {
		mi.lexical[i] = found[i] && !strong[i] && !p.concepts[i].date
	}
	// A phrase is worth the words it holds; a word, its own weight.
	for i, c := range p.concepts {
		mi.worth[i] += c.idf
		if c.parent == "" {
			continue
		}
		for j, ph := range p.concepts {
			if ph.isPhrase() && len(ph.alts) > 0 && ph.alts[0].key == c.parent {
				mi.worth[j] += c.idf
			}
		}
	}
	return mi
}

// findTerms returns the spans where the analysed terms occur in order, each one at most
// two positions after the one before (stop words leave gaps).
func findTerms(tokens []token, terms []string) []span {
	if len(terms) == 0 {
		return nil
	}
	var out []span
	for i, t := range tokens {
		if t.term != terms[0] {
			continue
		}
		end, pos, j := t.end, t.pos, i+1
		ok := true
		for _, want := range terms[1:] {
			for j < len(tokens) && tokens[j].term != want && tokens[j].pos-pos <= 2 {
				j++
			}
			if j >= len(tokens) || tokens[j].term != want || tokens[j].pos-pos > 2 {
				ok = false
				break
			}
			end, pos = tokens[j].end, tokens[j].pos
			j++
		}
		if ok {
			out = append(out, span{t.start, end})
		}
	}
	return out
}

// highlight wraps the spans of text, sorted and apart, in "**" and leaves every other
// character as it is: the JSON answer's highlighted text.
func highlight(text string, spans []standoff.Span) string {
	var b strings.Builder
	last := 0
	for _, s := range spans {
		b.WriteString(text[last:s.Start])
		b.WriteString("**")
		b.WriteString(text[s.Start:s.End])
		b.WriteString("**")
		last = s.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// mergeSpans sorts spans and merges those that overlap or touch across white space.
func mergeSpans(text string, spans []span) []span {
	s := append([]span(nil), spans...)
	sort.Slice(s, func(i, j int) bool { return s[i].start < s[j].start })
	out := []span{s[0]}
	for _, sp := range s[1:] {
		last := &out[len(out)-1]
		if sp.start <= last.end || strings.TrimSpace(text[last.end:sp.start]) == "" {
			last.end = max(last.end, sp.end)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// sentences returns where the sentences of a passage's text stand in it, in order.
func (ix *Index) sentences(text string) []span {
	spans := ix.splitter().Spans(text)
	out := make([]span, len(spans))
	for i, sp := range spans {
		out[i] = span{sp[0], sp[1]}
	}
	return out
}

// bestSentence is the sentence of sentences (of the passage's text) holding the heaviest
// set of distinct matched concepts; the first sentence when none holds any, the whole
// text (trimmed) when it has no sentence. A sentence that holds a span of preferred weighs
// preferredWorth times more.
func bestSentence(text string, sentences []span, mi matchInfo, preferred []span) span {
	if len(sentences) == 0 {
		trimmed := strings.TrimSpace(text)
		k := strings.Index(text, trimmed)
		return span{k, k + len(trimmed)}
	}
	best, bestScore := sentences[0], 0.0
	for _, sent := range sentences {
		if isCitation(text[sent.start:sent.end]) {
			continue
		}
		got := map[int]bool{}
		score := 0.0
		for _, sp := range mi.spans {
			if sp.start >= sent.start && sp.end <= sent.end {
				c := mi.concept[sp.start]
				if !got[c] {
					got[c] = true
					score += mi.worth[c] + 0.1
				}
			}
		}
		if score > 0 && slices.ContainsFunc(preferred, func(sp span) bool { return sp.start >= sent.start && sp.end <= sent.end }) {
			score *= preferredWorth
		}
		if score > bestScore {
			best, bestScore = sent, score
		}
	}
	return best
}

// preferredWorth is what holding a preferred span multiplies a sentence's worth by in
// bestSentence: it decides between sentences that hold about as much of the question
// ("who is iran's supreme leader now": the one saying who, as of when, not the definition
// that also says "Iran's").
const preferredWorth = 1.25

// toAnswer returns spans as the answer's byte ranges; nil when there are none.
func toAnswer(spans []span) []standoff.Span {
	if len(spans) == 0 {
		return nil
	}
	out := make([]standoff.Span, len(spans))
	for i, sp := range spans {
		out[i] = standoff.Span{Start: sp.start, End: sp.end}
	}
	return out
}

// answerSpans returns the spans of text sorted and merged as highlight shows them, as
// the answer's byte ranges; nil when there are none.
func answerSpans(text string, spans []span) []standoff.Span {
	if len(spans) == 0 {
		return nil
	}
	return toAnswer(mergeSpans(text, spans))
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
