package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ParseDocument parses the file at path (relative to the corpus folder, "/"-separated)
// whose content is data: Markdown with front matter when path ends in .md, plain text
// when it ends in .txt. A document that cannot be read is reported as a Problem value,
// which errors.As finds, with the path, the line where known, and the reason.
func ParseDocument(path string, data []byte) (Document, error) {
	ext := documentExt(path)
	if ext == "" {
		return Document{}, Problem{Path: path, Reason: "not a .md or .txt document"}
	}
	if p := checkText(data); p != nil {
		p.Path = path
		return Document{}, *p
	}
	if p := checkSize(data); p != nil {
		p.Path = path
		return Document{}, *p
	}
	sum := sha256.Sum256(data)
	doc := Document{
		ID:   strings.TrimSuffix(path, path[len(path)-len(ext):]),
		Path: path,
		Hash: hex.EncodeToString(sum[:]),
	}
	text := strings.ReplaceAll(strings.TrimPrefix(string(data), "\ufeff"), "\r\n", "\n")
	var p *Problem
	if ext == ".md" {
		p = parseMarkdown(&doc, text)
	} else {
		p = parsePlainText(&doc, text)
	}
	if p == nil && len(doc.Paragraphs) == 0 {
		p = &Problem{Reason: "no text: the document has a title but no paragraph"}
	}
	if p == nil {
		p = checkParagraphs(len(doc.Paragraphs))
	}
	if p != nil {
		p.Path = path
		return Document{}, *p
	}
	dateParagraphs(&doc)
	return doc, nil
}

// documentExt returns ".md" or ".txt" when name is a document (in any letter case), else "".
func documentExt(name string) string {
	for _, ext := range []string{".md", ".txt"} {
		if len(name) > len(ext) && strings.EqualFold(name[len(name)-len(ext):], ext) {
			return ext
		}
	}
	return ""
}

// checkText returns a problem when data is not a readable text: empty, binary or not UTF-8.
func checkText(data []byte) *Problem {
	if len(data) == 0 {
		return &Problem{Reason: "empty file"}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return &Problem{Line: lineAt(data, i), Reason: "binary file: it contains NUL bytes, not text"}
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return &Problem{Line: lineAt(data, i), Reason: "not UTF-8 text: invalid byte sequence"}
	}
	if len(bytes.TrimFunc(bytes.TrimPrefix(data, []byte("\ufeff")), unicode.IsSpace)) == 0 {
		return &Problem{Reason: "empty file: only white space"}
	}
	return nil
}

// lineAt returns the 1-based line of the byte at offset i.
func lineAt(data []byte, i int) int {
	return bytes.Count(data[:i], []byte("\n")) + 1
}

// parsePlainText fills doc from a .txt file: the first non-empty line is the title; the
// paragraphs are separated by blank lines, or are one a line when the text after the
// title has no blank line. The lines of a paragraph are joined with a single space, and
// every run of spaces and tabs is one space.
func parsePlainText(doc *Document, text string) *Problem {
	lines := strings.Split(text, "\n")
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	doc.Title = strings.TrimSpace(lines[i])
	doc.Kind = KindArticle
	body := lines[i+1:]
	first := i + 2 // line number of body[0]

	blankSeparated := false
	seenText := false
	for j, l := range body {
		if strings.TrimSpace(l) != "" {
			seenText = true
			continue
		}
		if seenText && hasTextAfter(body[j:]) {
			blankSeparated = true
			break
		}
	}

	var words []string
	start := 0
	flush := func() {
		if len(words) > 0 {
			doc.Paragraphs = append(doc.Paragraphs, Paragraph{
				Number: len(doc.Paragraphs) + 1,
				Line:   start,
				Text:   collapseSpaces(strings.Join(words, " ")),
			})
			words = nil
		}
	}
	for j, l := range body {
		l = strings.TrimSpace(l)
		if l == "" {
			flush()
			continue
		}
		if len(words) == 0 {
			start = first + j
		}
		words = append(words, l)
		if !blankSeparated {
			flush()
		}
	}
	flush()
	return nil
}

// hasTextAfter reports whether any of lines holds more than white space.
func hasTextAfter(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return true
		}
	}
	return false
}

// frontMatter is the YAML block at the top of a Markdown document.
type frontMatter struct {
	Title, URL, Publisher, Author, Published, Kind string
}

// splitFrontMatter separates the front matter of a Markdown text from its body. It returns
// the YAML text, the body, and the 1-based line of the file where the body begins.
func splitFrontMatter(text string) (yamlText, body string, bodyLine int, p *Problem) {
	lines := strings.SplitAfter(text, "\n")
	if strings.TrimRight(lines[0], " \t\n") != "---" {
		return "", "", 0, &Problem{Line: 1, Reason: "no front matter: a Markdown document must begin with a --- line, then title: and a closing --- line"}
	}
	for i := 1; i < len(lines); i++ {
		switch strings.TrimRight(lines[i], " \t\n") {
		case "---", "...":
			return strings.Join(lines[1:i], ""), strings.Join(lines[i+1:], ""), i + 2, nil
		}
	}
	return "", "", 0, &Problem{Line: 1, Reason: "unterminated front matter: no closing --- line"}
}

// parseFrontMatter reads the YAML text of the front matter, which starts on line 2 of
// the file.
func parseFrontMatter(yamlText string) (frontMatter, *Problem) {
	const offset = 1 // YAML line 1 is the file's line 2
	var fm frontMatter
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(yamlText), &root); err != nil {
		line, msg := yamlErrorLine(err)
		// An error at the end of the text is counted on the line after it.
		lines := strings.Count(strings.TrimSuffix(yamlText, "\n"), "\n") + 1
		return fm, &Problem{Line: min(line, lines) + offset, Reason: "bad front matter: " + msg}
	}
	if len(root.Content) == 0 {
		return fm, &Problem{Line: 1, Reason: "no title in the front matter"}
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return fm, &Problem{Line: m.Line + offset, Reason: "bad front matter: expected key: value lines"}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, val := m.Content[i], m.Content[i+1]
		var field *string
		switch key.Value {
		case "title":
			field = &fm.Title
		case "url":
			field = &fm.URL
		case "publisher":
			field = &fm.Publisher
		case "author":
			field = &fm.Author
		case "published":
			field = &fm.Published
		case "kind":
			field = &fm.Kind
		default:
			continue // other keys are allowed and ignored
		}
		if seen[key.Value] {
			return fm, &Problem{Line: key.Line + offset, Reason: fmt.Sprintf("bad front matter: %s is given twice", key.Value)}
		}
		seen[key.Value] = true
		if val.Kind != yaml.ScalarNode {
			return fm, &Problem{Line: val.Line + offset, Reason: fmt.Sprintf("bad front matter: %s must be a single value", key.Value)}
		}
		if val.Tag != "!!null" {
			*field = strings.TrimSpace(val.Value)
		}
		switch key.Value {
		case "published":
			date, err := normaliseDate(*field)
			if err != nil {
				return fm, &Problem{Line: val.Line + offset, Reason: fmt.Sprintf("bad published date %q: want YYYY-MM-DD", *field)}
			}
			fm.Published = date
		case "kind":
			fm.Kind = strings.ToLower(fm.Kind)
			if !validKind(fm.Kind) {
				return fm, &Problem{Line: val.Line + offset, Reason: fmt.Sprintf("unknown kind %q: want article, glossary, timeline, report, statement or opinion", *field)}
			}
		}
	}
	if fm.Title == "" {
		return fm, &Problem{Line: 1, Reason: "no title in the front matter"}
	}
	if fm.Kind == "" {
		fm.Kind = KindArticle
	}
	return fm, nil
}

// yamlErrorLine splits a yaml.v3 error message such as "yaml: line 3: did not find
// expected key" into the 1-based line it is about and the rest of the message.
//
// yaml.v3 (v3.0.1) counts lines from 1 in the scanner's errors but from 0 in the
// parser's, and leaves the line out when that count is 0; the parser's messages are
// recognised here to correct for it.
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		digits, after, ok := strings.Cut(rest, ": ")
		if n, err := strconv.Atoi(digits); ok && err == nil {
			line, msg = n, after
		}
	}
	switch msg {
	case "did not find expected <stream-start>", "did not find expected <document start>",
		"did not find expected node content", "did not find expected '-' indicator",
		"did not find expected key", "did not find expected ',' or ']'",
		"did not find expected ',' or '}'", "found undefined tag handle",
		"found duplicate %YAML directive", "found duplicate %TAG directive",
		"found incompatible YAML document":
		line++ // a parser error: 0-based
	}
	return max(line, 1), msg
}

// normaliseDate turns a YAML date or timestamp into YYYY-MM-DD; empty stays empty.
func normaliseDate(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("parse date %q: not YYYY-MM-DD", s)
}

// validKind reports whether kind is one of the accepted kinds of document.
func validKind(kind string) bool {
	switch kind {
	case KindArticle, KindGlossary, KindTimeline, KindReport, KindStatement, KindOpinion:
		return true
	}
	return false
}

// parseMarkdown fills doc from a Markdown file with front matter.
func parseMarkdown(doc *Document, text string) *Problem {
	yamlText, body, bodyLine, p := splitFrontMatter(text)
	if p != nil {
		return p
	}
	if len(yamlText) > MaxFrontMatterBytes {
		return &Problem{Line: 1, Reason: fmt.Sprintf("the front matter is longer than %s", Size(MaxFrontMatterBytes))}
	}
	fm, p := parseFrontMatter(yamlText)
	if p != nil {
		return p
	}
	if p := checkMarkdownShape([]byte(body), bodyLine); p != nil {
		return p
	}
	doc.Title = oneLine(fm.Title)
	doc.URL = fm.URL
	if fm.URL != "" {
		if _, err := CheckURL(fm.URL); err != nil {
			doc.URL = ""
			doc.Warnings = append(doc.Warnings, Problem{Line: 1, Reason: "url dropped: " + err.Error()})
		}
	}
	doc.Publisher = oneLine(fm.Publisher)
	doc.Author = oneLine(fm.Author)
	doc.Published = fm.Published
	doc.Kind = fm.Kind
	doc.Paragraphs = markdownParagraphs([]byte(body), bodyLine)
	return nil
}
