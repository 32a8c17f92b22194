package index

import "time"

// Request is one question put to the index.
type Request struct {
	Question string
	K        int // passages wanted; 0 means DefaultK, capped at MaxK
	Offset   int // passages to skip, for paging ("More")
	// Related asks for the passages related to a text (a message, a claim) rather than
	// for an answer to a question: the relevance floor is lower.
	Related bool
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
	Closest     bool     `json:"closest"`
	Suggestions []string `json:"suggestions"`
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
	Score        float64  `json:"score"`
	// Emphasized is Text with only the question's rare terms in bold ("**"): those that
	// tell the passage apart, not the common words every passage holds. Not in the JSON.
	Emphasized string `json:"-"`
	// Kind is the kind of its document (glossary, timeline, article, …), for showing
	// what the passage is; it is not part of the JSON answer.
	Kind string `json:"-"`
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
}
