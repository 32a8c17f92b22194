package corpus

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// Article is a document about to be written to the corpus: its metadata, and its text
// as headings and paragraphs in order, word for word as extracted. Empty metadata is
// unknown; nothing is filled in by guess. corpus/web extracts one from an HTML page.
type Article struct {
	Title     string
	URL       string
	Publisher string
	Author    string
	Published string // YYYY-MM-DD, only when the source gives a date
	Kind      string
	Blocks    []Block
	// Canonical is the address the page gives for itself (rel=canonical, og:url),
	// cleaned; empty when it gives none. It is compared, never written.
	Canonical string
}

// Block is a heading or a paragraph of an Article, its white space collapsed.
type Block struct {
	Heading bool
	Text    string
}

// Paragraphs returns the number of paragraphs (not headings) of the article.
func (a Article) Paragraphs() int {
	n := 0
	for _, b := range a.Blocks {
		if !b.Heading {
			n++
		}
	}
	return n
}

// articleFromDocument turns a parsed document into an Article, its sections becoming
// headings.
func articleFromDocument(d Document) Article {
	a := Article{Title: d.Title, URL: d.URL, Publisher: d.Publisher, Author: d.Author,
		Published: d.Published, Kind: d.Kind}
	section := ""
	for _, p := range d.Paragraphs {
		if p.Section != section && p.Section != "" {
			a.Blocks = append(a.Blocks, Block{Heading: true, Text: p.Section})
		}
		section = p.Section
		a.Blocks = append(a.Blocks, Block{Text: OneLine(p.Text)})
	}
	return a
}

// DecodeText returns data as UTF-8 text: in the charset that contentType, a byte-order
// mark or (for HTML) a meta tag declares; as UTF-8 when nothing is declared and it is
// valid UTF-8; else in Windows-1252, as browsers do.
func DecodeText(data []byte, contentType string) (string, error) {
	enc, name, certain := charset.DetermineEncoding(data, contentType)
	if (!certain || name == "utf-8") && utf8.Valid(data) {
		return strings.TrimPrefix(string(data), "\ufeff"), nil
	}
	if name == "utf-8" {
		return "", fmt.Errorf("decode text: not valid UTF-8")
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("decode text as %s: %w", name, err)
	}
	return strings.TrimPrefix(string(out), "\ufeff"), nil
}

// OneLine collapses every run of white space in s into one space and trims it.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
