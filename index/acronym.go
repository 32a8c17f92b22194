package index

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/standoff-bot/standoff/corpus"
)

// maxAcronymDefinitions bounds how many definitions are read, so that a huge corpus
// costs little.
const maxAcronymDefinitions = 200000

// learnAcronyms finds the acronyms that the passages define ("Comprehensive Safeguards
// Agreement (CSA)") and returns them as one-way synonym rules: a question's acronym also
// searches its long form (both ways, measured on SciFact, cost nDCG@10 0.690 -> 0.683,
// the long forms becoming phrases of the questions that spell them out). An acronym defined with different long forms is kept only when one of them
// makes two thirds of its definitions.
func learnAcronyms(passages []corpus.Passage) []corpus.SynonymRule {
	forms := map[string]map[string]int{} // acronym (lower case) → long form (lower case) → count
	seen := 0
	for _, p := range passages {
		for _, d := range acronymDefinitions(p.Text) {
			a, l := strings.ToLower(d[0]), strings.ToLower(d[1])
			if forms[a] == nil {
				forms[a] = map[string]int{}
			}
			forms[a][l]++
			seen++
		}
		if seen >= maxAcronymDefinitions {
			break
		}
	}
	acronyms := make([]string, 0, len(forms))
	for a := range forms {
		acronyms = append(acronyms, a)
	}
	sort.Strings(acronyms)
	var rules []corpus.SynonymRule
	for _, a := range acronyms {
		best, bestN, all := "", 0, 0
		for l, n := range forms[a] {
			all += n
			if n > bestN || n == bestN && l < best {
				best, bestN = l, n
			}
		}
		if 3*bestN >= 2*all {
			rules = append(rules, corpus.SynonymRule{Terms: []string{a}, Targets: []string{best}})
		}
	}
	return rules
}

// acronymDefinitions finds the parenthesised acronyms of a text with the long forms the
// words before them give: "Nuclear Non-Proliferation Treaty (NPT)" gives NPT and
// "Non-Proliferation Treaty". An acronym is 2 to 10 letters, digits, "+" or "&", two of
// them capitals.
func acronymDefinitions(text string) [][2]string {
	var out [][2]string
	for i := 0; ; {
		open := strings.IndexByte(text[i:], '(')
		if open < 0 {
			return out
		}
		open += i
		i = open + 1
		end := strings.IndexByte(text[i:], ')')
		if end < 0 {
			return out
		}
		short := text[i : i+end]
		if !isAcronym(short) {
			continue
		}
		from := max(0, open-200)
		for from > 0 && !utf8.RuneStart(text[from]) {
			from++
		}
		if long := longForm(short, text[from:open]); long != "" {
			out = append(out, [2]string{short, long})
		}
	}
}

// isAcronym tells whether s may be an acronym: 2 to 10 letters, digits, "+" or "&", the
// first a letter, two capitals at least.
func isAcronym(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 10 || capitals(s) < 2 {
		return false
	}
	for i, r := range s {
		if i == 0 && !unicode.IsLetter(r) || !isLetterOrDigit(r) && r != '+' && r != '&' {
			return false
		}
	}
	return true
}

// capitals counts the upper-case letters of s.
func capitals(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n
}

// longForm finds the long form of an acronym at the end of the words before it, as
// Schwartz and Hearst do ("A simple algorithm for identifying abbreviation definitions
// in biomedical text", 2003): each letter or digit of the acronym, from the last, is found
// in the words going backwards, the first one at the start of a word. It returns the
// shortest such run of whole words, of at most min(len+5, 2×len) words, or "".
func longForm(short, before string) string {
	words := strings.Fields(before)
	n := utf8.RuneCountInString(short)
	if limit := min(n+5, 2*n); len(words) > limit {
		words = words[len(words)-limit:]
	}
	long := []rune(strings.Join(words, " "))
	s := []rune(strings.ToLower(short))
	l := len(long) - 1
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			continue
		}
		for l >= 0 && (unicode.ToLower(long[l]) != c || i == 0 && l > 0 && isLetterOrDigit(long[l-1])) {
			l--
		}
		if l < 0 {
			return ""
		}
		l--
	}
	start := l + 1
	for start > 0 && long[start-1] != ' ' {
		start--
	}
	out := strings.TrimSpace(string(long[start:]))
	if len(strings.Fields(out)) < 2 || strings.EqualFold(out, short) {
		return ""
	}
	return out
}
