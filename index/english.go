package index

import (
	_ "embed"
	"strings"
	"sync"
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

// englishWords is the set of englishWordsText's words, read on first use.
var englishWords = sync.OnceValue(func() map[string]bool {
	words := strings.Fields(englishWordsText)
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return set
})

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
	return englishWords()[w]
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
