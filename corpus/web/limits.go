package web

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/standoff-bot/standoff/corpus"
	"golang.org/x/net/html"
)

// checkHTMLShape refuses, with a tokenizer pass that costs little, a page with more than
// corpus.MaxHTMLElements elements or whose elements nest deeper than corpus.MaxHTMLDepth (counting
// only the elements that are closed: HTML leaves many open): the HTML parser and the
// article extraction take time and memory that grow faster than the page on those.
func checkHTMLShape(ctx context.Context, text string) error {
	z := html.NewTokenizer(ctxReader{ctx, strings.NewReader(text)})
	z.SetMaxBuf(corpus.MaxDocumentBytes)
	elements := 0
	var open []string
	raw := false // in a script, style or other element whose text is not the page's
	for {
		switch z.Next() {
		case html.TextToken:
			// A paragraph over a Markdown line is refused when the draft is written; a
			// text that long costs the extraction seconds first, so it is refused here.
			if !raw && visibleBytes(z.Text()) > corpus.MaxLineBytes {
				return corpus.Refuse(fmt.Sprintf("a paragraph of the page is longer than %s", corpus.Size(corpus.MaxLineBytes)), nil)
			}
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return nil
			}
			if ctx.Err() != nil {
				return corpus.Refuse("reading it was stopped", ctx.Err())
			}
			return corpus.Refuse("the page is not readable HTML", z.Err())
		case html.StartTagToken:
			elements++
			name, _ := z.TagName()
			raw = rawTextElement(string(name))
			if !voidElement(string(name)) {
				open = append(open, string(name))
				if len(open) > 4*corpus.MaxHTMLDepth {
					open = open[len(open)-4*corpus.MaxHTMLDepth:]
				}
			}
		case html.SelfClosingTagToken:
			elements++
		case html.EndTagToken:
			raw = false
			name, _ := z.TagName()
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == string(name) {
					if i+1 > corpus.MaxHTMLDepth {
						return corpus.Refuse(fmt.Sprintf("the page's elements nest more than %d deep", corpus.MaxHTMLDepth), nil)
					}
					open = open[:i]
					break
				}
			}
		}
		if elements > corpus.MaxHTMLElements {
			return corpus.Refuse(fmt.Sprintf("the page has more than %d HTML elements", corpus.MaxHTMLElements), nil)
		}
	}
}

// rawTextElement reports whether an HTML element's content is not the page's text: a
// script, a style sheet and the like, which the article extraction drops.
func rawTextElement(name string) bool {
	switch name {
	case "script", "style", "noscript", "template", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext":
		return true
	}
	return false
}

// visibleBytes counts the bytes of b that are not ASCII white space.
func visibleBytes(b []byte) int {
	n := 0
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\f' {
			n++
		}
	}
	return n
}

// voidElement reports whether an HTML element never has an end tag.
func voidElement(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}

// ctxReader reads from r a few KB at a time, and fails once ctx is done: the HTML
// tokenizer and parser then return.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read reads at most 4 KB into p, or fails with ctx's error.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) > 4096 {
		p = p[:4096]
	}
	return c.r.Read(p)
}
