package web

import (
	"strings"
	"testing"
)

func TestCleanURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://Example.ORG:443/news/article.html?utm_source=x&utm_medium=rss#top": "https://example.org/news/article.html",
		"https://example.org/a?id=7&fbclid=abc&gclid=1&ref=home":                    "https://example.org/a?id=7",
		"http://user:pw@example.org:80/a?token=s&b=2&a=1":                           "http://example.org/a?a=1&b=2",
		"https://example.org:8443/a":                                                "https://example.org:8443/a",
	} {
		if got := CleanURL(in); got != want {
			t.Errorf("CleanURL(%q) = %q, want %q", in, got, want)
		}
	}
	if a, b := SameAddressKey("https://www.example.org/news/article.html/?utm_source=x"), SameAddressKey("http://example.org/news/article.html"); a != b || a == "" {
		t.Errorf("keys %q and %q of one page differ", a, b)
	}
	if a, b := SameAddressKey("https://example.org/a?id=1"), SameAddressKey("https://example.org/a?id=2"); a == b {
		t.Errorf("two pages share the key %q", a)
	}
}

// TestExtractCanonicalAndBoilerplate is the second and third findings: the page's
// rel=canonical is read (relative addresses resolved, tracking parameters dropped), and
// a byline with a date, the dateline and the site's lines are not paragraphs.
func TestExtractCanonicalAndBoilerplate(t *testing.T) {
	page := `<html><head><title>Talks resume in Oman</title>
<link rel="canonical" href="/news/talks.html?utm_source=feed">
<meta property="og:url" content="https://other.example/x"></head><body><article>
<h1>Talks resume in Oman</h1>
<p>By Sam Writer, 28 November 2026</p>
<p>Published 28 Nov 2026, 10:04 GMT</p>
<p>Negotiators from Iran and the United States met in Muscat on Friday and agreed to meet again within a month.</p>
<p>Advertisement</p>
<p>The IAEA said its inspectors had not been able to verify the stockpile of enriched uranium since June.</p>
<p>Share this article</p>
<p>© 2026 Example News. All rights reserved.</p>
</article></body></html>`
	a, err := ExtractHTML([]byte(page), "text/html", "https://example.org/feed-item?id=3")
	if err != nil {
		t.Fatal(err)
	}
	if a.Canonical != "https://example.org/news/talks.html" {
		t.Errorf("canonical %q", a.Canonical)
	}
	if a.Author != "Sam Writer" {
		t.Errorf("author %q, want the byline's name without its date", a.Author)
	}
	var texts []string
	for _, b := range a.Blocks {
		if !b.Heading {
			texts = append(texts, b.Text)
		}
	}
	if len(texts) != 2 || !strings.HasPrefix(texts[0], "Negotiators") || !strings.HasPrefix(texts[1], "The IAEA") {
		t.Errorf("paragraphs %q, want the article's two", texts)
	}
	noCanon, err := ExtractHTML([]byte(strings.Replace(page, `<link rel="canonical" href="/news/talks.html?utm_source=feed">`, "", 1)), "text/html", "https://example.org/a")
	if err != nil || noCanon.Canonical != "https://other.example/x" {
		t.Errorf("og:url fallback: %q %v", noCanon.Canonical, err)
	}
}

func TestIsDateline(t *testing.T) {
	for text, want := range map[string]bool{
		"28 November 2026":                                 true,
		"Updated: 2026-11-28 10:04 GMT":                    true,
		"Published Nov. 28, 2026 at 9.30am":                true,
		"November 2026":                                    false,
		"On 28 November 2026 the talks resumed in Muscat.": false,
	} {
		if got := isDateline(text); got != want {
			t.Errorf("isDateline(%q) = %v, want %v", text, got, want)
		}
	}
}
