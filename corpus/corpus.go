// Package corpus reads the documents that standoff answers from: the embedded default
// corpus or a folder of Markdown and plain-text files. It parses front matter and Markdown
// structure, numbers paragraphs, splits long paragraphs into passages at sentence
// boundaries, and reports documents it cannot read without stopping the others.
//
// The package knows nothing of search: it turns files into Documents and Passages.
package corpus

import "fmt"

// Kinds of document accepted in the front matter's kind field.
const (
	KindArticle   = "article"
	KindGlossary  = "glossary"
	KindTimeline  = "timeline"
	KindReport    = "report"
	KindStatement = "statement"
	KindOpinion   = "opinion"
)

// MaxPassageChars is the approximate length above which a paragraph is split into several
// passages, each a run of whole sentences.
const MaxPassageChars = 700

// Document is one file of the corpus, parsed.
type Document struct {
	ID        string // path relative to the corpus folder, without extension, "/"-separated
	Path      string // path relative to the corpus folder, with extension
	Title     string
	URL       string
	Publisher string
	Author    string
	Published string // YYYY-MM-DD or empty
	Kind      string
	Hash      string // hex sha256 of the file's bytes

	Paragraphs []Paragraph
	// Warnings are what was dropped while reading it, such as a url that is not http or
	// https; the document is read all the same.
	Warnings []Problem
}

// Paragraph is a numbered paragraph, list item or quote of a document.
type Paragraph struct {
	Number  int    // 1-based through the whole document; headings are not counted
	Section string // the nearest heading above it; empty before the first heading
	Line    int    // 1-based line in the file where it starts
	Text    string // word for word, inline Markdown markup removed
	// Sources are where its facts come from, from the document's Sources paragraphs.
	Sources []Citation
	// Date is the paragraph's own date, YYYY, YYYY-MM or YYYY-MM-DD: the date that opens
	// it ("28 February 2026: …", "As of 17 May 2025, …"), else the latest "as of" date in
	// it, else the date that opens its section's heading; "" when it has none.
	Date string
}

// Passage is the unit that is searched and shown: a paragraph, or a run of its whole
// sentences of at most about MaxPassageChars characters. It never crosses a paragraph.
type Passage struct {
	ID        string // "<doc>#<paragraph>" or "<doc>#<paragraph>.<part>" when split
	Doc       string
	Title     string
	Section   string
	Paragraph int
	Part      int // 1-based part of the paragraph; 1 when not split
	Publisher string
	Published string
	URL       string
	Kind      string
	Text      string
	Sources   []Citation // where its facts come from; nil when the document is the citation
	// Date is the date its facts are about, YYYY, YYYY-MM or YYYY-MM-DD: its paragraph's
	// own date, else its document's Published; "" when it has neither.
	Date string
	// DateOwn is set when Date is the paragraph's own, not its document's.
	DateOwn bool
}

// Problem is a document that could not be read, or a file that was ignored.
type Problem struct {
	Path   string // relative to the corpus folder
	Line   int    // 1-based; 0 when not known
	Reason string
}

// Error formats the problem as "path:line: reason".
func (p Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Reason)
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Reason)
}

// SynonymRule is one line of synonyms.txt in Solr format. "a, b, c" makes the terms
// equivalent (Equivalent set, Targets empty); "a, b => c" rewrites the left terms to the
// right ones (Terms = left, Targets = right).
type SynonymRule struct {
	Terms   []string
	Targets []string
	Line    int
}

// Corpus is a loaded corpus: the documents that could be read, the synonym rules, and the
// problems met on the way.
type Corpus struct {
	Documents []Document
	Synonyms  []SynonymRule
	Taught    []Taught  // questions moderators taught (TaughtFile)
	Problems  []Problem // documents skipped because they could not be read
	Warnings  []Problem // files ignored (unknown extension), not errors

	splitter *Splitter     // set by Load and shared by Passages; nil: built when needed
	near     *ShingleCache // set by Load: the shingles of its documents, for drafts
}
