package corpus

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// frontMatterOut is the front matter written for a new document, in the design's order.
// yaml.v3 quotes whatever needs quoting: titles with colons, quotes or a leading dash.
type frontMatterOut struct {
	Title     string `yaml:"title"`
	URL       string `yaml:"url,omitempty"`
	Publisher string `yaml:"publisher,omitempty"`
	Author    string `yaml:"author,omitempty"`
	Published string `yaml:"published,omitempty"`
	Kind      string `yaml:"kind,omitempty"`
}

// Markdown writes the article as a corpus document: a YAML front matter block, then one
// line a paragraph and a "##" line a heading, with the characters that Markdown would
// read as markup escaped. It then parses what it wrote, as the corpus will, and refuses
// with a *Refusal when the paragraphs read back differ in any way from the article's: the
// text is kept word for word or not written at all.
func (a Article) Markdown() ([]byte, error) {
	return a.markdown(newReading(context.Background()))
}

// markdown is Markdown as part of the reading r.
func (a Article) markdown(r *reading) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("---\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	fm := frontMatterOut{Title: OneLine(a.Title), URL: a.URL, Publisher: OneLine(a.Publisher),
		Author: OneLine(a.Author), Published: a.Published, Kind: a.Kind}
	if err := enc.Encode(fm); err != nil {
		return nil, fmt.Errorf("write markdown: front matter: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write markdown: front matter: %w", err)
	}
	buf.WriteString("---\n")
	for _, b := range a.Blocks {
		buf.WriteByte('\n')
		if b.Heading {
			buf.WriteString("## ")
			buf.WriteString(escapeHeading(b.Text))
		} else {
			buf.WriteString(escapeParagraph(b.Text))
		}
		buf.WriteByte('\n')
	}
	data := buf.Bytes()
	if err := a.verify(r, data); err != nil {
		return nil, err
	}
	return data, nil
}

// verify parses data as the corpus would and compares it with the article.
func (a Article) verify(r *reading, data []byte) error {
	doc, err := parseDocument(r, "draft.md", data)
	if err != nil {
		return Refuse("the document cannot be written as Markdown that reads back the same", err)
	}
	fields := []struct{ name, got, want string }{
		{"title", doc.Title, OneLine(a.Title)}, {"url", doc.URL, a.URL},
		{"publisher", doc.Publisher, OneLine(a.Publisher)}, {"author", doc.Author, OneLine(a.Author)},
		{"published", doc.Published, a.Published},
	}
	for _, f := range fields {
		if f.got != f.want {
			return Refuse(fmt.Sprintf("the %s cannot be written word for word", f.name),
				fmt.Errorf("verify markdown: %s reads back %q, want %q", f.name, f.got, f.want))

		}
	}
	var want []Paragraph
	section := ""
	for _, b := range a.Blocks {
		if b.Heading {
			section = b.Text
			continue
		}
		want = append(want, Paragraph{Section: section, Text: b.Text})
	}
	if len(doc.Paragraphs) != len(want) {
		return Refuse("the text cannot be written as Markdown word for word",
			fmt.Errorf("verify markdown: %d paragraphs read back, want %d", len(doc.Paragraphs), len(want)))

	}
	for i, p := range doc.Paragraphs {
		if p.Text != want[i].Text || p.Section != want[i].Section {
			return Refuse(fmt.Sprintf("paragraph %d cannot be written as Markdown word for word", i+1),
				fmt.Errorf("verify markdown: paragraph %d reads back %q in %q, want %q in %q",
					i+1, p.Text, p.Section, want[i].Text, want[i].Section))

		}
	}
	return nil
}

// entityLike matches an HTML character reference, which Markdown would decode.
var entityLike = regexp.MustCompile(`^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`)

// orderedListStart matches a line that Markdown would read as an ordered list item.
var orderedListStart = regexp.MustCompile(`^[0-9]{1,9}[.)]`)

// escapeInline backslash-escapes the characters that start inline markup: emphasis,
// code, links, raw HTML and autolinks, and backslash escapes; an ampersand that would
// start a character reference is written as "&amp;".
func escapeInline(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '_', '[', ']', '<':
			b.WriteByte('\\')
		case '&':
			if entityLike.MatchString(s[i:]) {
				// The corpus resolves references before backslash escapes: write the
				// ampersand as a reference of its own.
				b.WriteString("&amp;")
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// escapeParagraph escapes a paragraph written on one line: inline markup, and a first
// character that would make the line a heading, quote, list item, thematic break, code
// fence or table.
func escapeParagraph(s string) string {
	s = escapeInline(s)
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '>', '-', '+', '=', '~', '|', ':':
		return `\` + s
	}
	if loc := orderedListStart.FindStringIndex(s); loc != nil {
		return s[:loc[1]-1] + `\` + s[loc[1]-1:]
	}
	return s
}

// escapeHeading escapes the text of a "##" heading: inline markup, and a final "#" that
// would be taken for a closing sequence.
func escapeHeading(s string) string {
	s = escapeInline(s)
	if strings.HasSuffix(s, "#") {
		s = s[:len(s)-1] + `\#`
	}
	return s
}
