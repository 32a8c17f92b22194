package corpus

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdownParagraphs parses the body of a Markdown document (CommonMark, no extensions)
// and returns its paragraphs, numbered from 1. firstLine is the line of the file on which
// src begins, so that Paragraph.Line is a line of the file.
//
// Paragraphs, list items (one paragraph an item; a nested list's items are paragraphs of
// their own), the paragraphs of quotes, and code blocks (their lines joined with spaces)
// are paragraphs. Headings name the section of the paragraphs under them. A paragraph
// that opens with "Sources:" (or "Source:") is not a paragraph: it names the sources of
// the paragraphs of its section since the heading or the previous such paragraph (its
// whole section, or the paragraph just before it), and of the paragraphs that follow it
// in its section when none precede it. HTML blocks,
// thematic breaks and images are left out, and so is a block left without text. In the
// text, every run of spaces and tabs is one space.
//
// It stops, with the paragraphs read so far, once r does: goldmark's block parser reads
// its source a line at a time through r; its inline parser cannot be stopped, but the
// limits that checkMarkdownShape applies keep its work linear and small.
func markdownParagraphs(r *reading, src []byte, firstLine int) []Paragraph {
	root := goldmark.DefaultParser().Parse(stoppableSource{text.NewReader(src), r})
	if r.stopped() != nil {
		return nil
	}
	w := mdWalker{src: src, firstLine: firstLine, r: r}
	w.block(root)
	return w.paragraphs
}

// mdWalker collects the paragraphs of a Markdown tree.
type mdWalker struct {
	r          *reading
	src        []byte
	firstLine  int
	section    string
	paragraphs []Paragraph
	uncited    int        // the first paragraph no Sources paragraph of its section covers
	ahead      []Citation // sources given before any paragraph of the section

	lineOff, lineNo int // newlines counted in src[:lineOff], so that each is counted once
}

// linesBefore returns the number of newlines in src before off, counting on from the
// last call when blocks come in order: counting from the start each time would make a
// document of many paragraphs take quadratic time.
func (w *mdWalker) linesBefore(off int) int {
	if off < w.lineOff {
		w.lineOff, w.lineNo = 0, 0
	}
	w.lineNo += bytes.Count(w.src[w.lineOff:off], []byte("\n"))
	w.lineOff = off
	return w.lineNo
}

// block visits a block node and its children.
func (w *mdWalker) block(n ast.Node) {
	if w.r.done(1) {
		return
	}
	switch n := n.(type) {
	case *ast.Heading:
		w.section = collapseSpaces(inlineText(n, w.src))
		w.uncited, w.ahead = len(w.paragraphs), nil
	case *ast.Paragraph, *ast.TextBlock:
		t := inlineText(n, w.src)
		if sourcesPrefix(t) {
			w.cite(parseSources(n, w.src))
			return
		}
		w.add(t, n)
	case *ast.ListItem:
		// The item's own text is one paragraph; nested lists, quotes and code in it are
		// paragraphs of their own, after it.
		var parts []string
		var first ast.Node
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c.(type) {
			case *ast.Paragraph, *ast.TextBlock:
				if t := inlineText(c, w.src); t != "" {
					parts = append(parts, t)
					if first == nil {
						first = c
					}
				}
			}
		}
		if first != nil {
			w.add(strings.Join(parts, " "), first)
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c.(type) {
			case *ast.Paragraph, *ast.TextBlock:
			default:
				w.block(c)
			}
		}
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		w.add(codeText(n, w.src), n)
	case *ast.HTMLBlock, *ast.ThematicBreak:
	default: // document, list, blockquote
		for c := n.FirstChild(); c != nil && w.r.err == nil; c = c.NextSibling() {
			w.block(c)
		}
	}
}

// add appends a paragraph whose text is t, starting where block n starts; empty text is
// not a paragraph.
func (w *mdWalker) add(t string, n ast.Node) {
	if t == "" || n.Lines().Len() == 0 {
		return
	}
	w.paragraphs = append(w.paragraphs, Paragraph{
		Number:  len(w.paragraphs) + 1,
		Section: w.section,
		Line:    w.firstLine + w.linesBefore(n.Lines().At(0).Start),
		Text:    collapseSpaces(t),
		Sources: w.ahead,
	})
}

// cite attaches the sources of a Sources paragraph to the paragraphs it covers.
func (w *mdWalker) cite(srcs []Citation) {
	if len(w.paragraphs) == w.uncited {
		w.ahead = append(w.ahead, srcs...)
		return
	}
	for i := w.uncited; i < len(w.paragraphs); i++ {
		w.paragraphs[i].Sources = append(w.paragraphs[i].Sources, srcs...)
	}
	w.uncited = len(w.paragraphs)
}

// collapseSpaces replaces every run of spaces and tabs in s with a single space, as a
// browser shows the text; removed markup leaves no double space behind.
func collapseSpaces(s string) string {
	if !strings.Contains(s, "  ") && !strings.Contains(s, "\t") {
		return s // nothing to collapse: no copy
	}
	var b strings.Builder
	b.Grow(len(s))
	inRun := false
	for _, r := range s {
		if r == ' ' || r == '\t' {
			if !inRun {
				b.WriteByte(' ')
			}
			inRun = true
			continue
		}
		inRun = false
		b.WriteRune(r)
	}
	return b.String()
}

// codeText returns the lines of a code block, trimmed and joined with single spaces.
func codeText(n ast.Node, src []byte) string {
	var words []string
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		if l := strings.TrimSpace(string(seg.Value(src))); l != "" {
			words = append(words, l)
		}
	}
	return strings.Join(words, " ")
}

// inlineText returns the text of a block's inline content with the markup removed:
// emphasis markers go, a link becomes its text, a code span its code, backslash escapes
// and character references are resolved, line breaks become a single space, and images
// and raw HTML are left out. Runs of spaces are collapsed later, by add.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	writeInline(&b, n, src)
	return strings.TrimSpace(b.String())
}

// writeInline writes the text of n's inline children to b.
func writeInline(b *strings.Builder, n ast.Node, src []byte) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		writeInlineOne(b, c, src)
	}
}

// writeInlineOne writes the text of the inline node c to b.
func writeInlineOne(b *strings.Builder, c ast.Node, src []byte) {
	switch c := c.(type) {
	case *ast.Text:
		v := c.Segment.Value(src)
		if !c.IsRaw() {
			v = util.UnescapePunctuations(util.ResolveEntityNames(util.ResolveNumericReferences(v)))
		}
		if c.SoftLineBreak() || c.HardLineBreak() {
			b.Write(bytes.TrimRight(v, " \t"))
			b.WriteByte(' ')
		} else {
			b.Write(v)
		}
	case *ast.String:
		b.Write(c.Value)
	case *ast.CodeSpan:
		for t := c.FirstChild(); t != nil; t = t.NextSibling() {
			if t, ok := t.(*ast.Text); ok {
				v := t.Segment.Value(src)
				if line, ok := bytes.CutSuffix(v, []byte("\n")); ok {
					b.Write(line)
					b.WriteByte(' ')
				} else {
					b.Write(v)
				}
			}
		}
	case *ast.AutoLink:
		b.Write(c.Label(src))
	case *ast.Image, *ast.RawHTML:
	default: // emphasis, link
		writeInline(b, c, src)
	}
}
