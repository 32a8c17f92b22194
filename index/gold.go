package index

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// A gold alternative of a question file is a phrase the passage contains, or a fact set,
// "fact: TOKEN; TOKEN; …", whose every token the passage must hold: a date (YYYY,
// YYYY-MM or YYYY-MM-DD) in any English spelling or as the passage's own date, a figure
// (it starts with a digit, a sign or a currency: "440.9 kg", "60%", "1,044", "$2
// billion") with any digit grouping and its unit spelled loosely, or a name or phrase.
// Fact gold survives a rewording of the corpus; phrase gold does not.

// factPrefix opens a fact set.
const factPrefix = "fact:"

// goldAlt is one alternative of a question's gold: a phrase, or a fact set.
type goldAlt struct {
	phrase string      // compared as normalizeForCompare leaves it
	facts  []factToken // set for a fact set
}

// factToken is one fact a passage must hold.
type factToken struct {
	date   corpus.Date // a date token
	figure *figure     // a figure token
	phrase string      // a name or phrase, as normalizeForCompare leaves it
}

// figure is a number with its unit, as a figure token or a text gives it.
type figure struct {
	number   string // digits, grouping removed: "1044", "440.9"
	unit     string // canonical unit: "kg", "%", "billion"; "" when none
	currency string // "$", "€" or "£" when written
}

// parseGold reads one alternative of a gold column.
func parseGold(s string) (goldAlt, error) {
	s = strings.TrimSpace(s)
	if len(s) < len(factPrefix) || !strings.EqualFold(s[:len(factPrefix)], factPrefix) {
		return goldAlt{phrase: normalizeForCompare(s)}, nil
	}
	var a goldAlt
	for _, t := range strings.Split(s[len(factPrefix):], ";") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		tok, err := parseFactToken(t)
		if err != nil {
			return goldAlt{}, err
		}
		a.facts = append(a.facts, tok)
	}
	if len(a.facts) == 0 {
		return goldAlt{}, errors.New("fact: names no fact")
	}
	return a, nil
}

// dateTokenPattern is the shape of a date token.
var dateTokenPattern = regexp.MustCompile(`^\d{4}(?:-\d{2}(?:-\d{2})?)?$`)

// parseFactToken reads one token of a fact set.
func parseFactToken(t string) (factToken, error) {
	if dateTokenPattern.MatchString(t) {
		d, err := corpus.ParseDate(t)
		if err == nil {
			return factToken{date: d}, nil
		}
		if len(t) > 4 { // "2026-02-31"; a number such as "1044" is a figure
			return factToken{}, fmt.Errorf("fact %q: %w", t, err)
		}
	}
	if f, ok := readFigureToken(t); ok {
		return factToken{figure: &f}, nil
	}
	if startsFigure(t) {
		return factToken{}, fmt.Errorf("fact %q: not a figure: want a number, then its unit", t)
	}
	p := normalizeForCompare(t)
	if p == "" {
		return factToken{}, fmt.Errorf("fact %q: holds no letter or digit", t)
	}
	return factToken{phrase: p}, nil
}

// startsFigure tells whether a token is meant as a figure: it starts with a digit, a
// sign or a currency.
func startsFigure(t string) bool {
	return t != "" && strings.ContainsAny(t[:1], "0123456789+-$~") || strings.HasPrefix(t, "€") || strings.HasPrefix(t, "£") || strings.HasPrefix(t, "−")
}

// figurePattern finds a number in a text with the currency and the words after it: a
// number with or without digit grouping, then up to two words or a percent sign.
var figurePattern = regexp.MustCompile(`(?i)(?P<cur>[$€£])?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<unit>\s?%|(?:[\s-]+[\p{L}]+){0,2})`)

// figureTokenPattern is the shape of a figure token: sign or currency, number, unit.
var figureTokenPattern = regexp.MustCompile(`^[+\-−~≈]?\s*(?P<cur>[$€£])?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>.*)$`)

// readFigureToken reads a figure token: "440.9 kg", "60%", "1,044", "$2 billion".
func readFigureToken(t string) (figure, bool) {
	m := figureTokenPattern.FindStringSubmatch(t)
	if m == nil {
		return figure{}, false
	}
	f := figure{number: plainNumber(m[figureTokenPattern.SubexpIndex("num")]), currency: m[figureTokenPattern.SubexpIndex("cur")]}
	if u := strings.TrimSpace(m[figureTokenPattern.SubexpIndex("unit")]); u != "" {
		f.unit = canonicalUnit(strings.Fields(strings.ToLower(u)))
		if f.unit == "" {
			return figure{}, false
		}
	}
	return f, true
}

// plainNumber drops the digit grouping of a number and the zeros that end its decimals:
// "1,044" and "1044" are one number, "440.90" and "440.9" too.
func plainNumber(s string) string {
	s = strings.ReplaceAll(s, ",", "")
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// unitNames are the spellings of a unit that figures use, by canonical unit.
var unitNames = map[string][]string{
	"%":        {"%", "percent", "per cent", "pc", "pct"},
	"kg":       {"kg", "kgs", "kilogram", "kilograms", "kilo", "kilos", "kilogramme", "kilogrammes"},
	"t":        {"t", "tonne", "tonnes", "ton", "tons", "metric tons"},
	"km":       {"km", "kilometre", "kilometres", "kilometer", "kilometers"},
	"m":        {"m", "metre", "metres", "meter", "meters"},
	"ft":       {"ft", "foot", "feet"},
	"mw":       {"mw", "megawatt", "megawatts"},
	"billion":  {"billion", "bn", "b"},
	"million":  {"million", "mn", "mln"},
	"swu":      {"swu", "swus", "separative work units"},
	"days":     {"day", "days"},
	"months":   {"month", "months"},
	"years":    {"year", "years"},
	"weeks":    {"week", "weeks"},
	"hours":    {"hour", "hours"},
	"dollars":  {"dollar", "dollars", "usd"},
	"euros":    {"euro", "euros", "eur"},
	"pounds":   {"pound", "pounds"},
	"miles":    {"mile", "miles"},
	"machines": {"machine", "machines"},
}

// canonicalUnit is the canonical name of the unit the words start with, "" when they
// start with none: a unit it does not know is its own name, without a final "s".
func canonicalUnit(words []string) string {
	if len(words) == 0 {
		return ""
	}
	for canon, names := range unitNames {
		for _, n := range names {
			nw := strings.Fields(n)
			if len(nw) <= len(words) && strings.Join(words[:len(nw)], " ") == n {
				return canon
			}
		}
	}
	w := strings.TrimFunc(words[0], func(r rune) bool { return !isLetterOrDigit(r) && r != '%' })
	return strings.TrimSuffix(w, "s")
}

// figuresIn returns the figures of a text, each with the unit of the words after it.
func figuresIn(text string) []figure {
	var out []figure
	num, cur, unit := figurePattern.SubexpIndex("num"), figurePattern.SubexpIndex("cur"), figurePattern.SubexpIndex("unit")
	for _, loc := range figurePattern.FindAllStringSubmatchIndex(text, -1) {
		start, end := loc[2*num], loc[2*num+1]
		if before, _ := utf8.DecodeLastRuneInString(text[:start]); start > 0 && (isLetterOrDigit(before) || before == '.' || before == ',' && start > 1 && isDigit(text[start-2])) {
			continue // the tail of a longer number or of a word ("IR-6", "U-235" are kept)
		}
		if end < len(text) && (isDigit(text[end]) || text[end] == '.' && end+1 < len(text) && isDigit(text[end+1])) {
			continue
		}
		f := figure{number: plainNumber(text[start:end])}
		if loc[2*cur] >= 0 {
			f.currency = text[loc[2*cur]:loc[2*cur+1]]
		}
		if loc[2*unit] >= 0 {
			words := strings.FieldsFunc(strings.ToLower(text[loc[2*unit]:loc[2*unit+1]]), func(r rune) bool { return r == ' ' || r == '-' || r == '\u00a0' })
			f.unit = canonicalUnit(words)
			if f.currency == "" && len(words) > 1 && canonicalUnit(words[1:]) == "dollars" {
				f.currency = "$"
			}
		}
		out = append(out, f)
	}
	return out
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// matches tells whether a passage holds the figure: the same number, with the same unit
// when the token names one, and the same currency when it names one.
func (f figure) matches(text []figure) bool {
	for _, g := range text {
		if g.number != f.number {
			continue
		}
		if f.unit != "" && g.unit != f.unit {
			continue
		}
		if f.currency != "" && g.currency != f.currency && !(f.currency == "$" && g.unit == "dollars") {
			continue
		}
		return true
	}
	return false
}

// passageFacts is what the fact tokens are matched against in one passage, read once.
type passageFacts struct {
	text    string // normalizeForCompare of the text
	dates   []corpus.DateMention
	figures []figure
	own     corpus.Date // the passage's own date; zero when its date is its document's
}

// readFacts reads a result's text for matching gold.
func readFacts(r standoff.Result) passageFacts {
	pf := passageFacts{text: normalizeForCompare(r.Text), dates: corpus.FindDates(r.Text), figures: figuresIn(r.Text)}
	if r.DateOwn {
		pf.own, _ = corpus.ParseDate(r.Date)
	}
	return pf
}

// matches tells whether a passage holds the alternative: its phrase, or every token of
// its fact set.
func (a goldAlt) matches(pf passageFacts) bool {
	if a.facts == nil {
		return a.phrase != "" && strings.Contains(pf.text, a.phrase)
	}
	for _, t := range a.facts {
		if !t.matches(pf) {
			return false
		}
	}
	return true
}

// matches tells whether a passage holds one fact.
func (t factToken) matches(pf passageFacts) bool {
	switch {
	case !t.date.IsZero():
		if pf.own.Within(t.date) {
			return true
		}
		for _, m := range pf.dates {
			if m.Date.Within(t.date) {
				return true
			}
		}
		return false
	case t.figure != nil:
		return t.figure.matches(pf.figures)
	}
	return strings.Contains(pf.text, t.phrase)
}
