package corpus

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// Citation is where the facts of a passage come from, as a document's "Sources:"
// paragraph names it. Empty strings stand for what the paragraph does not say.
type Citation struct {
	Title     string
	Publisher string
	Published string // YYYY, YYYY-MM or YYYY-MM-DD, as given
	URL       string // http or https, without credentials; empty when none was valid
}

// sourcesPrefix reports whether a paragraph's text opens a list of sources.
func sourcesPrefix(text string) bool {
	return strings.HasPrefix(text, "Sources:") || strings.HasPrefix(text, "Source:")
}

// datePattern matches the dates a source may carry.
var datePattern = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

// sourceToken is a piece of a Sources paragraph: a link or a run of text.
type sourceToken struct {
	link bool
	text string // the link's text, or the run of text
	dest string // the link's destination
}

// parseSources reads the sources of a "Sources:" paragraph: sources are separated by
// semicolons; each is a Markdown link, [Title](https://…), followed by an optional
// "(Publisher, YYYY-MM-DD)", or a plain description without a link. A link whose text is
// its publisher's name has no title of its own. An address that is not http or https, or
// that carries credentials, is dropped; the source keeps its title and publisher.
func parseSources(n ast.Node, src []byte) []Citation {
	var toks []sourceToken
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Link:
			toks = append(toks, sourceToken{link: true, text: collapseSpaces(inlineText(c, src)), dest: string(c.Destination)})
		case *ast.AutoLink:
			toks = append(toks, sourceToken{link: true, dest: string(c.URL(src))})
		default:
			var b strings.Builder
			writeInlineOne(&b, c, src)
			toks = append(toks, sourceToken{text: b.String()})
		}
	}
	// Drop the "Sources:" label.
	for i := range toks {
		if toks[i].link {
			break
		}
		t := strings.TrimLeft(toks[i].text, " \t")
		if rest, ok := strings.CutPrefix(t, "Sources:"); ok {
			toks[i].text = rest
			break
		}
		if rest, ok := strings.CutPrefix(t, "Source:"); ok {
			toks[i].text = rest
			break
		}
	}

	var out []Citation
	var cur *Citation
	var rest strings.Builder // text after cur's link, or a source without a link
	flush := func() {
		tail := strings.TrimSpace(rest.String())
		tail = strings.TrimSpace(strings.TrimRight(tail, "."))
		rest.Reset()
		if cur == nil {
			if tail != "" {
				out = append(out, Citation{Title: collapseSpaces(tail)})
			}
			return
		}
		if strings.HasPrefix(tail, "(") && strings.HasSuffix(tail, ")") {
			cur.Publisher, cur.Published = publisherDate(tail[1 : len(tail)-1])
		}
		if cur.Title == cur.Publisher {
			cur.Title = ""
		}
		if cur.Title != "" || cur.Publisher != "" || cur.URL != "" {
			out = append(out, *cur)
		}
		cur = nil
	}
	depth := 0
	for _, t := range toks {
		if t.link {
			if depth == 0 {
				flush()
				cur = &Citation{Title: t.text, URL: webAddress(t.dest)}
				continue
			}
			rest.WriteString(t.text)
			continue
		}
		for _, r := range t.text {
			switch {
			case r == '(':
				depth++
			case r == ')' && depth > 0:
				depth--
			case r == ';' && depth == 0:
				flush()
				continue
			}
			rest.WriteRune(r)
		}
	}
	flush()
	return out
}

// publisherDate splits "Publisher, 2025-08-28" into its publisher and date; either may
// be missing.
func publisherDate(s string) (publisher, date string) {
	s = collapseSpaces(strings.TrimSpace(s))
	if datePattern.MatchString(s) {
		return "", s
	}
	if k := strings.LastIndex(s, ","); k >= 0 {
		if d := strings.TrimSpace(s[k+1:]); datePattern.MatchString(d) {
			return strings.TrimSpace(s[:k]), d
		}
	}
	return s, ""
}

// webAddress returns s when it is an absolute http or https address without
// credentials, else "".
func webAddress(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	if strings.ContainsAny(s, " \t\n\r<>\"") {
		return ""
	}
	return s
}
