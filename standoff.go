// Package standoff holds the vocabulary of an answer, shared by every part of standoff
// and owned by none: a Request put to the corpus, the Answer with its cited Results and
// their Sources, and what describes the index serving them (Stats, Document).
//
// The index package produces these types; the bot and the command line show them, and
// reach the search only through small interfaces written in them.
package standoff

import (
	"strconv"
	"strings"
	"time"

	"github.com/standoff-bot/standoff/corpus"
)

// Request is one question put to the index.
type Request struct {
	Question string
	K        int // passages wanted; 0 means DefaultK, capped at MaxK
	Offset   int // passages to skip, for paging ("More")
	// Related asks for the passages related to a text (a message, a claim) rather than
	// for an answer to a question: the relevance floor is lower.
	Related bool
	// Today is the date the question is read against ("this year", "last month",
	// "now"); zero means the index's clock.
	Today time.Time
	// Previous is the question asked just before this one in the same conversation (by
	// the same member, in the same channel, thread or direct messages), as it was read:
	// its Answer's ReadAs, else its Question; "" when there is none. A question that leans
	// on it ("when was that?", "and Natanz?") is read with its topic, and the answer's
	// ReadAs says how; a question that stands on its own is answered as it is.
	Previous string
}

// DefaultK is the number of passages an answer holds when the request does not say.
const DefaultK = 3

// MaxK is the largest number of passages one answer may hold.
const MaxK = 100

// MaxOffset is the largest offset a Request may page to.
const MaxOffset = 10000

// Answer is the reply to one question, in the JSON shape of the design's contract.
type Answer struct {
	Question string   `json:"question"`
	Answered bool     `json:"answered"`
	Results  []Result `json:"results"`
	// Closest is true when no passage clears the relevance floor and Results holds the
	// passages closest to the question (Answered is then false).
	Closest bool `json:"closest"`
	// AsOf is the corpus's as-of date: the newest date of its passages, YYYY, YYYY-MM or
	// YYYY-MM-DD; "" when none is dated. It says how far the corpus reaches.
	AsOf string `json:"as_of"`
	// Stale is set when the question asks about the present (or a period that runs to
	// today) and the newest passage that answers it is dated more than StaleAfter before
	// today: the corpus may not know what happened since.
	Stale bool `json:"stale"`
	// Note is the one line a reader is told about time, or "": that the newest passage on
	// this is old, that nothing is dated in the period asked about, that no passage on a
	// question about the present is dated, or how far the corpus reaches.
	Note        string   `json:"note"`
	Suggestions []string `json:"suggestions"`
	// Corrected is the question as it was read when a misspelled word of it was
	// corrected to a word of the corpus ("what is enrichment" for "what is
	// enrichement"), to be shown ("Showing results for …"); "" when none was.
	Corrected string `json:"corrected"`
	// Request is set when the question asks for what the bot cannot do (write, translate,
	// remind, summarise the news, give an opinion): what it does instead, shown in place
	// of passages. The answer is then not answered and has no results.
	Request string `json:"request"`
	// ReadAs is the question as the index read it when it took it for a follow-up of
	// Request.Previous ("when was that?" read as "when was that (United States to Fordow)?");
	// "" (and left out of the JSON) when it was read as it stands.
	ReadAs string `json:"read_as,omitempty"`
	// More is true when further passages clear the floor beyond Offset+len(Results).
	More bool `json:"-"`
}

// Result is one cited passage of an answer.
type Result struct {
	Rank         int      `json:"rank"`
	Doc          string   `json:"doc"`
	Title        string   `json:"title"`
	Section      string   `json:"section"`
	Paragraph    int      `json:"paragraph"`
	Publisher    string   `json:"publisher"`
	Published    string   `json:"published"`
	URL          string   `json:"url"`
	Link         string   `json:"link"`
	Text         string   `json:"text"`
	Highlighted  string   `json:"highlighted"`
	BestSentence string   `json:"best_sentence"`
	Sources      []Source `json:"sources"` // where its facts come from; empty when URL and Publisher cite it
	// Date is the date its facts are about, YYYY, YYYY-MM or YYYY-MM-DD: its paragraph's
	// own ("28 February 2026: …", "As of 17 May 2025, …"), else its document's
	// published date; "" when it has neither.
	Date  string  `json:"date"`
	Score float64 `json:"score"`
	// DateOwn is set when Date is the paragraph's own, not its document's. Not in the
	// JSON.
	DateOwn bool `json:"-"`
	// Matches are where the question's terms and phrases occur in Text, as byte ranges,
	// sorted and apart (ranges only white space separates are joined). Highlighted is
	// Text with these in "**". Not in the JSON.
	Matches []Span `json:"-"`
	// Emphasis are the Matches of the question's rare terms only: those that tell the
	// passage apart, not the common words every passage holds. Not in the JSON.
	Emphasis []Span `json:"-"`
	// Best is where BestSentence stands in Text; empty when Text has no sentence. Not in
	// the JSON.
	Best Span `json:"-"`
	// Sentences are where the sentences of Text stand in it, in order, as the index
	// split them (Best is one of them). Not in the JSON.
	Sentences []Span `json:"-"`
	// Kind is the kind of its document (glossary, timeline, article, …), for showing
	// what the passage is; it is not part of the JSON answer.
	Kind string `json:"-"`
}

// Span is a byte range [Start, End) of a passage's Text.
type Span struct {
	Start, End int
}

// Source is one source a passage's facts come from. Empty strings stand for unknown values.
type Source struct {
	Title     string `json:"title"`
	Publisher string `json:"publisher"`
	Published string `json:"published"`
	URL       string `json:"url"`
}

// Stats describes the index that is serving.
type Stats struct {
	Documents   int
	Passages    int
	Built       time.Time // when the index was built
	Fingerprint string
	AsOf        string // the newest date of its passages, as Answer.AsOf; "" when none is dated
}

// StaleAfter is how old the newest passage answering a question about the present may be
// before the answer says the corpus may not know what happened since: about one of the
// IAEA's quarterly reporting cycles on Iran, after which a new report, Board meeting or
// round of talks has most likely come and gone.
const StaleAfter = 90 * 24 * time.Hour

// Reach says how far a corpus whose as-of date is asOf reaches, for a reader: "The
// corpus reaches to 30 June 2026, the date of its newest passage."
func Reach(asOf string) string {
	if asOf == "" {
		return "No passage of the corpus is dated, so it cannot tell how far it reaches."
	}
	return "The corpus reaches to " + corpus.HumanDate(asOf) + ", the date of its newest passage."
}

// Document describes one document of the index that is serving.
type Document struct {
	ID        string
	Title     string
	Kind      string
	Publisher string
	Published string
	URL       string
	Passages  int    // searchable passages
	Newest    string // the latest date of the document or of a source it cites; "" when none
}

// Label says what the passage is: "Breakout time · Glossary", "2025: strikes · Timeline",
// or its document's title (its id when it has none).
func (r Result) Label() string {
	section := strings.Join(strings.Fields(r.Section), " ")
	switch {
	case r.Kind == corpus.KindGlossary && section != "":
		return section + " · Glossary"
	case r.Kind == corpus.KindTimeline && section != "":
		return section + " · Timeline"
	case strings.TrimSpace(r.Title) != "":
		return strings.Join(strings.Fields(r.Title), " ")
	}
	return r.Doc
}

// OwnSummary reports whether the passage is the project's own summary of the sources it
// cites: a glossary or timeline entry without a publisher or address of its own.
func (r Result) OwnSummary() bool {
	return (r.Kind == corpus.KindGlossary || r.Kind == corpus.KindTimeline) && r.Publisher == "" && r.URL == "" && len(r.Sources) > 0
}

// Citation cites the passage for a reader: publisher · date · section · ¶ n, without
// internal ids. The date is its document's, written for a reader ("28 February 2026"),
// then, where the passage has a date of its own, "dated" that one ("dated 8 March
// 2026"); "date unknown" when it has neither. A glossary or timeline entry says it is
// the project's own summary of its sources; a passage whose publisher and address are
// unknown says so. The section is left out where Label already names it.
func (r Result) Citation() string {
	var parts []string
	pub := strings.Join(strings.Fields(r.Publisher), " ")
	switch {
	case pub != "":
		parts = append(parts, pub)
	case r.OwnSummary():
		parts = append(parts, "standoff’s own summary of the sources it cites")
	case r.URL == "" && len(r.Sources) == 0:
		parts = append(parts, "Publisher and address unknown")
	}
	published := strings.TrimSpace(r.Published)
	if published != "" {
		parts = append(parts, corpus.HumanDate(published))
	}
	switch d := strings.TrimSpace(r.Date); {
	case d != "" && d != published:
		parts = append(parts, "dated "+corpus.HumanDate(d))
	case d == "" && published == "":
		parts = append(parts, "date unknown")
	}
	if s := strings.Join(strings.Fields(r.Section), " "); s != "" && !strings.HasPrefix(r.Label(), s+" · ") {
		parts = append(parts, s)
	}
	if r.Paragraph > 0 {
		parts = append(parts, "¶ "+strconv.Itoa(r.Paragraph))
	}
	return strings.Join(parts, " · ")
}
