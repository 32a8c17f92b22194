package corpus

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func readFixture(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseDocumentMarkdown(t *testing.T) {
	got, err := ParseDocument("glossary.md", readFixture(t, "mixed/glossary.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Hash) != 64 {
		t.Errorf("Hash = %q, want 64 hex digits", got.Hash)
	}
	got.Hash = ""
	want := Document{
		ID:        "glossary",
		Path:      "glossary.md",
		Title:     "Glossary of the standoff",
		URL:       "https://example.org/glossary",
		Publisher: "Example Press",
		Author:    "Jane Doe",
		Published: "2025-08-28",
		Kind:      KindGlossary,
		Paragraphs: []Paragraph{
			{1, "", 11, "An introduction before any heading, with emphasis, strong text, a link to the IAEA and code.", nil, ""},
			{2, "Breakout time", 16, "Breakout time is the time a country would need to produce enough weapons-grade uranium for one bomb. Under the 2015 deal it was about a year.", nil, ""},
			{3, "Limits", 21, "Enrichment capped at 3.67%.", nil, ""},
			{4, "Limits", 22, "A stockpile of at most 202.8 kg of uranium hexafluoride.", nil, ""},
			{5, "Limits", 24, "A nested item about centrifuges.", nil, ""},
			{6, "Limits", 26, "The deal “would cut off every pathway,” an official said.", nil, ""},
			{7, "Limits", 28, "A second quoted paragraph.", nil, ""},
			{8, "Snapback", 32, "Snapback is the return of UN sanctions.", nil, ""},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseDocument:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseDocumentFrontMatter(t *testing.T) {
	tests := []struct {
		name, front         string
		published, kind, id string
	}{
		{"yaml date", "title: T\npublished: 2025-08-28", "2025-08-28", KindArticle, "a/b"},
		{"quoted date", "title: T\npublished: \"2025-08-28\"", "2025-08-28", KindArticle, "a/b"},
		{"timestamp", "title: T\npublished: 2025-08-28T10:30:00Z", "2025-08-28", KindArticle, "a/b"},
		{"no date", "title: T\npublished:", "", KindArticle, "a/b"},
		{"kind in capitals", "title: T\nkind: Timeline", "", KindTimeline, "a/b"},
		{"unknown keys", "title: T\nlang: en\nsummary: {a: 1}", "", KindArticle, "a/b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ParseDocument("a/b.md", []byte("---\n"+tt.front+"\n---\n\nText.\n"))
			if err != nil {
				t.Fatal(err)
			}
			got := []string{doc.Published, doc.Kind, doc.ID, doc.Title}
			want := []string{tt.published, tt.kind, tt.id, "T"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("published, kind, id, title = %q, want %q", got, want)
			}
		})
	}
}

func TestParseDocumentInline(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"emphasis", "*a* _b_ **c** __d__ ***e***", "a b c d e"},
		{"link", "see [the report](https://x.org \"title\") now", "see the report now"},
		{"reference link", "see [the report][r]\n\n[r]: https://x.org", "see the report"},
		{"autolink", "at <https://x.org>", "at https://x.org"},
		{"code span", "the `enrich()` call", "the enrich() call"},
		{"soft break", "one\ntwo", "one two"},
		{"hard break spaces", "one  \ntwo", "one two"},
		{"hard break backslash", "one\\\ntwo", "one two"},
		{"escapes", `a \*b\* c`, "a *b* c"},
		{"entities", "AT&amp;T &#8212; &mdash;", "AT&T — —"},
		{"typography kept", "Iran’s “deal” — 60%…", "Iran’s “deal” — 60%…"},
		{"image dropped", "before ![a map](map.png) after", "before after"},
		{"inline html dropped", "x<sup>2</sup> y", "x2 y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ParseDocument("x.md", []byte("---\ntitle: T\n---\n"+tt.body+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.Paragraphs[0].Text; got != tt.want {
				t.Errorf("Text = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseDocumentBlocks(t *testing.T) {
	src := "---\ntitle: T\n---\n" + // lines 1-3
		"Intro.\n" + // 4
		"\n" +
		"Setext heading\n" + // 6
		"==============\n" +
		"\n" +
		"1. first\n" + // 9
		"2. second\n" + // 10
		"\n" +
		"> quote\n" + // 12
		"\n" +
		"```\n" +
		"code line one\n" + // 15
		"code line two\n" +
		"```\n" +
		"\n" +
		"<div>html is left out</div>\n" +
		"\n" +
		"---\n" +
		"\n" +
		"#### Deep\n" +
		"\n" +
		"Last.\n" // 25
	doc, err := ParseDocument("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []Paragraph{
		{1, "", 4, "Intro.", nil, ""},
		{2, "Setext heading", 9, "first", nil, ""},
		{3, "Setext heading", 10, "second", nil, ""},
		{4, "Setext heading", 12, "quote", nil, ""},
		{5, "Setext heading", 15, "code line one code line two", nil, ""},
		{6, "Deep", 25, "Last.", nil, ""},
	}
	if !reflect.DeepEqual(doc.Paragraphs, want) {
		t.Errorf("Paragraphs:\n got %+v\nwant %+v", doc.Paragraphs, want)
	}
}

func TestParseDocumentCRLF(t *testing.T) {
	doc, err := ParseDocument("x.md", []byte("\ufeff---\r\ntitle: T\r\n---\r\n\r\nOne\r\ntwo.\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Paragraph{{1, "", 5, "One two.", nil, ""}}
	if !reflect.DeepEqual(doc.Paragraphs, want) {
		t.Errorf("Paragraphs = %+v, want %+v", doc.Paragraphs, want)
	}
}

func TestParseDocumentText(t *testing.T) {
	tests := []struct {
		name, path, src string
		title           string
		want            []Paragraph
	}{
		{
			name:  "blank lines",
			path:  "notes.txt",
			src:   string(readFixture(t, "mixed/notes.txt")),
			title: "Notes on the talks",
			want: []Paragraph{
				{1, "", 3, "The first paragraph runs over two lines.", nil, ""},
				{2, "", 6, "The second paragraph.", nil, ""},
			},
		},
		{
			name:  "one a line",
			path:  "timeline.txt",
			src:   string(readFixture(t, "mixed/timeline.txt")),
			title: "A short timeline",
			want: []Paragraph{
				{1, "", 2, "2015: the deal is signed.", nil, "2015"},
				{2, "", 3, "2018: the United States withdraws.", nil, "2018"},
				{3, "", 4, "2025: snapback.", nil, "2025"},
			},
		},
		{
			name:  "one a line after a blank line",
			path:  "t.txt",
			src:   "\n  Title  \n\nfirst\n  second   line  \n\n",
			title: "Title",
			want: []Paragraph{
				{1, "", 4, "first", nil, ""},
				{2, "", 5, "second line", nil, ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ParseDocument(tt.path, []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if doc.Title != tt.title || doc.Kind != KindArticle {
				t.Errorf("Title, Kind = %q, %q, want %q, %q", doc.Title, doc.Kind, tt.title, KindArticle)
			}
			if !reflect.DeepEqual(doc.Paragraphs, tt.want) {
				t.Errorf("Paragraphs:\n got %+v\nwant %+v", doc.Paragraphs, tt.want)
			}
		})
	}
}

func TestParseDocumentProblems(t *testing.T) {
	tests := []struct {
		name, path string
		data       []byte
		line       int
		reason     string // a part of the reason
	}{
		{"no title", "notitle.md", readFixture(t, "mixed/notitle.md"), 1, "no title"},
		{"empty title", "x.md", []byte("---\ntitle: \"  \"\n---\n\nText.\n"), 1, "no title"},
		{"empty front matter", "x.md", []byte("---\n---\n\nText.\n"), 1, "no title"},
		{"yaml syntax", "broken-yaml.md", readFixture(t, "mixed/broken-yaml.md"), 3, "bad front matter"},
		{"yaml indentation", "x.md", []byte("---\ntitle: T\n  url: x\n---\nText.\n"), 3, "bad front matter"},
		{"yaml open quote", "x.md", []byte("---\ntitle: T\nauthor: 'Jane\n---\nText.\n"), 3, "bad front matter"},
		{"yaml not a mapping", "x.md", []byte("---\n- title\n---\nText.\n"), 2, "key: value"},
		{"title not text", "x.md", []byte("---\ntitle:\n  - a\n---\nText.\n"), 3, "title must be a single value"},
		{"twice", "x.md", []byte("---\ntitle: A\ntitle: B\n---\nText.\n"), 3, "given twice"},
		{"unterminated", "unterminated.md", readFixture(t, "mixed/unterminated.md"), 1, "unterminated front matter"},
		{"no front matter", "nofrontmatter.md", readFixture(t, "mixed/nofrontmatter.md"), 1, "no front matter"},
		{"unknown kind", "badkind.md", readFixture(t, "mixed/badkind.md"), 3, `unknown kind "rumour"`},
		{"bad date", "baddate.md", readFixture(t, "mixed/baddate.md"), 3, `bad published date "28/08/2025"`},
		{"impossible date", "x.md", []byte("---\ntitle: T\npublished: 2025-02-30\n---\nText.\n"), 3, "bad published date"},
		{"binary", "binary.md", readFixture(t, "mixed/binary.md"), 5, "binary file"},
		{"not utf-8", "latin1.txt", readFixture(t, "mixed/latin1.txt"), 3, "not UTF-8"},
		{"empty", "empty.md", readFixture(t, "mixed/empty.md"), 0, "empty file"},
		{"white space only", "blank.txt", readFixture(t, "mixed/blank.txt"), 0, "only white space"},
		{"title only", "x.txt", []byte("Title\n\n"), 0, "no paragraph"},
		{"front matter only", "x.md", []byte("---\ntitle: T\n---\n# Heading\n"), 0, "no paragraph"},
		{"other extension", "x.pdf", []byte("%PDF"), 0, "not a .md or .txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDocument(tt.path, tt.data)
			var p Problem
			if !errors.As(err, &p) {
				t.Fatalf("error = %v, want a Problem", err)
			}
			if p.Path != tt.path || p.Line != tt.line || !strings.Contains(p.Reason, tt.reason) {
				t.Errorf("Problem = %+v, want path %q, line %d, reason containing %q", p, tt.path, tt.line, tt.reason)
			}
		})
	}
}

func TestProblemError(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{"a.md", 3, "bad"}, "a.md:3: bad"},
		{Problem{"a.md", 0, "bad"}, "a.md: bad"},
	}
	for _, tt := range tests {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func FuzzParseDocument(f *testing.F) {
	f.Add("x.md", []byte("---\ntitle: T\npublished: 2025-08-28\n---\n# H\n\n- a *b*\n  - c\n\n> q\n"))
	f.Add("x.md", []byte("---\ntitle: [T\n---\n"))
	f.Add("x.txt", []byte("Title\n\none\ntwo\n\nthree\n"))
	f.Fuzz(func(t *testing.T, path string, data []byte) {
		doc, err := ParseDocument(path, data)
		if err != nil {
			var p Problem
			if !errors.As(err, &p) || p.Path != path || p.Reason == "" {
				t.Fatalf("error %v is not a Problem for %q", err, path)
			}
			return
		}
		if doc.Title == "" || len(doc.Paragraphs) == 0 {
			t.Fatalf("document without title or paragraphs: %+v", doc)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for i, p := range doc.Paragraphs {
			if p.Number != i+1 || p.Text == "" || p.Line < 1 || p.Line > lines {
				t.Fatalf("paragraph %d: %+v (file of %d lines)", i, p, lines)
			}
		}
	})
}
