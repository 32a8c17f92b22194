package web

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff/corpus"
)

// articlePage is a news page with navigation, a byline, a date and an article whose
// text is full of Markdown's special characters.
const articlePage = `<!doctype html><html><head><title>Iran: the talks resume</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-06-13T08:00:00Z">
<meta name="author" content="Jane Doe">
</head><body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Iran: the talks resume</h1>
<p>Negotiators met in Oman on Friday, the *first* meeting since [March], and agreed to meet again &amp; talk.</p>
<p># Not a heading: 1. not a list either.</p>
<h2>Background</h2>
<p>2015. The deal capped enrichment at 3.67 percent, and inspectors of the IAEA verified it for years afterwards.</p>
<ul><li>first point</li><li>second point<ul><li>a nested point</li></ul></li></ul>
<blockquote><p>“A quote that goes on,” an official said.</p></blockquote>
<p>Line one<br>line two, with <b>bold</b> and <code>code</code> and &lt;tags&gt;.</p>
</article><footer>Copyright Example News</footer></body></html>`

func TestExtractHTML(t *testing.T) {
	got, err := ExtractHTML([]byte(articlePage), "text/html; charset=utf-8", "https://example.org/iran")
	if err != nil {
		t.Fatal(err)
	}
	want := corpus.Article{
		Title: "Iran: the talks resume", URL: "https://example.org/iran", Publisher: "Example News",
		Author: "Jane Doe", Published: "2025-06-13", Kind: corpus.KindArticle,
		Blocks: []corpus.Block{
			{Text: "Negotiators met in Oman on Friday, the *first* meeting since [March], and agreed to meet again & talk."},
			{Text: "# Not a heading: 1. not a list either."},
			{Heading: true, Text: "Background"},
			{Text: "2015. The deal capped enrichment at 3.67 percent, and inspectors of the IAEA verified it for years afterwards."},
			{Text: "first point"},
			{Text: "second point"},
			{Text: "a nested point"},
			{Text: "“A quote that goes on,” an official said."},
			{Text: "Line one line two, with bold and code and <tags>."},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ExtractHTML:\n got %+v\nwant %+v", got, want)
	}
	md, err := got.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := corpus.ParseDocument("a.md", md)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(doc.Paragraphs), got.Paragraphs(); got != want {
		t.Errorf("%d paragraphs read back, want %d", got, want)
	}
}

func TestExtractHTMLMetadata(t *testing.T) {
	tests := []struct {
		name, page, contentType string
		want                    corpus.Article
	}{
		{
			name: "no date, no byline: left empty",
			page: `<html><head><title>Plain page</title></head><body><article><p>` + strings.Repeat("Some words about centrifuges. ", 20) + `</p></article></body></html>`,
			want: corpus.Article{Title: "Plain page", Kind: corpus.KindArticle},
		},
		{
			name:        "windows-1252 declared in the header",
			page:        "<html><head><title>Caf\xe9 talks</title></head><body><article><p>" + strings.Repeat("Na\xefve words. ", 30) + "</p></article></body></html>",
			contentType: "text/html; charset=windows-1252",
			want:        corpus.Article{Title: "Café talks", Kind: corpus.KindArticle},
		},
		{
			name: "date from JSON-LD",
			page: `<html><head><title>LD page</title><script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"LD page","datePublished":"2024-02-03T10:00:00+01:00","author":{"@type":"Person","name":"Ali Reza"}}</script></head><body><article><p>` + strings.Repeat("Words about sanctions. ", 20) + `</p></article></body></html>`,
			want: corpus.Article{Title: "LD page", Author: "Ali Reza", Published: "2024-02-03", Kind: corpus.KindArticle},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ExtractHTML([]byte(tt.page), tt.contentType, "")
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != tt.want.Title || got.Author != tt.want.Author || got.Published != tt.want.Published || got.Publisher != tt.want.Publisher {
				t.Errorf("got title %q author %q published %q publisher %q, want %q %q %q %q", got.Title, got.Author,
					got.Published, got.Publisher, tt.want.Title, tt.want.Author, tt.want.Published, tt.want.Publisher)
			}
			if got.Paragraphs() == 0 {
				t.Error("no paragraph extracted")
			}
		})
	}
}

func TestExtractHTMLRefuses(t *testing.T) {
	tests := []struct{ name, page, want string }{
		{"no text", `<html><head><title>Empty</title></head><body></body></html>`, "no article text"},
		{"no title", `<html><body><p>` + strings.Repeat("Words. ", 100) + `</p></body></html>`, "no title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ExtractHTML([]byte(tt.page), "text/html", "")
			if reason, ok := corpus.RefusalReason(err); !ok || !strings.Contains(reason, tt.want) {
				t.Errorf("error %v, want a refusal containing %q", err, tt.want)
			}
		})
	}
}

// TestBylineIsNotAParagraph: a page's byline names the author and is not ¶1.
func TestBylineIsNotAParagraph(t *testing.T) {
	const body = `<p>The Qom site enriches uranium deep underground in a mountain, said officials on Monday in a long statement.</p>
<p>A second paragraph explains the centrifuges and the cascades that run there every single day.</p>`
	for _, tt := range []struct {
		name, byline, wantAuthor, wantFirst string
	}{
		{"byline class", `<p class="byline">By Sam Reporter</p>`, "Sam Reporter", "The Qom site"},
		{"plain paragraph", `<p>By Sam Reporter</p>`, "Sam Reporter", "The Qom site"},
		{"two authors", `<p>by Jane Doe and Ali Reza</p>`, "Jane Doe and Ali Reza", "The Qom site"},
		{"a sentence, kept", `<p>By Monday the site had closed its gates to the inspectors from Vienna.</p>`, "", "By Monday"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html><head><title>Qom talk</title></head><body><article><h1>Qom talk</h1>` + tt.byline + body + `</article></body></html>`
			a, err := ExtractHTML([]byte(page), "text/html", "")
			if err != nil {
				t.Fatal(err)
			}
			if a.Author != tt.wantAuthor {
				t.Errorf("author %q, want %q", a.Author, tt.wantAuthor)
			}
			if len(a.Blocks) == 0 || !strings.HasPrefix(a.Blocks[0].Text, tt.wantFirst) {
				t.Errorf("first paragraph %+v, want it to start %q", a.Blocks, tt.wantFirst)
			}
		})
	}
	for text, want := range map[string]bool{"By J. R. Smith": true, "By Sam Reporter, Jane Doe": true,
		"By then it was late.": false, "By": false, "By Sam Reporter.": false, "Sam Reporter": false} {
		if _, got := bylineName(text); got != want {
			t.Errorf("bylineName(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestExtractStopsWithItsContext: a page read under a context that is done is refused
// as stopped, not read: the check of its shape and its parsing look at the context.
func TestExtractStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ExtractHTMLContext(ctx, []byte(articlePage), "text/html", "")
	if reason, ok := corpus.RefusalReason(err); !ok || !strings.Contains(reason, "stopped") {
		t.Errorf("got %v, want a refusal as stopped", err)
	}
	if _, err := ExtractHTMLContext(context.Background(), []byte(articlePage), "text/html", ""); err != nil {
		t.Errorf("the same page under a live context: %v", err)
	}
}
