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
