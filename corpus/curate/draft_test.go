package curate

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/corpus"
)

// newsPage is a news page with navigation, a byline and a date.
const newsPage = `<!doctype html><html><head><title>Iran: the talks resume</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-06-13T08:00:00Z">
</head><body><nav><a href="/">Home</a></nav>
<article><h1>Iran: the talks resume</h1><p>By Sam Writer</p>
<p>Negotiators met in Oman on Friday, the first meeting since March, and agreed to meet again.</p>
<p>The deal capped enrichment at 3.67 percent, and inspectors of the IAEA verified it for years afterwards.</p>
</article><footer>Copyright Example News</footer></body></html>`

// TestNewDraftReadsHTML: a page and an uploaded HTML file are drafted from their
// article, with the page's address, publisher, date and byline as metadata.
func TestNewDraftReadsHTML(t *testing.T) {
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for _, src := range []corpus.Source{
		{URL: "https://example.org/talks", ContentType: "text/html; charset=utf-8", Data: []byte(newsPage)},
		{Name: "talks.html", Data: []byte(newsPage)},
	} {
		d, err := NewDraft(context.Background(), nil, &corpus.Corpus{}, src, today)
		if err != nil {
			t.Fatal(err)
		}
		doc := d.Doc
		if d.Path != "added/2025-06-13-iran-the-talks-resume.md" || doc.URL != src.URL || doc.Publisher != "Example News" || doc.Author != "Sam Writer" {
			t.Errorf("draft %s: url %q publisher %q author %q", d.Path, doc.URL, doc.Publisher, doc.Author)
		}
		if len(doc.Paragraphs) != 2 || !strings.HasPrefix(doc.Paragraphs[0].Text, "Negotiators met") {
			t.Errorf("paragraphs %+v", doc.Paragraphs)
		}
	}
}

// hostilePages are HTML pages of about 2 MB or less that must be refused for their
// shape before the parser and the extraction run long on them, or read within limits.
func hostilePages() []struct{ name, body, want string } {
	return []struct{ name, body, want string }{
		{"html-nested-a", strings.Repeat("<a href=x>", 200_000), "more than 30000 HTML elements"},
		{"html-nested-div", strings.Repeat("<div>", 25_000), "not readable HTML"},
		{"html-many-paragraphs", strings.Repeat("<p>x", 500_000), "more than 30000 HTML elements"},
		{"html-deep-closed", strings.Repeat("<span>", 300) + "x" + strings.Repeat("</span>", 300) + "<p>text</p>", "nest more than 128 deep"},
		{"html-9000-links", strings.Repeat("<p><a href=x>"+strings.Repeat("w ", 50)+"</a></p>", 9_000), ""},
		{"html-one-huge-paragraph", "<p>" + strings.Repeat("word ", 400_000) + "</p>", "a paragraph of the page is longer than 64 KB"},
		{"html-big-script", "<script>" + strings.Repeat("var a = 1; ", 20_000) + "</script><p>" + strings.Repeat("Inspectors visited the site. ", 20) + "</p>", ""},
	}
}

// TestHostilePagesRefused is the HTML half of corpus.TestHostileDocumentsRefused: every
// hostile page is refused with a clear reason through NewDraft (an upload).
func TestHostilePagesRefused(t *testing.T) {
	for _, h := range hostilePages() {
		t.Run(h.name, func(t *testing.T) {
			src := corpus.Source{Name: h.name + ".html", ContentType: "text/html",
				Data: []byte("<html><head><title>Hostile</title></head><body><article>" + h.body)}
			// A generous deadline: what is refused here is refused for its shape, before
			// parsing, whatever the machine's load (or the race detector's cost).
			d, err := NewDraft(context.Background(), corpus.NewParser(1, 2*time.Minute), &corpus.Corpus{}, src, time.Now())
			if h.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if n := len(d.Doc.Paragraphs); n == 0 || n > corpus.MaxParagraphs {
					t.Errorf("%d paragraphs", n)
				}
				return
			}
			if reason, ok := corpus.RefusalReason(err); !ok || !strings.Contains(reason, h.want) {
				t.Fatalf("NewDraft: %v, want a refusal with %q", err, h.want)
			}
		})
	}
}

// hostileHTMLShapes are HTML pages of about size bytes, each built on what makes the
// parser or the article extraction do the most work (the HTML half of the corpus
// package's hostile shapes).
func hostileHTMLShapes(size int) []struct{ name, page string } {
	fill := func(head, unit, tail string) string {
		n := max(1, (size-len(head)-len(tail))/len(unit))
		return head + strings.Repeat(unit, n) + tail
	}
	page := func(body string) string {
		return "<html><head><title>Hostile</title></head><body><article>" + body + "</article></body></html>"
	}
	nested := func(open, inner, closing string, depth int) string {
		return strings.Repeat(open, depth) + inner + strings.Repeat(closing, depth)
	}
	dated := "28 February 2026: as of 17 May 2025, as of early June 2025, In 2025, On 22 June 2025 Fordow; "
	depth := corpus.MaxHTMLDepth - 6
	return []struct{ name, page string }{
		{"html-blank-lines", page(fill("<p>line</p>", "\n", "<p>end</p>"))},
		{"html-one-huge-paragraph", page(fill("<p>", "word ", "</p>"))},
		{"html-one-huge-word", page(fill("<p>", "x", "</p>"))},
		{"html-deep-nesting", page(strings.Repeat(nested("<div>", "<p>text</p>", "</div>", depth), min(corpus.MaxHTMLElements/(depth+1), size/(11*(depth+1))+1)))},
		{"html-unclosed-formatting", page(fill("<p>", "<b>", "text</p>")[:min(size, 29_000*3)])},
		{"html-headings", page(strings.Repeat("<h2>heading</h2><p>text</p>", min(14_000, size/27)))},
		{"html-paragraphs", page(strings.Repeat("<p>"+strings.Repeat("word ", 25)+"</p>", min(28_000, size/132)))},
		{"html-list-items", page("<ul>" + strings.Repeat("<li>item</li>", min(28_000, size/13)) + "</ul>")},
		{"html-table", page("<table>" + strings.Repeat("<tr><td>a</td><td>b</td></tr>", min(9_000, size/29)) + "</table>")},
		{"html-dates", page(fill("<p>", dated, "</p>"))},
		{"html-attributes", page(fill(`<p title="`, "a", `">text</p>`))},
		{"html-comment", page(fill("<!--", "-", "--><p>text</p>"))},
	}
}

// BenchmarkHostileHTML reads 2 MB of each hostile HTML shape as a moderator's upload
// (NewDraft: the page's shape checked, parsed, its article extracted, the document
// drafted): each must be read or refused within a second.
func BenchmarkHostileHTML(b *testing.B) {
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for _, s := range hostileHTMLShapes(2<<20 - 4096) {
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(s.page)))
			refused := 0
			for b.Loop() {
				if _, err := NewDraft(context.Background(), nil, &corpus.Corpus{}, corpus.Source{Name: "h.html", Data: []byte(s.page)}, today); err != nil {
					refused = 1
				}
			}
			b.ReportMetric(float64(refused), "refused")
		})
	}
}
