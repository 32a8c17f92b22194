package corpus

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// Article is a document about to be written to the corpus: its metadata, and its text
// as headings and paragraphs in order, word for word as extracted. Empty metadata is
// unknown; nothing is filled in by guess.
type Article struct {
	Title     string
	URL       string
	Publisher string
	Author    string
	Published string // YYYY-MM-DD, only when the source gives a date
	Kind      string
	Blocks    []Block
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

// ExtractHTML finds the article in an HTML page with readability (the algorithm of
// Firefox's reader view): its title, byline, site name, publication date and text.
// contentType is the page's Content-Type, for its charset; pageURL is where it came from,
// or empty for an uploaded file.
func ExtractHTML(data []byte, contentType, pageURL string) (Article, error) {
	return extractHTML(newReading(context.Background()), data, contentType, pageURL)
}

// extractHTML is ExtractHTML as part of the reading r: it stops once r does, between
// its steps and while the page is parsed; readability's extraction cannot be stopped, but
// the limits that checkHTMLShape applies keep it short.
func extractHTML(r *reading, data []byte, contentType, pageURL string) (Article, error) {
	text, err := decodeText(data, contentType)
	if err != nil {
		return Article{}, refuse("the page's text encoding cannot be read", err)
	}
	if err := checkHTMLShape(r, text); err != nil {
		return Article{}, err
	}
	doc, err := html.Parse(stoppableReader{strings.NewReader(text), r})
	if p := r.stopped(); p != nil {
		return Article{}, *p
	}
	if err != nil {
		return Article{}, refuse("the page is not readable HTML", err)
	}
	var base *url.URL
	if pageURL != "" {
		base, _ = url.Parse(pageURL)
	}
	parser := readability.NewParser()
	art, err := parser.ParseAndMutate(doc, base)
	if err != nil {
		return Article{}, refuse("no article could be found on the page", err)
	}
	if art.Node == nil {
		return Article{}, refuse("no article text could be found on the page", nil)
	}
	a := Article{
		Title:     oneLine(art.Title()),
		URL:       pageURL,
		Publisher: oneLine(art.SiteName()),
		Author:    oneLine(art.Byline()),
		Kind:      KindArticle,
	}
	if t, err := art.PublishedTime(); err == nil && !t.IsZero() {
		a.Published = t.Format(time.DateOnly)
	}
	if r.done(1) { // readability cannot be stopped: the reading may have ended meanwhile
		return Article{}, *r.stopped()
	}
	w := &blockWalker{}
	w.walk(art.Node)
	w.flush()
	a.Blocks = w.blocks
	if name, ok := bylineName(a.Author); ok {
		a.Author = name
	}
	a.Blocks, a.Author = dropByline(a.Blocks, a.Author)
	if a.Title == "" {
		return Article{}, refuse("the page has no title", nil)
	}
	if a.Paragraphs() == 0 {
		return Article{}, refuse("no article text could be found on the page", nil)
	}
	return a, nil
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
		a.Blocks = append(a.Blocks, Block{Text: oneLine(p.Text)})
	}
	return a
}

// decodeText returns data as UTF-8 text: in the charset that contentType, a byte-order
// mark or (for HTML) a meta tag declares; as UTF-8 when nothing is declared and it is
// valid UTF-8; else in Windows-1252, as browsers do.
func decodeText(data []byte, contentType string) (string, error) {
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

// oneLine collapses every run of white space in s into one space and trims it.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// blockWalker collects the headings and paragraphs of an article's HTML. A block element
// with no block inside it is one paragraph; a block element that holds others is walked
// into, and the loose text between its blocks makes paragraphs of its own. A table row is
// one paragraph.
type blockWalker struct {
	blocks []Block
	inline bytes.Buffer
}

func (w *blockWalker) walk(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

func (w *blockWalker) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.inline.WriteString(n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	switch {
	case skippedElements[n.DataAtom]:
	case headingElements[n.DataAtom]:
		w.flush()
		w.emit(Block{Heading: true, Text: oneLine(textOf(n))})
	case n.DataAtom == atom.Br:
		w.inline.WriteByte(' ')
	case blockElements[n.DataAtom] && !hasBlockInside(n):
		w.flush()
		w.emit(Block{Text: oneLine(textOf(n))})
	case blockElements[n.DataAtom] || hasBlockInside(n):
		w.flush()
		w.walk(n)
		w.flush()
	default:
		w.inline.WriteString(textOf(n))
	}
}

// flush makes a paragraph of the loose text gathered so far.
func (w *blockWalker) flush() {
	if w.inline.Len() > 0 {
		w.emit(Block{Text: oneLine(w.inline.String())})
		w.inline.Reset()
	}
}

func (w *blockWalker) emit(b Block) {
	if b.Text != "" {
		w.blocks = append(w.blocks, b)
	}
}

// textOf returns the text of n and its descendants, with a space around blocks, cells
// and line breaks so that words on either side stay apart.
func textOf(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if skippedElements[n.DataAtom] {
				return
			}
		case html.DocumentNode:
		default:
			return
		}
		sep := n.Type == html.ElementNode && (blockElements[n.DataAtom] || headingElements[n.DataAtom] ||
			n.DataAtom == atom.Td || n.DataAtom == atom.Th || n.DataAtom == atom.Br)
		if sep {
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
		if sep {
			b.WriteByte(' ')
		}
	}
	rec(n)
	return b.String()
}

// hasBlockInside reports whether a block element or heading is among n's descendants.
func hasBlockInside(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || skippedElements[c.DataAtom] {
			continue
		}
		if blockElements[c.DataAtom] || headingElements[c.DataAtom] || hasBlockInside(c) {
			return true
		}
	}
	return false
}

// Elements of an article's HTML, by role.
var (
	headingElements = map[atom.Atom]bool{atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true}
	blockElements   = map[atom.Atom]bool{
		atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
		atom.Body: true, atom.Caption: true, atom.Center: true, atom.Dd: true, atom.Details: true,
		atom.Dialog: true, atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Fieldset: true,
		atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.Form: true,
		atom.Header: true, atom.Hgroup: true, atom.Hr: true, atom.Html: true, atom.Li: true,
		atom.Main: true, atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true,
		atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tbody: true,
		atom.Tfoot: true, atom.Thead: true, atom.Tr: true, atom.Ul: true,
	}
	skippedElements = map[atom.Atom]bool{
		atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
		atom.Svg: true, atom.Math: true, atom.Img: true, atom.Picture: true, atom.Video: true,
		atom.Audio: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
		atom.Canvas: true, atom.Button: true, atom.Input: true, atom.Select: true,
		atom.Textarea: true, atom.Head: true,
	}
)

// dropByline removes the page's byline ("By Sam Reporter") when it stands among the
// first two paragraphs, where readability leaves it: it is the author, not a paragraph
// to quote. It returns the blocks and the author, which the byline gives when the page
// named none.
func dropByline(blocks []Block, author string) ([]Block, string) {
	seen := 0
	for i, b := range blocks {
		if b.Heading {
			continue
		}
		if seen++; seen > 2 {
			break
		}
		name, ok := bylineName(b.Text)
		if !ok && (author == "" || !strings.EqualFold(oneLine(b.Text), author)) {
			continue
		}
		if author == "" {
			author = name
		}
		return append(blocks[:i:i], blocks[i+1:]...), author
	}
	return blocks, author
}

// bylineName returns the names of a byline such as "By Sam Reporter" or "by Jane Doe
// and Ali Reza", and whether text is one: "By", then names of at most four capitalised
// words (initials such as "J." allowed), joined by commas, "and" or "&", and nothing
// else (a sentence such as "By Monday the site had closed." is not a byline).
func bylineName(text string) (string, bool) {
	f := strings.Fields(text)
	if len(f) < 2 || len(f) > 16 || !strings.EqualFold(f[0], "by") {
		return "", false
	}
	words := 0
	for _, w := range f[1:] {
		if w == "and" || w == "&" {
			words = 0
			continue
		}
		next := strings.HasSuffix(w, ",")
		w = strings.TrimSuffix(w, ",")
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || strings.ContainsAny(w, "!?:;\"()") ||
			strings.Contains(w, ".") && utf8.RuneCountInString(w) != 2 {
			return "", false
		}
		if words++; words > 4 {
			return "", false
		}
		if next {
			words = 0
		}
	}
	return strings.Join(f[1:], " "), true
}
