package index

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// Questions about time. A question may ask about the present ("latest", "now",
// "currently", "still", "yet", "recent"), name a period ("this year", "last month",
// "in 2025", "June 2025", "since March"), or ask what happened ("what happened at
// Fordow"). Relative dates are read against today, which a Request may give and the
// index's clock gives otherwise.
//
// Among the passages that answer such a question, those dated in the period it names
// come first; for a question about the present, the newest first; for one about what
// happened, in date order (without a period, the latest events first, page by page;
// see order). A passage's own date ("28 February 2026: …") counts
// before one it inherits from a reference document (a glossary's or timeline's
// published date says when it was written, not when its facts happened). In a corpus
// that dates most of its passages, a question about the present is not answered from an
// undated passage; a question about a period read against today ("this year"), or one
// after the corpus's as-of date, is not answered from passages dated outside it. When
// the newest passage that answers a question about the present is older than
// standoff.StaleAfter, the answer says so.

// Limits and weights of the questions about time.
const (
	// timeDepth is how many passages of the ranking a question about time looks at:
	// the newest passage that answers may rank lower than the best.
	timeDepth = 40
	// timeExtra is how many more passages are fetched by date: the newest ones holding a
	// concept of the question, or those dated in its period.
	timeExtra = 20
	// timeListed is how many passages a question that names only a period ("what
	// happened last month") may list.
	timeListed = 50
	// datedShare is the share of its passages a corpus must date for an undated passage
	// not to answer a question about the present. In a corpus that keeps its facts
	// dated, as the default one does, an undated passage is the exception and says
	// nothing of now; in one that dates few (an archive of abstracts), it is the rule,
	// and says no less than the others.
	datedShare = 0.5
	// recentShare is how much of the question the best answering passage holds that
	// another must hold too (by coverage, see rerankCoverage) to be put before it for
	// being newer: a passage that merely mentions some of the question's words is not its
	// answer. Coverage, not bleve's score, is compared: a glossary entry whose heading
	// names the term scores many times higher than a timeline entry saying the same.
	recentShare = 0.75
)

// timeAsk is what a question asks about time.
type timeAsk struct {
	today   corpus.Date // the day it is read against
	present bool        // it asks how things stand now
	history bool        // it asks what happened ("what happened at Fordow"): events in date order
	period  *period     // the period it names; nil when none
	when    bool        // it asks when something happened ("when did the 2026 war start")
	// rest is the question without the words about time that are not searched ("latest",
	// "this year"); dates and months it names stay, as passages write them.
	rest string
}

// period is a span of days, both ends included.
type period struct {
	from, to time.Time
	// relative is set when the period is read against today ("this year", "last month",
	// "since June"): the question is about a time the corpus may not reach, and nothing
	// dated before it answers. "Since 2020" is not relative: it names its date.
	relative bool
}

// asks tells whether the question asks about time at all.
func (t timeAsk) asks() bool { return t.present || t.history || t.period != nil }

// toToday tells whether the period runs to today: a question about it asks, as one about
// the present does, what the corpus knows of the latest events. One that asks when
// something happened in it ("when did the 2026 war start") asks for a date, not for the
// latest events.
func (t timeAsk) toToday() bool {
	return !t.when && t.period != nil && !t.period.to.Before(t.today.First())
}

// holds tells whether every day of a date lies in the period: a passage dated 2026 does
// not say that its facts happened in November 2026, nor one dated June 2025 that they
// happened on 22 June.
func (p period) holds(d corpus.Date) bool {
	return !d.IsZero() && !d.First().Before(p.from) && !d.Last().After(p.to)
}

// label names the period for a reader: "in 2026", "in November 2026", "on 3 June 2025",
// "since 1 June 2026", "before 2015", "between 2015 and 2018".
func (p period) label(today corpus.Date) string {
	day := func(t time.Time) corpus.Date { return corpus.DateOf(t) }
	from, to := day(p.from), day(p.to)
	for _, d := range []corpus.Date{{Year: from.Year}, {Year: from.Year, Month: from.Month}, from} {
		if d.First().Equal(p.from) && d.Last().Equal(p.to) {
			if d.Day != 0 {
				return "on " + d.Human()
			}
			return "in " + d.Human()
		}
	}
	switch {
	case to == today:
		return "since " + coarsest(p.from, true).Human()
	case from.Year <= corpus.MinYear:
		return "before " + coarsest(p.to.AddDate(0, 0, 1), true).Human()
	}
	return "between " + coarsest(p.from, true).Human() + " and " + coarsest(p.to, false).Human()
}

// coarsest is t as the coarsest date it starts (first) or ends: 1 January 2015 is
// 2015, 31 March 2015 (as an end) March 2015.
func coarsest(t time.Time, first bool) corpus.Date {
	d := corpus.DateOf(t)
	for _, c := range []corpus.Date{{Year: d.Year}, {Year: d.Year, Month: d.Month}} {
		if first && c.First().Equal(t) || !first && c.Last().Equal(t) {
			return c
		}
	}
	return d
}

// Patterns of the words about time in a question.
var (
	// historyPattern finds the words that ask what happened: the answer lists events in
	// the order they happened.
	historyPattern = regexp.MustCompile(`(?i)\b(?:(?:what|wat|wht)\s+(?:has\s+|have\s+|had\s+)?(?:happened|happend|hapened|happnd)|what's\s+happened|what\s+took\s+place|(?:history|timeline|chronology)\s+of)\b`)
	// newsPattern finds the words that, in a question about the present, ask for what is
	// new rather than name a subject: "what is the latest news", "what is happening now".
	newsPattern = regexp.MustCompile(`(?i)\b(?:news|happening|going\s+on|updates?|developments?)\b`)
	// presentPattern finds the words that ask how things stand now.
	presentPattern = regexp.MustCompile(`(?i)\b(?:the\s+)?(?:latest|newest|new|most\s+recent|recent|recently|lately|nowadays|right\s+now|rn|now|currently|current|presently|at\s+present|at\s+the\s+moment|today|these\s+days|already|still(?:\s+(?:going|ongoing|on|happening|holding|standing|in\s+place|in\s+force|in\s+effect))?|yet|so\s+far|to\s+date|any\s?more|up\s+to\s+date|as\s+of\s+now|as\s+things\s+stand|next|upcoming)\b`)
	// holdsNowPattern finds a question, in the present tense, on what Iran has: "how much
	// uranium does iran have", "how many centrifuges do they have".
	holdsNowPattern = regexp.MustCompile(`(?i)\bhow\s+(?:much|many)\b.*\b(?:does|do)\s+(?:iran|tehran|they|it)\s+(?:have|hold|keep|possess|own|run|operate)\b`)
	// relativePattern finds "this year", "last month", "the past week" and the like.
	relativePattern = regexp.MustCompile(`(?i)\b(?:(?:in|during|over|for)\s+)?(?:the\s+)?(this|last|past|previous)\s+(year|month|week)\b`)
	// lastNPattern finds "the last 3 months", "past two years" and the like.
	lastNPattern = regexp.MustCompile(`(?i)\b(?:(?:in|during|over|for)\s+)?(?:the\s+)?(?:last|past)\s+(\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several|couple\s+of)\s+(days?|weeks?|months?|years?)\b`)
	// monthAlonePattern finds a month named without its year, after a word that makes
	// it a time ("in june", "since march": "may" and "march" are words too).
	monthAlonePattern = regexp.MustCompile(`(?i)\b(in|since|during|early|late|mid|mid-|of|by|until|before|after|last|this)\s+(january|february|march|april|may|june|july|august|september|october|november|december)\b`)
	// boundPattern finds the word before a date that makes it a bound: "since 2020",
	// "before the 2015 deal".
	boundPattern = regexp.MustCompile(`(?i)\b(since|after|before|until|from)\s+(?:the\s+|early\s+|late\s+|mid-?\s*)?$`)
)

// smallNumbers are the numbers a question may spell out in "the last three months".
var smallNumbers = map[string]int{"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "few": 3, "several": 6, "couple of": 2}

// readTime reads what a question asks about time, against today.
func readTime(question string, today time.Time) timeAsk {
	q := normalizeQuestion(question)
	t := timeAsk{today: corpus.DateOf(today)}
	day := t.today.First()
	cut := []byte(q) // the question with the words about time blanked
	blank := func(loc []int) {
		for i := loc[0]; i < loc[1]; i++ {
			cut[i] = ' '
		}
	}
	set := func(p period) {
		if t.period == nil && !p.to.Before(p.from) {
			t.period = &p
		}
	}

	for _, loc := range lastNPattern.FindAllStringSubmatchIndex(q, -1) {
		word := strings.ToLower(q[loc[2]:loc[3]])
		n, err := strconv.Atoi(word)
		if err != nil {
			n = smallNumbers[strings.Join(strings.Fields(word), " ")]
		}
		if n <= 0 {
			continue
		}
		n = min(n, 100)
		var from time.Time
		switch unit := strings.ToLower(q[loc[4]:loc[5]]); strings.TrimSuffix(unit, "s") {
		case "day":
			from = day.AddDate(0, 0, -n)
		case "week":
			from = day.AddDate(0, 0, -7*n)
		case "month":
			from = day.AddDate(0, -n, 0)
		default:
			from = day.AddDate(-n, 0, 0)
		}
		set(period{from: from, to: day, relative: true})
		blank(loc[:2])
	}
	for _, loc := range relativePattern.FindAllStringSubmatchIndex(q, -1) {
		which, unit := strings.ToLower(q[loc[2]:loc[3]]), strings.ToLower(q[loc[4]:loc[5]])
		y, m := t.today.Year, time.Month(t.today.Month)
		var p period
		switch {
		case unit == "year" && which == "this":
			p = period{from: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), to: time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)}
		case unit == "year" && which == "past":
			p = period{from: day.AddDate(-1, 0, 0), to: day}
		case unit == "year":
			p = period{from: time.Date(y-1, 1, 1, 0, 0, 0, 0, time.UTC), to: time.Date(y-1, 12, 31, 0, 0, 0, 0, time.UTC)}
		case unit == "month" && which == "this":
			p = period{from: time.Date(y, m, 1, 0, 0, 0, 0, time.UTC), to: time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)}
		case unit == "month" && which == "past":
			p = period{from: day.AddDate(0, -1, 0), to: day}
		case unit == "month":
			p = period{from: time.Date(y, m-1, 1, 0, 0, 0, 0, time.UTC), to: time.Date(y, m, 0, 0, 0, 0, 0, time.UTC)}
		case which == "this" || which == "past":
			p = period{from: day.AddDate(0, 0, -6), to: day}
		default:
			p = period{from: day.AddDate(0, 0, -13), to: day.AddDate(0, 0, -7)}
		}
		p.relative = true
		set(p)
		blank(loc[:2])
	}

	// Dates named in full stay in the question: passages write them.
	mentions := corpus.FindDates(q)
	if len(mentions) > 0 {
		first, last := mentions[0].Date, mentions[len(mentions)-1].Date
		p := period{from: first.First(), to: last.Last()}
		for _, m := range mentions {
			p.from, p.to = minTime(p.from, m.Date.First()), maxTime(p.to, m.Date.Last())
		}
		if b := boundPattern.FindStringSubmatch(q[:mentions[0].Start]); b != nil && len(mentions) == 1 {
			switch strings.ToLower(b[1]) {
			case "since", "from":
				p = period{from: first.First(), to: maxTime(day, first.Last())}
			case "after":
				p = period{from: first.Last().AddDate(0, 0, 1), to: day}
			default:
				p = period{from: corpus.Date{Year: corpus.MinYear}.First(), to: first.First().AddDate(0, 0, -1)}
			}
		}
		set(p)
	}
	for _, loc := range monthAlonePattern.FindAllStringSubmatchIndex(q, -1) {
		if inMention(mentions, loc[4]) {
			continue // "in June 2025" is a date named in full
		}
		word, mo := strings.ToLower(q[loc[2]:loc[3]]), monthOf(q[loc[4]:loc[5]])
		y := t.today.Year
		if mo > t.today.Month || word == "last" && mo == t.today.Month {
			y-- // the latest such month that has begun
		}
		d := corpus.Date{Year: y, Month: mo}
		p := period{from: d.First(), to: d.Last(), relative: true}
		switch word {
		case "since", "after":
			p.to = day
		case "before", "until":
			p = period{from: corpus.Date{Year: corpus.MinYear}.First(), to: d.First().AddDate(0, 0, -1), relative: true}
		}
		set(p)
	}
	for _, loc := range presentPattern.FindAllStringIndex(q, -1) {
		t.present = true
		blank(loc)
	}
	// "how much uranium does iran have" asks how things stand: its words are searched.
	t.present = t.present || holdsNowPattern.MatchString(q)
	for _, loc := range historyPattern.FindAllStringIndex(q, -1) {
		t.history = true
		blank(loc)
	}
	if t.present || t.history {
		for _, loc := range newsPattern.FindAllStringIndex(q, -1) {
			blank(loc)
		}
	}
	t.rest = string(cut)
	t.when = datePattern.MatchString(q)
	return t
}

// inMention tells whether the byte at i is part of a date mention.
func inMention(ms []corpus.DateMention, i int) bool {
	for _, m := range ms {
		if m.Start <= i && i < m.End {
			return true
		}
	}
	return false
}

// monthOf is the number of a month's name.
func monthOf(name string) int {
	for m := time.January; m <= time.December; m++ {
		if strings.EqualFold(m.String(), name) {
			return int(m)
		}
	}
	return 0
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// dateNumbers gives the first and last day of a date written YYYY, YYYY-MM or
// YYYY-MM-DD as the numbers YYYYMMDD; 0, 0 when it is none.
func dateNumbers(s string) (float64, float64) {
	d, err := corpus.ParseDate(s)
	if err != nil || d.IsZero() {
		return 0, 0
	}
	return dayNumber(d.First()), dayNumber(d.Last())
}

// dayNumber is a day as the number YYYYMMDD.
func dayNumber(t time.Time) float64 {
	return float64(t.Year()*10000 + int(t.Month())*100 + t.Day())
}

// prepareDates reads the date of every passage, the corpus's as-of date, and whether
// the corpus dates its facts (see datedShare).
func (ix *Index) prepareDates() {
	var newest corpus.Date
	dated, first, last := 0, 0, 0 // the years of the dates' last days (fieldDatedIn)
	years := map[int]int{}
	for i := range ix.passages.len() {
		d := ix.passages.date(i)
		if !d.IsZero() {
			dated++
			years[d.Year]++
			y := d.Last().Year()
			if first == 0 || y < first {
				first = y
			}
			last = max(last, y)
		}
		if d.Year*10000+d.Month*100+d.Day > newest.Year*10000+newest.Month*100+newest.Day { // as their strings compare
			newest = d
		}
	}
	ix.stats.AsOf = newest.String()
	ix.datesFacts = float64(dated) >= datedShare*float64(ix.passages.len())
	ix.oldestYear, ix.newestYear = first, last
	ix.datedInMemory = datedInMemory
	ix.recentYear = 0
	if dated >= newestPassages {
		seen := 0
		for y := newest.Year; y >= corpus.MinYear && seen < dated/newestShare; y-- {
			seen += years[y]
			ix.recentYear = y
		}
	}
}

const (
	// newestPassages is how many dated passages a corpus must have for a question about
	// the present to search its newest passages first (newestFirst): below it, one
	// search of them all costs nothing.
	newestPassages = 20000
	// newestShare: the newest passages searched first are those of the latest years that
	// hold a newestShare-th of the dated passages.
	newestShare = 10
)

// today is the day a request is read against.
func (ix *Index) today(req standoff.Request) time.Time {
	if !req.Today.IsZero() {
		return req.Today
	}
	return ix.now()
}

// dateStrength says how much a passage's date tells when its facts happened: 2 for its
// own date, or the publication date of a news article, report or statement; 1 for the
// date a glossary or timeline inherits from its document, which says when it was
// written; 0 for none.
func (ix *Index) dateStrength(i int) int {
	switch kind := ix.passages.doc(i).Kind; {
	case ix.passages.date(i).IsZero():
		return 0
	case ix.passages.dateOwn(i), kind != corpus.KindGlossary && kind != corpus.KindTimeline:
		return 2
	}
	return 1
}

// newer orders two passages for a question about the present: the stronger date first,
// then the later.
func (ix *Index) newer(a, b int) bool {
	if sa, sb := ix.dateStrength(a), ix.dateStrength(b); sa != sb {
		return sa > sb
	}
	return ix.passages.date(a).String() > ix.passages.date(b).String()
}

// earlier orders two passages for a question about what happened: the stronger date
// first, then the earlier.
func (ix *Index) earlier(a, b int) bool {
	if sa, sb := ix.dateStrength(a), ix.dateStrength(b); sa != sb {
		return sa > sb
	}
	return ix.passages.date(a).String() < ix.passages.date(b).String()
}

// chronicled orders two passages of a listing by date: the earlier first (see earlier),
// then, of one date, a timeline's entry before another passage, then the corpus's order.
func (ix *Index) chronicled(a, b int) bool {
	if ix.earlier(a, b) || ix.earlier(b, a) {
		return ix.earlier(a, b)
	}
	if ta, tb := ix.passages.doc(a).Kind == corpus.KindTimeline, ix.passages.doc(b).Kind == corpus.KindTimeline; ta != tb {
		return ta
	}
	return a < b
}

// onlyDates tells whether every concept of a plan is a word of a date the question
// names ("22", "June", "2025" of "what happened on 22 June 2025").
func onlyDates(p plan, question string) bool {
	ms := corpus.FindDates(question)
	if len(ms) == 0 || len(p.concepts) == 0 {
		return false
	}
	for _, c := range p.concepts {
		in := c.date
		for _, m := range ms {
			in = in || strings.Contains(question[m.Start:m.End], c.surface)
		}
		if !in {
			return false
		}
	}
	return true
}

// timeView is what a question about time changes in an answer: which passages answer it
// and come first, in what order, and what the reader is told.
type timeView struct {
	ask   timeAsk
	first map[int]bool // passages, by position, that answer and are eligible to come first
	// dayOnly is set when the question names a date and nothing else to search for
	// ("what happened on 22 June 2025"): its passages come in the timeline's order.
	dayOnly bool
	stale   bool
	note    string
}

// readTimeAnswer looks at the ranking of a question about time: it adds the passages
// that dates find (the newest holding its concepts, those dated in its period), tells
// which of the passages that answer it may come first (dated, in its period), and
// whether it is answered at all. answered is the relevance floor's verdict; the result
// may only take it back.
func (ix *Index) readTimeAnswer(ctx context.Context, t timeAsk, p plan, ranked []candidate, answered bool, asOf string) ([]candidate, bool, timeView, error) {
	v := timeView{ask: t, first: map[int]bool{}, dayOnly: t.period != nil && onlyDates(p, t.rest)}
	extra, err := ix.datedCandidates(ctx, t, p)
	if err != nil {
		return nil, false, v, err
	}
	if len(p.concepts) == 0 {
		// "what happened last month": the passages dated in the period, in date order.
		if !t.history || t.period == nil {
			if t.present || t.toToday() {
				v.note = standoff.Reach(asOf)
			}
			return ranked, false, v, nil
		}
		for _, c := range extra {
			v.first[c.passage] = true
		}
		// Of one day, the timeline's entries first, in its order: it is the corpus's
		// chronicle, one event a paragraph.
		sort.SliceStable(extra, func(i, j int) bool { return ix.chronicled(extra[i].passage, extra[j].passage) })
		if len(extra) == 0 {
			v.note = fmt.Sprintf("The corpus has nothing dated %s. %s", t.period.label(t.today), standoff.Reach(asOf))
		}
		return extra, len(extra) > 0, v, nil
	}
	seen := map[int]bool{}
	for _, c := range ranked {
		seen[c.passage] = true
	}
	for _, c := range extra {
		if !seen[c.passage] {
			seen[c.passage] = true
			ranked = append(ranked, c)
		}
	}
	total := totalWeight(p)
	var answering []int // positions in ranked of the passages that answer
	top := 0.0
	for i := range ranked {
		c := &ranked[i]
		if c.match.found == nil {
			c.match = ix.matchPassage(p, c.passage)
			if total > 0 {
				c.coverage = p.rerankCoverage(c.match)
			}
		}
		if p.answers([]candidate{*c}, false) {
			answering = append(answering, i)
			top = max(top, c.coverage)
		}
	}
	answering = slices.DeleteFunc(answering, func(i int) bool { return ranked[i].coverage < recentShare*top })
	var eligible []int // passages, by position in ix.passages
	newest := -1
	for _, i := range answering {
		c := ranked[i]
		d := ix.passages.date(c.passage)
		if t.present && ix.datesFacts && d.IsZero() || t.period != nil && !t.period.holds(d) {
			continue
		}
		eligible = append(eligible, c.passage)
		if newest < 0 || ix.newer(c.passage, newest) {
			newest = c.passage
		}
	}
	for _, i := range eligible {
		v.first[i] = true
	}
	if !answered {
		if t.present || t.toToday() {
			v.note = standoff.Reach(asOf)
		}
		return ranked, false, v, nil
	}
	switch {
	case len(eligible) == 0 && t.period != nil && (t.period.relative || asOf == "" || t.period.from.After(mustDate(asOf).Last())):
		v.note = fmt.Sprintf("The corpus has nothing on this dated %s.", t.period.label(t.today))
		if last := ix.newestAnswering(ranked, answering); last >= 0 {
			v.note = fmt.Sprintf("The corpus has nothing on this dated %s; the newest passage on this is dated %s.", t.period.label(t.today), ix.passages.date(last).Human())
		}
		return ranked, false, v, nil
	case len(eligible) == 0 && t.present && ix.datesFacts:
		v.note = "No passage on this is dated, so the corpus cannot tell how things stand now."
		return ranked, false, v, nil
	case len(eligible) == 0:
		return ranked, answered, v, nil // a period the corpus covers: its texts may name it
	}
	if t.present || t.toToday() {
		if d := ix.passages.date(newest); !d.IsZero() && d.Last().Add(standoff.StaleAfter).Before(t.today.First()) {
			v.stale = true
			v.note = fmt.Sprintf("The newest passage on this is dated %s; the corpus may not know what happened since.", ix.passages.date(newest).Human())
		}
	}
	return ranked, true, v, nil
}

// newestAnswering is the passage, by position, with the latest date among the answering
// candidates; -1 when none is dated.
func (ix *Index) newestAnswering(ranked []candidate, answering []int) int {
	best := -1
	for _, i := range answering {
		if c := ranked[i].passage; !ix.passages.date(c).IsZero() && (best < 0 || ix.passages.date(c).String() > ix.passages.date(best).String()) {
			best = c
		}
	}
	return best
}

// mustDate reads a date the index wrote itself.
func mustDate(s string) corpus.Date {
	d, _ := corpus.ParseDate(s)
	return d
}

// order puts first the passages that answer and are eligible: for a question about the
// present, the newest first; for one about what happened, in date order (a passage's own
// date before an inherited one, in both); for a period, in the order they had. The
// others follow in their order. A question about what happened that names no period
// shows its latest events first, page by page of k, each page in date order: "what
// happened at Fordow", asked in 2026, opens with the strikes of June 2025, not with
// 2009, and the next page goes back in time.
func (v timeView) order(ix *Index, cands []candidate, k int) []candidate {
	var first, rest []candidate
	for _, c := range cands {
		if v.first[c.passage] {
			first = append(first, c)
		} else {
			rest = append(rest, c)
		}
	}
	switch {
	case v.ask.present || v.ask.toToday() && !v.ask.history:
		sort.SliceStable(first, func(i, j int) bool { return ix.newer(first[i].passage, first[j].passage) })
	case v.ask.history && v.ask.period == nil && k > 0 && len(first) > k:
		sort.SliceStable(first, func(i, j int) bool { return ix.newer(first[i].passage, first[j].passage) })
		for page := first; len(page) > 0; page = page[min(k, len(page)):] {
			p := page[:min(k, len(page))]
			sort.SliceStable(p, func(i, j int) bool { return ix.earlier(p[i].passage, p[j].passage) })
		}
	case v.ask.history && v.dayOnly:
		sort.SliceStable(first, func(i, j int) bool { return ix.chronicled(first[i].passage, first[j].passage) })
	case v.ask.history:
		sort.SliceStable(first, func(i, j int) bool { return ix.earlier(first[i].passage, first[j].passage) })
	}
	return slices.Concat(first, rest)
}

// datedCandidates fetches, for a question about time, the passages its dates find: for
// the present, the newest passages holding a concept of the question; for a period, the
// best passages dated in it.
func (ix *Index) datedCandidates(ctx context.Context, t timeAsk, p plan) ([]candidate, error) {
	if len(p.concepts) == 0 {
		if t.period == nil || !t.history {
			return nil, nil
		}
		return ix.inPeriod(ctx, *t.period, nil, timeListed)
	}
	words := p.bleveQuery(ix.weights)
	if rarest := p.rarestCommon(ix.weights); rarest != nil {
		words = query.NewConjunctionQuery([]query.Query{rarest, words})
	}
	var out []candidate
	if t.period != nil {
		var err error
		if out, err = ix.inPeriod(ctx, *t.period, words, timeExtra); err != nil {
			return nil, err
		}
	}
	if !t.present && !t.toToday() {
		return out, nil
	}
	newest, err := ix.newestFirst(ctx, words)
	return append(out, newest...), err
}

// newestFirst returns the timeExtra newest passages that the query words finds, the
// best first among those of a day, and the best undated ones after the dated (bleve's
// sort by -date_end and -_score, undated passages having 0). Sorting by date reads the
// date of every passage found: tens of milliseconds when words finds a large share of
// 200,000 passages, most of them undated, or all dated over many years. So the dated
// passages of the latest years (from ix.recentYear) are sorted first, then all dated
// ones, and only when these are fewer than timeExtra is the rest filled with the best
// undated ones by score, which needs no date. The passages and their scores are those of
// the one sort: the dates' terms (fieldDatedIn) are scored zero (boost 0), which leaves
// bleve's sums as they are.
func (ix *Index) newestFirst(ctx context.Context, words query.Query) ([]candidate, error) {
	var filters []query.Query
	if ix.recentYear > 0 && ix.recentYear <= ix.newestYear {
		var years []query.Query
		for y := ix.recentYear; y <= ix.newestYear; y++ {
			years = append(years, datedIn(strconv.Itoa(y)))
		}
		filters = append(filters, bleve.NewDisjunctionQuery(years...))
	}
	filters = append(filters, datedIn(datedTerm))
	var out []candidate
	for _, dated := range filters {
		var err error
		if out, err = ix.newestDated(ctx, query.NewConjunctionQuery([]query.Query{dated, words})); err != nil || len(out) >= timeExtra {
			return out, err
		}
	}
	// All the dated passages words finds are in out; the best by score of the rest follow.
	best, err := ix.searchDated(ctx, bleve.NewSearchRequestOptions(words, timeExtra, 0, false))
	if err != nil {
		return nil, err
	}
	for _, c := range best {
		if len(out) < timeExtra && ix.passages.date(c.passage).IsZero() {
			out = append(out, c)
		}
	}
	return out, nil
}

// newestDated returns the timeExtra newest passages q finds, the best first among those
// of a day: bleve's sort by -date_end and -_score. When q finds at most ix.datedInMemory
// passages, they are read by score and sorted by the dates the index holds in memory:
// bleve's sort reads each one's date from its doc values, which costs three times the
// search (at 200,000 passages, 3.4 ms against 0.8 for 130 passages found).
func (ix *Index) newestDated(ctx context.Context, q query.Query) ([]candidate, error) {
	out, all, err := ix.allFound(ctx, q)
	if err != nil {
		return nil, err
	}
	if !all {
		r := bleve.NewSearchRequestOptions(q, timeExtra, 0, false)
		r.SortBy([]string{"-" + fieldDateEnd, "-_score"})
		return ix.searchDated(ctx, r)
	}
	// The hits come by score, ties in the corpus's order (search): a stable sort by the
	// last day keeps that order within a day, as bleve's sort and search's do.
	sort.SliceStable(out, func(a, b int) bool {
		return ix.passages.date(out[a].passage).Last().After(ix.passages.date(out[b].passage).Last())
	})
	return out[:min(timeExtra, len(out))], nil
}

// allFound returns the passages q finds, by score (ties in the corpus's order), and
// whether they are all of them: no more than ix.datedInMemory. It reads them straight
// from bleve (or from searchFiltered, which bleve's search of few dated passages is),
// settled as search settles them: with every hit in hand no tie is cut, and
// a filter alone (a period with no words), which scores every passage alike, is not read
// further to find where its tie ends.
func (ix *Index) allFound(ctx context.Context, q query.Query) ([]candidate, bool, error) {
	req := bleve.NewSearchRequestOptions(q, ix.datedInMemory, 0, false)
	res, ok, err := ix.searchFiltered(ctx, req)
	if !ok {
		res, err = ix.bleve.SearchInContext(ctx, req)
	}
	if err != nil {
		return nil, false, fmt.Errorf("by date: %w", err)
	}
	if res.Total > uint64(len(res.Hits)) {
		return nil, false, nil
	}
	ix.settle(res.Hits)
	return ix.hitCandidates(res.Hits), true, nil
}

// datedInMemory is how many passages at most newestDated and inPeriod read to sort or
// filter by their dates themselves (allFound).
const datedInMemory = 500

// datedIn finds the passages that have a term of fieldDatedIn, scored zero.
func datedIn(term string) query.Query {
	q := bleve.NewTermQuery(term)
	q.SetField(fieldDatedIn)
	q.SetBoost(0)
	return q
}

// datedTerms are the terms of fieldDatedIn of a passage dated s: datedTerm and the
// year of its last day; none when s is no date.
func datedTerms(s string) []string {
	d, err := corpus.ParseDate(s)
	if err != nil || d.IsZero() {
		return nil
	}
	return []string{datedTerm, strconv.Itoa(d.Last().Year())}
}

// inPeriod returns the first n passages dated in a period (see holds) that words finds:
// by score; with no words, all such passages in the order of their first day, then of
// their id. The passages whose last day falls in one of the period's years are a few
// terms (fieldDatedIn): when they are at most ix.datedInMemory, they are read by score
// and filtered and sorted by the dates in memory; else bleve searches the days' ranges,
// dozens of terms, and sorts by its doc values. Either way the dates are scored zero:
// the passages come in the order of the words' scores.
func (ix *Index) inPeriod(ctx context.Context, p period, words query.Query, n int) ([]candidate, error) {
	var years []query.Query
	for y := max(p.from.Year(), ix.oldestYear); y <= min(p.to.Year(), ix.newestYear); y++ {
		years = append(years, datedIn(strconv.Itoa(y)))
	}
	if len(years) == 0 {
		return nil, nil // no passage is dated in those years
	}
	q := query.Query(bleve.NewDisjunctionQuery(years...))
	if words != nil {
		q = query.NewConjunctionQuery([]query.Query{q, words})
	}
	found, all, err := ix.allFound(ctx, q)
	if err != nil {
		return nil, err
	}
	if !all {
		exact := periodQueries(p)
		if words != nil {
			exact = append(exact, words)
		}
		r := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(exact), n, 0, false)
		if words == nil {
			r.SortBy([]string{fieldDateStart, "_id"})
		}
		return ix.searchDated(ctx, r)
	}
	out := slices.DeleteFunc(found, func(c candidate) bool { return !p.holds(ix.passages.date(c.passage)) })
	if words == nil {
		sort.SliceStable(out, func(a, b int) bool {
			da, db := ix.passages.date(out[a].passage).First(), ix.passages.date(out[b].passage).First()
			if !da.Equal(db) {
				return da.Before(db)
			}
			return ix.passages.id(out[a].passage) < ix.passages.id(out[b].passage)
		})
	}
	return out[:min(n, len(out))], nil
}

// periodQueries find the passages whose date lies in a period (see holds): it starts on
// or after the period's start and ends on or before its end. They are scored zero.
func periodQueries(p period) []query.Query {
	from, to := dayNumber(p.from), dayNumber(p.to)
	yes := true
	starts := bleve.NewNumericRangeInclusiveQuery(&from, nil, &yes, nil)
	starts.SetField(fieldDateStart)
	starts.SetBoost(0)
	ends := bleve.NewNumericRangeInclusiveQuery(nil, &to, nil, &yes)
	ends.SetField(fieldDateEnd)
	ends.SetBoost(0)
	return []query.Query{starts, ends}
}

// searchDated runs a search by date and returns its passages as candidates.
func (ix *Index) searchDated(ctx context.Context, r *bleve.SearchRequest) ([]candidate, error) {
	res, err := ix.search(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("by date: %w", err)
	}
	return ix.hitCandidates(res.Hits), nil
}

// hitCandidates are the passages of bleve's hits, as candidates with their scores.
func (ix *Index) hitCandidates(hits search.DocumentMatchCollection) []candidate {
	out := make([]candidate, 0, len(hits))
	for _, h := range hits {
		if i, ok := ix.passages.lookup(h.ID); ok {
			out = append(out, candidate{passage: i, score: h.Score})
		}
	}
	return out
}
