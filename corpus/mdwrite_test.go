package corpus

import (
	"strings"
	"testing"
)

// TestMarkdownRoundTrip writes articles whose text is full of Markdown's special
// characters and checks that the corpus reads back every paragraph word for word.
func TestMarkdownRoundTrip(t *testing.T) {
	paragraphs := []string{
		"*stars* and _underscores_ and **bold** and __strong__",
		"[a link](https://example.org) and ![an image](x.png) and [ref][1]",
		"`code` and ``double`` and a trailing backslash \\",
		"<b>raw html</b> and <https://example.org> and a < b > c",
		"&amp; &copy; &#39; &#x27; and AT&T and & alone",
		"# not a heading",
		"## not a heading either",
		"> not a quote",
		"- not a list", "+ not a list", "* not a list", "1. not a list", "2015) not a list",
		"2015. The deal was signed.",
		"---", "***", "___", "- - -", "===", "~~~ not a fence", "```not a fence",
		"| not | a | table |", ": not a definition",
		"[x]: /not-a-reference",
		"Ordinary text, with “quotes”, 3.67% and 202.8 kg — and an ellipsis…",
		"http://example.org/path_with_underscores_*",
		"Mixed: C:\\path\\to\\file and \\* escaped star",
	}
	titles := []string{
		"Iran: the talks", `He said "no" and 'yes'`, "- a leading dash", "# hash", "null",
		"true", "2025-08-28", "@mention & #tag", "[brackets]", "multi: colon: title",
	}
	for _, title := range titles {
		a := Article{Title: title, URL: "https://example.org/a?b=c&d=e#f", Publisher: "Pub: lisher",
			Author: "O'Brien", Published: "2025-08-28", Kind: KindArticle}
		for i, p := range paragraphs {
			if i%7 == 3 {
				a.Blocks = append(a.Blocks, Block{Heading: true, Text: "Section # " + p})
			}
			a.Blocks = append(a.Blocks, Block{Text: p})
		}
		md, err := a.Markdown()
		if err != nil {
			t.Errorf("title %q: %v", title, err)
			continue
		}
		doc, err := ParseDocument("x.md", md)
		if err != nil {
			t.Fatalf("title %q: written document does not parse: %v\n%s", title, err, md)
		}
		if got, want := doc.Title, title; got != want {
			t.Errorf("title = %q, want %q", got, want)
		}
		if got, want := len(doc.Paragraphs), len(paragraphs); got != want {
			t.Fatalf("%d paragraphs, want %d", got, want)
		}
		for i, p := range doc.Paragraphs {
			if got, want := p.Text, paragraphs[i]; got != want {
				t.Errorf("paragraph %d = %q, want %q", i+1, got, want)
			}
		}
	}
}

// TestMarkdownRefuses checks that text which would not read back the same is refused
// with a reason, not written.
func TestMarkdownRefuses(t *testing.T) {
	tests := []struct {
		name string
		a    Article
		want string
	}{
		{"spaces not collapsed", Article{Title: "T", Blocks: []Block{{Text: "two  spaces"}}}, "paragraph 1 cannot be written"},
		{"leading indent", Article{Title: "T", Blocks: []Block{{Text: "ok"}, {Text: "    code"}}}, "paragraph 2 cannot be written"},
		{"no title", Article{Title: " ", Blocks: []Block{{Text: "text"}}}, "cannot be written as Markdown"},
		{"bad date", Article{Title: "T", Published: "June 2025", Blocks: []Block{{Text: "text"}}}, "cannot be written as Markdown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.a.Markdown()
			reason, ok := RefusalReason(err)
			if !ok || !strings.Contains(reason, tt.want) {
				t.Errorf("Markdown() error %v, want a refusal containing %q", err, tt.want)
			}
		})
	}
}

// FuzzMarkdownRoundTrip checks that any paragraph is either written so that it reads
// back word for word, or refused: Markdown never writes a text that reads back otherwise.
func FuzzMarkdownRoundTrip(f *testing.F) {
	for _, s := range []string{"plain", "*a*", "# h", "1. x", "&amp;", "\\", "<a>", "[x](y)", "a_b_c", "`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		text := OneLine(s)
		if text == "" || !utf8ValidNoNUL(text) {
			return
		}
		a := Article{Title: "T", Blocks: []Block{{Text: text}}}
		md, err := a.Markdown()
		if err != nil {
			return // refused: nothing written
		}
		doc, err := ParseDocument("x.md", md)
		if err != nil || len(doc.Paragraphs) != 1 || doc.Paragraphs[0].Text != text {
			t.Fatalf("written but reads back differently: %q\n%s", text, md)
		}
	})
}

func utf8ValidNoNUL(s string) bool {
	return !strings.ContainsRune(s, 0) && !strings.ContainsRune(s, '\uFFFD')
}
