package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/neurosnap/sentences"
	"github.com/neurosnap/sentences/english"
)

// Splitter splits text into sentences. It wraps the pretrained English Punkt model of
// github.com/neurosnap/sentences and corrects its known misses: a sentence never ends on
// a common abbreviation ("Dr.", "U.S.", "No.", "e.g.", "Jan.") nor before a word in lower
// case; a figure that ends a sentence ("in 2018. Iran …") does end it, and so does a
// quotation followed by another ("“It is over.” “Is it?”"). An ellipsis is not taken for
// the end of a sentence.
//
// Building a Splitter loads the model, which takes about 10 ms and 3 MB; build one and
// reuse it. A Splitter is safe for concurrent use.
type Splitter struct {
	tok *sentences.DefaultSentenceTokenizer // nil: the model could not be loaded
}

// NewSplitter builds a Splitter. Should the embedded model ever fail to load, the Splitter
// still works, from the rules alone (the model's breaks are then missing, and only the
// corrections above split the text).
func NewSplitter() *Splitter {
	tok, err := english.NewSentenceTokenizer(nil)
	if err != nil {
		return &Splitter{}
	}
	return &Splitter{tok: tok}
}

// Split returns the sentences of text, each trimmed of surrounding white space. Joined
// with the white space that separates them in text, they reproduce text exactly.
func (s *Splitter) Split(text string) []string {
	spans := s.spans(text)
	out := make([]string, len(spans))
	for i, sp := range spans {
		out[i] = text[sp.start:sp.end]
	}
	return out
}

// Spans returns where the sentences of text stand in it, in order, as byte offsets
// [start, end): the sentences Split returns, without their text.
func (s *Splitter) Spans(text string) [][2]int {
	spans := s.spans(text)
	out := make([][2]int, len(spans))
	for i, sp := range spans {
		out[i] = [2]int{sp.start, sp.end}
	}
	return out
}

// span is a sentence of a text: text[start:end], without surrounding white space.
type span struct{ start, end int }

// spans returns the sentences of text as byte ranges, in order. Only white space lies
// between two consecutive spans, and before the first and after the last.
func (s *Splitter) spans(text string) []span {
	var cuts []int // byte offsets where a sentence ends (exclusive), in order
	if s.tok != nil {
		for _, sen := range s.tok.Tokenize(text) {
			if sen.End > 0 && sen.End < len(text) {
				cuts = append(cuts, sen.End)
			}
		}
	}
	spans := trimmedSpans(text, cuts)
	if spans == nil {
		return nil
	}
	spans = splitMissedEnds(text, spans)
	return mergeFalseEnds(text, spans)
}

// trimmedSpans cuts text at the given offsets and trims white space off every piece,
// dropping pieces that are only white space. Offsets that are not increasing or do not
// fall on a character boundary are ignored, so the result always covers the text.
func trimmedSpans(text string, cuts []int) []span {
	var out []span
	start := 0
	add := func(end int) {
		piece := text[start:end]
		lead := len(piece) - len(strings.TrimLeftFunc(piece, unicode.IsSpace))
		trail := len(piece) - len(strings.TrimRightFunc(piece, unicode.IsSpace))
		if lead < len(piece) {
			out = append(out, span{start + lead, end - trail})
		}
		start = end
	}
	for _, c := range cuts {
		if c <= start || c >= len(text) || !utf8.RuneStart(text[c]) {
			continue
		}
		add(c)
	}
	add(len(text))
	return out
}

// splitMissedEnds splits a sentence where the Punkt model missed a break: after a figure
// followed by a full stop ("… withdrew in 2018. Iran …"), or after a quotation that ends
// a sentence when another quotation follows ("… “It is over.” “Is it?” …"), in both cases
// when the next word begins with a capital. A figure that opens the sentence (a list
// number such as "1. The first") does not count.
func splitMissedEnds(text string, spans []span) []span {
	var out []span
	for _, sp := range spans {
		start := sp.start
		words := wordSpans(text, sp)
		for i := 0; i+1 < len(words); i++ {
			w := text[words[i].start:words[i].end]
			next := text[words[i+1].start:words[i+1].end]
			ends := (i > 0 && endsWithFigure(w)) || (endsWithQuotedEnd(w) && startsWithQuote(next))
			if !ends || !startsSentence(next) {
				continue
			}
			out = append(out, span{start, words[i].end})
			start = words[i+1].start
		}
		out = append(out, span{start, sp.end})
	}
	return out
}

// endsWithQuotedEnd reports whether word ends with a full stop, question or exclamation
// mark inside closing quotes: `over.”`, `it?"`.
func endsWithQuotedEnd(word string) bool {
	w := strings.TrimRight(word, `"'”’»`)
	return len(w) < len(word) && strings.ContainsAny(w[max(len(w)-1, 0):], ".?!")
}

// startsWithQuote reports whether word begins with an opening quote.
func startsWithQuote(word string) bool {
	r, _ := utf8.DecodeRuneInString(word)
	return strings.ContainsRune(`"'“‘«`, r)
}

// endsWithFigure reports whether word is a number followed by a full stop: "2018.",
// "3.67%.", "1,000.".
func endsWithFigure(word string) bool {
	w, ok := strings.CutSuffix(word, ".")
	if !ok || w == "" {
		return false
	}
	w = strings.TrimSuffix(w, "%")
	if w == "" || w[0] < '0' || w[0] > '9' {
		return false
	}
	for _, r := range w {
		if (r < '0' || r > '9') && r != ',' && r != '.' {
			return false
		}
	}
	return true
}

// startsSentence reports whether word can open a sentence: an upper-case letter, perhaps
// after opening quotes or brackets.
func startsSentence(word string) bool {
	for _, r := range word {
		switch {
		case strings.ContainsRune(`"'“‘«([`, r):
			continue
		case unicode.IsUpper(r):
			return true
		default:
			return false
		}
	}
	return false
}

// mergeFalseEnds joins a sentence to the next when it ends on an abbreviation, or when
// the next begins with a lower-case letter (a sentence does not).
func mergeFalseEnds(text string, spans []span) []span {
	out := spans[:1:1]
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if endsWithAbbreviation(text[last.start:last.end]) || startsLower(text[sp.start:sp.end]) {
			last.end = sp.end
			continue
		}
		out = append(out, sp)
	}
	return out
}

// endsWithAbbreviation reports whether the last word of sentence is an abbreviation that
// never ends a sentence in the corpus's prose: titles, months, "No.", "e.g.", "U.S." and
// the like.
func endsWithAbbreviation(sentence string) bool {
	word := sentence[strings.LastIndexFunc(sentence, unicode.IsSpace)+1:]
	switch strings.ToLower(strings.TrimLeft(word, `"'“‘«([`)) {
	case "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "gen.", "lt.", "col.", "capt.", "adm.",
		"sgt.", "maj.", "sen.", "rep.", "gov.", "pres.", "amb.", "hon.", "rev.", "messrs.",
		"jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.",
		"nov.", "dec.",
		"no.", "nos.", "art.", "fig.", "figs.", "para.", "sec.", "vol.", "p.", "pp.", "ch.",
		"e.g.", "i.e.", "cf.", "vs.", "approx.", "ca.", "incl.", "est.",
		"u.s.", "u.k.", "u.n.", "e.u.":
		return true
	}
	return false
}

// startsLower reports whether sentence begins with a lower-case letter, perhaps after
// opening quotes or brackets.
func startsLower(sentence string) bool {
	for _, r := range sentence {
		switch {
		case strings.ContainsRune(`"'“‘«([`, r):
			continue
		default:
			return unicode.IsLower(r)
		}
	}
	return false
}

// wordSpans returns the white-space separated words of text[sp.start:sp.end].
func wordSpans(text string, sp span) []span {
	var words []span
	start := -1
	for i, r := range text[sp.start:sp.end] {
		i += sp.start
		if unicode.IsSpace(r) {
			if start >= 0 {
				words = append(words, span{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		words = append(words, span{start, sp.end})
	}
	return words
}
