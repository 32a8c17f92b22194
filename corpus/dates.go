package corpus

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date known to the year, the month or the day: Month and Day are 0
// where they are not known. The zero Date is no date.
type Date struct {
	Year, Month, Day int
}

// The years a date may name: the standoff's, with room on both sides. A number outside
// them ("5060 centrifuges", "resolution 2231") is not read as a year.
const (
	MinYear = 1900
	MaxYear = 2099
)

// ParseDate reads a date written YYYY, YYYY-MM or YYYY-MM-DD, as dates are stored and
// shown in JSON; "" is the zero Date. A date that does not exist (31 February) or a
// year outside MinYear–MaxYear is an error.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	parts := strings.Split(s, "-")
	widths := []int{4, 2, 2}
	if len(parts) > len(widths) {
		return Date{}, fmt.Errorf("parse date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	var n [3]int
	for i, p := range parts {
		if len(p) != widths[i] || strings.Trim(p, "0123456789") != "" {
			return Date{}, fmt.Errorf("parse date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
		}
		n[i], _ = strconv.Atoi(p)
		if i > 0 && n[i] == 0 {
			return Date{}, fmt.Errorf("parse date %q: no such date", s)
		}
	}
	d, ok := makeDate(n[0], n[1], n[2])
	if !ok {
		return Date{}, fmt.Errorf("parse date %q: no such date", s)
	}
	return d, nil
}

// makeDate returns the date of year, month (0: unknown) and day (0: unknown) when it
// exists and its year is within MinYear–MaxYear.
func makeDate(year, month, day int) (Date, bool) {
	if year < MinYear || year > MaxYear || month < 0 || month > 12 || day < 0 || day > 31 || month == 0 && day != 0 {
		return Date{}, false
	}
	if day > 0 && time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Day() != day {
		return Date{}, false // 31 February rolls over into March
	}
	return Date{Year: year, Month: month, Day: day}, true
}

// DateOf returns the day of t, in t's location.
func DateOf(t time.Time) Date {
	return Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}
}

// IsZero reports whether d is no date.
func (d Date) IsZero() bool { return d.Year == 0 }

// String writes d as YYYY, YYYY-MM or YYYY-MM-DD; "" for the zero Date. Dates so
// written compare as strings: earlier first, and a year or a month before its days.
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Human writes d for a reader: "28 February 2026", "February 2026" or "2026".
func (d Date) Human() string {
	switch {
	case d.IsZero():
		return ""
	case d.Month == 0:
		return strconv.Itoa(d.Year)
	case d.Day == 0:
		return time.Month(d.Month).String() + " " + strconv.Itoa(d.Year)
	}
	return strconv.Itoa(d.Day) + " " + time.Month(d.Month).String() + " " + strconv.Itoa(d.Year)
}

// First is the first day d covers, at midnight UTC.
func (d Date) First() time.Time {
	return time.Date(d.Year, time.Month(max(d.Month, 1)), max(d.Day, 1), 0, 0, 0, 0, time.UTC)
}

// Last is the last day d covers, at midnight UTC.
func (d Date) Last() time.Time {
	switch {
	case d.Month == 0:
		return time.Date(d.Year, time.December, 31, 0, 0, 0, 0, time.UTC)
	case d.Day == 0:
		return time.Date(d.Year, time.Month(d.Month)+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return d.First()
}

// Within reports whether every day of d is a day of o: 2026-02-28 is within 2026-02
// and 2026, 2026 is not within 2026-02.
func (d Date) Within(o Date) bool {
	if d.IsZero() || o.IsZero() {
		return false
	}
	return !d.First().Before(o.First()) && !d.Last().After(o.Last())
}

// HumanDate writes a date stored as YYYY, YYYY-MM or YYYY-MM-DD for a reader ("28
// February 2026"); a string that is not such a date is returned as it is.
func HumanDate(s string) string {
	d, err := ParseDate(s)
	if err != nil {
		return s
	}
	return d.Human()
}

// DateMention is a date written in a text, and where: text[Start:End].
type DateMention struct {
	Date       Date
	Start, End int
}

// monthNames are the spellings of the months a text may use, longest first, so that
// "June" is not read as "Jun" followed by "e".
const monthNames = `january|february|march|april|may|june|july|august|september|october|november|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec`

// datePatternText finds one date written in English, in the first group that applies:
// "28 February 2026" (also "28th of Feb. 2026", "13–24 June 2025"), "February 28, 2026"
// (also "Feb. 28 2026"), "February 2026", "2026-02-28" or "2026-02", a year alone.
const datePatternText = `(?i)` +
	`\b(?P<dmyd>\d{1,2})(?:st|nd|rd|th)?(?:\s*[–—-]\s*(?P<dmyd2>\d{1,2})(?:st|nd|rd|th)?)?\s+(?:of\s+)?(?P<dmym>` + monthNames + `)\.?,?\s+(?P<dmyy>\d{4})\b` +
	`|\b(?P<mdym>` + monthNames + `)\.?\s+(?P<mdyd>\d{1,2})(?:st|nd|rd|th)?(?:\s*[–—-]\s*(?P<mdyd2>\d{1,2})(?:st|nd|rd|th)?)?,?\s+(?P<mdyy>\d{4})\b` +
	`|\b(?P<mym>` + monthNames + `)\.?,?\s+(?P<myy>\d{4})\b` +
	`|\b(?P<isoy>\d{4})-(?P<isom>0[1-9]|1[0-2])(?:-(?P<isod>0[1-9]|[12]\d|3[01]))?\b` +
	`|\b(?P<y>\d{4})\b`

// The compiled date patterns: dateAnywhere finds dates in a text, dateAnchored only
// the one a text starts with (its groups are dateAnywhere's), asOfQualifier the words
// that may qualify the date after an "as of", rangeTail what may follow a
// leading date before its separator ("to 2022", "onwards", "(no exact date)").
var (
	dateAnywhere  = regexp.MustCompile(datePatternText)
	dateAnchored  = regexp.MustCompile(`^(?:` + datePatternText + `)`)
	asOfQualifier = regexp.MustCompile(`(?i)^\s+(?:(?:early|mid-?|late|(?:the\s+)?end\s+of|the\s+start\s+of|the\s+beginning\s+of)\s*)?`)
	rangeTail     = regexp.MustCompile(`(?i)^(?:\s*(?:[–—-]|to|until|through|and)\s*(?:` + datePatternText + `))?(?:\s+(?:onwards?|and after|and later))?(?:\s*\([^()]{0,120}\))?`)
)

// mentions turns the matches of one of the patterns, as FindAllStringSubmatchIndex
// gives them, into dates; a match that names no real date (31 February, year 3000)
// gives none. A day range ("13–24 June 2025") gives both of its days. The group
// indexes are the same in both patterns: the anchored one only wraps the other.
func mentions(text string, matches [][]int) []DateMention {
	var out []DateMention
	for _, loc := range matches {
		group := func(name string) string {
			i := dateAnywhere.SubexpIndex(name)
			if loc[2*i] < 0 {
				return ""
			}
			return text[loc[2*i]:loc[2*i+1]]
		}
		num := func(name string) int {
			n, err := strconv.Atoi(group(name))
			if err != nil {
				return 0
			}
			return n
		}
		var ds []Date
		add := func(y, mo, d int) {
			if date, ok := makeDate(y, mo, d); ok {
				ds = append(ds, date)
			}
		}
		switch {
		case group("dmyy") != "":
			mo := monthNumber(group("dmym"))
			add(num("dmyy"), mo, num("dmyd"))
			if group("dmyd2") != "" {
				add(num("dmyy"), mo, num("dmyd2"))
			}
		case group("mdyy") != "":
			mo := monthNumber(group("mdym"))
			add(num("mdyy"), mo, num("mdyd"))
			if group("mdyd2") != "" {
				add(num("mdyy"), mo, num("mdyd2"))
			}
		case group("myy") != "":
			add(num("myy"), monthNumber(group("mym")), 0)
		case group("isoy") != "":
			add(num("isoy"), num("isom"), num("isod"))
		default:
			add(num("y"), 0, 0)
		}
		for _, d := range ds {
			out = append(out, DateMention{Date: d, Start: loc[0], End: loc[1]})
		}
	}
	return out
}

// monthNumber is the number of a month's name or abbreviation, 0 when it is none.
func monthNumber(name string) int {
	name = strings.ToLower(name)
	for i := time.January; i <= time.December; i++ {
		if full := strings.ToLower(i.String()); name == full || len(name) >= 3 && strings.HasPrefix(full, name) {
			return int(i)
		}
	}
	return 0
}

// FindDates returns the dates written in text, in order: "28 February 2026",
// "February 28, 2026", "Feb. 28, 2026", "28 Feb 2026", "2026-02-28", "February 2026",
// "2026-02" and years alone. Spellings that name no real date ("31 February 2026", a
// year outside MinYear–MaxYear) are left out, and no part of them is read as a date.
//
// It finds what dateAnywhere.FindAllStringSubmatchIndex finds, ten times faster: every
// spelling starts at a word that opens with a digit or with the first three letters of
// a month (the pattern's \b and its ASCII \d), so the anchored pattern is tried there
// alone, from the left, each match's end the next place to look from.
func FindDates(text string) []DateMention {
	var locs [][]int
	for i := 0; i < len(text); i++ {
		if !dateMayStart(text, i) {
			continue
		}
		loc := dateAnchored.FindStringSubmatchIndex(text[i:])
		if loc == nil {
			continue
		}
		for k := range loc {
			if loc[k] >= 0 {
				loc[k] += i
			}
		}
		locs = append(locs, loc)
		i = loc[1] - 1 // a match is never empty
	}
	return mentions(text, locs)
}

// dateMayStart tells whether a date may be written from text[i]: a word begins there
// (the byte before is none of the pattern's word characters, ASCII letters, digits and
// _) with a digit or with the first three letters of a month, in any case.
func dateMayStart(text string, i int) bool {
	if i > 0 && regexpWordByte(text[i-1]) {
		return false
	}
	c := text[i]
	if '0' <= c && c <= '9' {
		return true
	}
	if len(text) < i+3 {
		return false
	}
	switch strings.ToLower(text[i : i+3]) {
	case "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec":
		return true
	}
	return false
}

// regexpWordByte tells whether c is a word character of the regexp package's \b: an
// ASCII letter, digit or underscore (a byte of a longer character is none).
func regexpWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// maxDatePhrase bounds how much text is read for one date where a date may start: the
// longest spelling ("13th – 24th of September, 2025") is far shorter.
const maxDatePhrase = 64

// dateAt reads the date that text starts with. bad is set when text starts with what is
// written as a date but names none ("31 February 2026"), and is that spelling.
func dateAt(text string) (d DateMention, bad string, ok bool) {
	if text == "" || !strings.ContainsRune("0123456789jfmasondJFMASOND", rune(text[0])) {
		return DateMention{}, "", false // no date starts so: spare the pattern
	}
	head := text[:min(len(text), maxDatePhrase)]
	loc := dateAnchored.FindStringSubmatchIndex(head)
	if loc == nil {
		return DateMention{}, "", false
	}
	ms := mentions(head, [][]int{loc})
	if len(ms) == 0 {
		return DateMention{}, head[loc[0]:loc[1]], false
	}
	return ms[0], "", true
}

// leadPrefixes are the words that may come before the date that opens a dated
// paragraph, lower case: "As of 17 May 2025, …", "In early 2022 …", "Late February
// 2026: …". "Since" and "from" are not among them: what holds since a date is dated by
// its document.
var leadPrefixes = []string{
	"as of ", "on ", "by ", "in ", "during ", "at the end of ", "the end of ", "end of ",
	"at the start of ", "the start of ", "start of ", "the beginning of ", "beginning of ",
	"early ", "mid-", "mid ", "late ", "spring ", "summer ", "autumn ", "fall ", "winter ",
	"around ", "about ", "circa ", "c. ",
}

// leadingDate reads the date that opens a dated paragraph or heading: "28 February
// 2026:", "2026-02-28 —", "Early 2022:", "2019 onwards:", "As of 17 May 2025, …", "In
// 2025 the agency …". A date written alone must be followed by a colon, a dash or a
// comma (or end the text), so that "2015 limits" is not a date; after a word such as
// "as of", "in" or "early" it need not. bad is set when the text opens with a date that
// does not exist.
func leadingDate(text string) (d Date, bad string, ok bool) {
	rest := strings.TrimLeft(text, " \t*_(")
	prefixed := false
	for again := true; again; {
		again = false
		for _, p := range leadPrefixes {
			if len(rest) >= len(p) && strings.EqualFold(rest[:len(p)], p) {
				rest = strings.TrimLeft(rest[len(p):], " \t")
				prefixed, again = true, true
				break
			}
		}
	}
	at, bad, ok := dateAt(rest)
	if !ok {
		return Date{}, bad, false
	}
	if prefixed {
		return at.Date, "", true
	}
	tail := rest[at.End:]
	tail = tail[len(rangeTail.FindString(tail[:min(len(tail), 3*maxDatePhrase)])):]
	tail = strings.TrimLeft(tail, " \t*_")
	switch {
	case tail == "",
		strings.HasPrefix(tail, ":"), strings.HasPrefix(tail, "—"), strings.HasPrefix(tail, "–"),
		strings.HasPrefix(tail, "- "), strings.HasPrefix(tail, ","), strings.HasPrefix(tail, ")"):
		return at.Date, "", true
	}
	return Date{}, "", false
}

// asOfDate is the latest date a text gives a figure "as of" ("as of 17 May 2025",
// "as of late February 2026"), and whether it gives one.
func asOfDate(text string) (Date, bool) {
	var best Date
	// "as of" is found by hand: a case-insensitive regular expression over a whole
	// document reads it several times slower than this loop.
	for i := 0; i+len("as of ") <= len(text); i++ {
		if text[i]|0x20 != 'a' || !strings.EqualFold(text[i:i+len("as of")], "as of") ||
			i > 0 && isWordByte(text[i-1]) {
			continue
		}
		rest := text[i+len("as of"):]
		q := asOfQualifier.FindString(rest[:min(len(rest), maxDatePhrase)])
		if q == "" {
			continue // "as offered": no space after "as of"
		}
		if at, _, ok := dateAt(rest[len(q):]); ok && at.Date.String() > best.String() {
			best = at.Date
		}
	}
	return best, !best.IsZero()
}

// isWordByte tells whether b is an ASCII letter or digit, or part of a longer
// character (a letter of another script, most often).
func isWordByte(b byte) bool {
	return 'a' <= b|0x20 && b|0x20 <= 'z' || '0' <= b && b <= '9' || b >= 0x80
}

// dateParagraphs gives each paragraph of doc its own date, where it has one: the date
// that opens it, else the latest "as of" date in it, else the date that opens its
// section's heading. A paragraph that opens with a date that does not exist is left
// undated, with a warning.
func dateParagraphs(r *reading, doc *Document) {
	headings := map[string]Date{}
	for i := range doc.Paragraphs {
		p := &doc.Paragraphs[i]
		if r.done(1 + len(p.Text)/64) {
			return
		}
		d, bad, ok := leadingDate(p.Text)
		if bad != "" {
			doc.Warnings = append(doc.Warnings, Problem{Line: p.Line, Reason: fmt.Sprintf("%q is not a date: the paragraph takes its document's date", bad)})
		}
		if !ok {
			d, ok = asOfDate(p.Text)
		}
		if !ok && p.Section != "" {
			h, seen := headings[p.Section]
			if !seen {
				h, _, _ = leadingDate(p.Section)
				headings[p.Section] = h
			}
			d, ok = h, !h.IsZero()
		}
		if ok {
			p.Date = d.String()
		}
	}
}
