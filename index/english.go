package index

import (
	_ "embed"
	"strings"
)

// english-words.txt is the lower-case words of four letters or more of SCOWL's American
// English list (Debian's wamerican package, /usr/share/dict/american-english), one a line,
// sorted: a word of a question found there is spelled correctly, and is never "corrected"
// to a term of the corpus ("weather" is not "water", "leading" not "leaving"). Its
// licence is english-words.LICENSE. To regenerate it, with wamerican installed:
//
//go:generate sh -c "LC_ALL=C grep -E '^[a-z]{4,}$' /usr/share/dict/american-english | LC_ALL=C sort -u > english-words.txt"
//go:embed english-words.txt
var englishWordsText string

// inSortedLines tells whether w is one of the lines of list, a text of lines sorted in
// byte order, each ended by a newline: a binary search of the text itself, so that a
// word list is looked up without a set built in memory.
func inSortedLines(list, w string) bool {
	lo, hi := 0, len(list) // lo and hi are at the start of a line (or the text's end)
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := lo + strings.LastIndexByte(list[lo:mid], '\n') + 1
		end := len(list)
		if i := strings.IndexByte(list[start:], '\n'); i >= 0 {
			end = start + i
		}
		switch line := list[start:end]; {
		case line == w:
			return true
		case line < w:
			lo = end + 1
		default:
			hi = start
		}
	}
	return false
}

// sameWord tells whether two analysed terms are forms of one word: one holds the other
// with a prefix ("ease", "unease") or a suffix ("congress", "congression"), or they differ
// only in their last letter or two ("uneasi", "uneas").
func sameWord(a, b string) bool {
	if strings.HasSuffix(a, b) || strings.HasSuffix(b, a) {
		return true
	}
	if short, long := min(a, b), max(a, b); len(short) >= 5 && strings.HasPrefix(long, short) {
		return true // "congress", "congression"
	}
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	// "uneasi", "uneas"; but "statu" (status) is not "state", a word of its own.
	return n >= 4 && n >= max(len(a), len(b))-2 && (n == len(a) || n == len(b) || n >= 5)
}

// isEnglishWord tells whether a word, as a question writes it, is a correctly spelled
// English word: lower-cased, with a possessive "'s" dropped.
func isEnglishWord(w string) bool {
	w = strings.TrimSuffix(strings.ToLower(w), "'s")
	return inSortedLines(englishWordsText, w)
}

// countryWords are the names of countries that the English list also has as common
// nouns ("china", "turkey"): a question naming one, lower case, names the country.
var countryWords = map[string]bool{
	"chad": true, "chile": true, "china": true, "guinea": true, "japan": true,
	"morocco": true, "turkey": true,
}

// isStrangerCandidate tells whether a word of a question, as written, may be a name of
// something else than the corpus's story: a word of four letters or more that is not an
// English word, or a country's name ("japan") that the English list has as a noun.
func isStrangerCandidate(w string) bool {
	if len(w) < 4 {
		return false
	}
	return !isEnglishWord(w) || countryWords[strings.TrimSuffix(strings.ToLower(w), "'s")]
}
