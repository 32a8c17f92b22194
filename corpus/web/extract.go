package web

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/standoff-bot/standoff/corpus"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ExtractHTML finds the article in an HTML page with readability (the algorithm of
// Firefox's reader view): its title, byline, site name, publication date and text.
// contentType is the page's Content-Type, for its charset; pageURL is where it came from,
// or empty for an uploaded file.
func ExtractHTML(data []byte, contentType, pageURL string) (corpus.Article, error) {
	return ExtractHTMLContext(context.Background(), data, contentType, pageURL)
}

// ExtractHTMLContext is ExtractHTML that stops once ctx is done, while the page's shape
// is checked and while it is parsed (readability's extraction cannot be stopped, but the
// limits of checkHTMLShape keep it short), and is then refused.
func ExtractHTMLContext(ctx context.Context, data []byte, contentType, pageURL string) (corpus.Article, error) {
	text, err := corpus.DecodeText(data, contentType)
	if err != nil {
		return corpus.Article{}, corpus.Refuse("the page's text encoding cannot be read", err)
	}
	if err := checkHTMLShape(ctx, text); err != nil {
		return corpus.Article{}, err
	}
	doc, err := html.Parse(ctxReader{ctx, strings.NewReader(text)})
	if ctx.Err() != nil {
		return corpus.Article{}, corpus.Refuse("reading it was stopped", ctx.Err())
	}
	if err != nil {
		return corpus.Article{}, corpus.Refuse("the page is not readable HTML", err)
	}
	var base *url.URL
	if pageURL != "" {
		base, _ = url.Parse(pageURL)
	}
	parser := readability.NewParser()
	canonical := canonicalOf(doc, base)
	art, err := parser.ParseAndMutate(doc, base)
	if err != nil {
		return corpus.Article{}, corpus.Refuse("no article could be found on the page", err)
	}
	if art.Node == nil {
		return corpus.Article{}, corpus.Refuse("no article text could be found on the page", nil)
	}
	a := corpus.Article{
		Title:     corpus.OneLine(art.Title()),
		URL:       pageURL,
		Publisher: corpus.OneLine(art.SiteName()),
		Author:    corpus.OneLine(art.Byline()),
		Kind:      corpus.KindArticle,
		Canonical: canonical,
	}
	if t, err := art.PublishedTime(); err == nil && !t.IsZero() {
		a.Published = t.Format(time.DateOnly)
	}
	w := &blockWalker{}
	w.walk(art.Node)
	w.flush()
	a.Blocks = w.blocks
	if name, ok := bylineName(a.Author); ok {
		a.Author = name
	}
	a.Blocks, a.Author = dropByline(a.Blocks, a.Author)
	a.Blocks = dropBoilerplate(a.Blocks)
	if a.Title == "" {
		return corpus.Article{}, corpus.Refuse("the page has no title", nil)
	}
	if a.Paragraphs() == 0 {
		return corpus.Article{}, corpus.Refuse("no article text could be found on the page", nil)
	}
	return a, nil
}

// blockWalker collects the headings and paragraphs of an article's HTML. A block element
// with no block inside it is one paragraph; a block element that holds others is walked
// into, and the loose text between its blocks makes paragraphs of its own. A table row is
// one paragraph.
type blockWalker struct {
	blocks []corpus.Block
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
		w.emit(corpus.Block{Heading: true, Text: corpus.OneLine(textOf(n))})
	case n.DataAtom == atom.Br:
		w.inline.WriteByte(' ')
	case blockElements[n.DataAtom] && !hasBlockInside(n):
		w.flush()
		w.emit(corpus.Block{Text: corpus.OneLine(textOf(n))})
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
		w.emit(corpus.Block{Text: corpus.OneLine(w.inline.String())})
		w.inline.Reset()
	}
}

func (w *blockWalker) emit(b corpus.Block) {
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
func dropByline(blocks []corpus.Block, author string) ([]corpus.Block, string) {
	seen := 0
	for i, b := range blocks {
		if b.Heading {
			continue
		}
		if seen++; seen > 2 {
			break
		}
		name, ok := bylineName(b.Text)
		if !ok && (author == "" || !strings.EqualFold(corpus.OneLine(b.Text), author)) {
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
	text = withoutDate(text)
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

// withoutDate returns a byline without the date that ends it ("By Sam Writer, 28
// November 2026", "By Sam Writer | Nov. 28, 2026"), or text itself.
func withoutDate(text string) string {
	t := strings.TrimRight(strings.TrimSpace(text), ". ")
	ds := corpus.FindDates(t)
	if len(ds) == 0 || ds[len(ds)-1].End != len(t) {
		return text
	}
	head := t[:ds[len(ds)-1].Start]
	head = strings.TrimSuffix(strings.TrimSpace(head), "on")
	head = strings.TrimRight(head, " ,|·•—–-")
	if head == "" {
		return text
	}
	return head
}

// datelineWords may stand before the date of a page's dateline paragraph.
var datelineWords = map[string]bool{"published": true, "updated": true, "posted": true, "last": true,
	"first": true, "on": true, "at": true, "modified": true, "date:": true, "published:": true, "updated:": true}

// isDateline reports whether a paragraph is only the page's date ("28 November 2026",
// "Published 28 Nov 2026, 10:04 GMT", "Updated: 2026-11-28"): a date with at most a few
// words of time around it.
func isDateline(text string) bool {
	t := strings.TrimSpace(text)
	if len(t) > 80 {
		return false
	}
	ds := corpus.FindDates(t)
	if len(ds) == 0 || ds[0].Date.Day == 0 {
		return false
	}
	rest := strings.Fields(t[:ds[0].Start] + " " + t[ds[len(ds)-1].End:])
	for _, w := range rest {
		lw := strings.ToLower(strings.Trim(w, ",.|·•—–-()"))
		if lw == "" || datelineWords[lw] || datelineWords[lw+":"] || isClock(lw) ||
			lw == "am" || lw == "pm" || lw == "gmt" || lw == "utc" || lw == "et" || lw == "est" || lw == "edt" || lw == "cet" || lw == "bst" {
			continue
		}
		return false
	}
	return true
}

// isClock reports whether w is a time of day such as "10:04" or "9.30am".
func isClock(w string) bool {
	w = strings.TrimSuffix(strings.TrimSuffix(w, "am"), "pm")
	if len(w) < 3 || len(w) > 5 {
		return false
	}
	for _, r := range w {
		if !(r >= '0' && r <= '9' || r == ':' || r == '.') {
			return false
		}
	}
	return strings.ContainsAny(w, ":.")
}

// boilerplatePrefixes open the short paragraphs of a page that belong to the site, not
// the article: share buttons, newsletters, advertisements, related links, copyright.
var boilerplatePrefixes = []string{
	"advertisement", "share this", "share on", "share:", "sign up", "subscribe", "follow us",
	"read more", "related:", "related articles", "related stories", "more on this", "see also:",
	"copyright", "©", "all rights reserved", "click here", "listen to this article",
	"this article was", "this story was", "photo:", "image:", "getty images", "reuters/", "ap photo",
	"most read", "don't miss", "newsletter",
}

// dropBoilerplate removes the dateline among an article's first three paragraphs, and
// short paragraphs anywhere that are the site's rather than the article's.
func dropBoilerplate(blocks []corpus.Block) []corpus.Block {
	out := blocks[:0:0]
	seen := 0
	for _, b := range blocks {
		if b.Heading {
			out = append(out, b)
			continue
		}
		seen++
		if seen <= 3 && isDateline(b.Text) || isBoilerplate(b.Text) {
			continue
		}
		out = append(out, b)
	}
	return out
}

// isBoilerplate reports whether a paragraph is a short line of the site's.
func isBoilerplate(text string) bool {
	if len(text) > 120 {
		return false
	}
	lt := strings.ToLower(strings.TrimSpace(text))
	for _, p := range boilerplatePrefixes {
		if strings.HasPrefix(lt, p) {
			return true
		}
	}
	return strings.HasSuffix(lt, "all rights reserved.") || strings.HasSuffix(lt, "all rights reserved")
}
