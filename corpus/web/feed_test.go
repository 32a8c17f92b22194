package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/web/webtest"
)

const rssFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Example News &amp; Views</title><link>https://example.org/</link>
<item><title>Talks resume&nbsp;in Oman</title><link>/news/talks.html?utm_source=rss</link>
<guid isPermaLink="false">talks-1</guid><pubDate>Fri, 27 Nov 2026 08:00:00 +0330</pubDate>
<description><![CDATA[<p>Negotiators <b>met</b>.</p>]]></description></item>
<item><title>No guid</title><link>https://example.org/b</link><dc:date>2026-11-20T10:00:00Z</dc:date></item>
<item><title>Bad link</title><link>javascript:alert(1)</link></item>
</channel></rss>`

const atomFeed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title>
<entry><title type="html">Inspectors return</title><id>urn:uuid:1</id>
<link rel="enclosure" href="https://example.org/a.mp3"/><link href="https://example.org/inspectors"/>
<published>2026-11-25T09:00:00-05:00</published><updated>2026-11-26T09:00:00Z</updated></entry>
</feed>`

func TestParseFeed(t *testing.T) {
	f, err := ParseFeed([]byte(rssFeed), "https://example.org/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	want := []FeedItem{
		{ID: "talks-1", Title: "Talks resume in Oman", Link: "https://example.org/news/talks.html", Published: "2026-11-27"},
		{ID: "https://example.org/b", Title: "No guid", Link: "https://example.org/b", Published: "2026-11-20"},
		{ID: "", Title: "Bad link", Link: ""},
	}
	if f.Title != "Example News & Views" || fmt.Sprint(f.Items) != fmt.Sprint(want[:2]) {
		t.Errorf("RSS: %q %+v\nwant %+v", f.Title, f.Items, want[:2])
	}
	a, err := ParseFeed([]byte(atomFeed), "https://example.org/atom")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Atom News" || len(a.Items) != 1 || a.Items[0] != (FeedItem{ID: "urn:uuid:1", Title: "Inspectors return", Link: "https://example.org/inspectors", Published: "2026-11-25"}) {
		t.Errorf("Atom: %q %+v", a.Title, a.Items)
	}
	if !LooksLikeFeed([]byte("\ufeff<?xml version='1.0'?>\n<!-- hi --><rss>")) || LooksLikeFeed([]byte("<!doctype html><html>")) {
		t.Error("LooksLikeFeed")
	}
}

// hostileFeeds are feeds that must be refused with their reason, quickly.
func hostileFeeds() map[string]struct{ data, want string } {
	items := func(n int) string {
		var b strings.Builder
		b.WriteString("<rss><channel>")
		for i := range n {
			fmt.Fprintf(&b, "<item><link>https://e.org/%d</link></item>", i)
		}
		b.WriteString("</channel></rss>")
		return b.String()
	}
	return map[string]struct{ data, want string }{
		"billion laughs":    {`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><rss><channel><item><title>&lol2;</title></item></channel></rss>`, "declares entities"},
		"external entity":   {`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title></item></channel></rss>`, "declares entities"},
		"undeclared entity": {`<rss><channel><item><title>&x;</title></item></channel></rss>`, "not well-formed"},
		"deep nesting":      {"<rss>" + strings.Repeat("<a>", 100_000) + strings.Repeat("</a>", 100_000) + "</rss>", "nest more than 32"},
		"100,000 items":     {items(100_000), "more than 1000 items"},
		"many elements":     {"<rss><channel>" + strings.Repeat("<x/>", 200_000) + "</channel></rss>", "more than 100000 elements"},
		"malformed":         {"<rss><channel><item><title>x</item></channel>", "not well-formed"},
		"truncated":         {"<rss><channel><item><title>x", "not well-formed"},
		"not a feed":        {"<html><body>x</body></html>", "not an RSS or Atom feed"},
		"empty":             {"", "empty"},
	}
}

func TestParseFeedRefusesHostileFeeds(t *testing.T) {
	for name, h := range hostileFeeds() {
		t.Run(name, func(t *testing.T) {
			_, err := ParseFeed([]byte(h.data), "https://example.org/feed")
			if reason, ok := corpus.RefusalReason(err); !ok || !strings.Contains(reason, h.want) {
				t.Errorf("ParseFeed: %v, want a refusal with %q", err, h.want)
			}
		})
	}
}

// BenchmarkHostileFeeds shows that each hostile feed is refused in milliseconds.
func BenchmarkHostileFeeds(b *testing.B) {
	for name, h := range hostileFeeds() {
		b.Run(strings.ReplaceAll(name, " ", "-"), func(b *testing.B) {
			data := []byte(h.data)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ParseFeed(data, ""); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}

// TestPollHostileServers: the downloads of feeds through the address guard, from servers
// on 127.0.0.1 that send too much, too slowly, compressed bombs, or redirect to private
// addresses; and the conditional requests.
func TestPollHostileServers(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Fri, 27 Nov 2026 08:00:00 GMT")
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, rssFeed)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		chunk := []byte(strings.Repeat("<item><title>x</title></item>", 1000))
		for n := 0; n < 10<<20; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	var bomb bytes.Buffer // 64 MB of text in about 64 KB, made once
	zw := gzip.NewWriter(&bomb)
	zw.Write([]byte("<rss><channel>"))
	zeros := make([]byte, 1<<20)
	for range 64 {
		zw.Write(zeros)
	}
	zw.Close()
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers: the fetcher's time-out ends it
	})
	mux.HandleFunc("/to-private", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/to-private-v6", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://[::1]:1/feed", http.StatusFound)
	})
	mux.HandleFunc("/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n"))
	})
	srv := webtest.Serve(t, mux)
	f, err := NewFetcher(FetchConfig{Allow: webtest.Allow})
	if err != nil {
		t.Fatal(err)
	}
	// A server that never answers is cut off by the time-out, whatever the machine's load.
	impatient, err := NewFetcher(FetchConfig{Allow: webtest.Allow, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got, err := f.Poll(ctx, srv.URL+"/feed", Validators{})
	if err != nil || got.ContentType != "application/rss+xml" || got.Validators.ETag != `"v1"` || got.Validators.LastModified == "" {
		t.Fatalf("first poll: %+v %v", got.Validators, err)
	}
	again, err := f.Poll(ctx, srv.URL+"/feed", got.Validators)
	if err != nil || !again.NotModified || len(again.Data) != 0 {
		t.Errorf("conditional poll: not modified %v, %d bytes, %v", again.NotModified, len(again.Data), err)
	}
	for path, want := range map[string]string{
		"/huge":          "larger than the 2 MB limit",
		"/bomb":          "larger than the 2 MB limit",
		"/slow":          "took too long",
		"/to-private":    "169.254.169.254 is not allowed",
		"/to-private-v6": "::1 is not allowed",
		"/image":         "image/png, not a feed or a page",
	} {
		fetcher := f
		if path == "/slow" {
			fetcher = impatient
		}
		_, err := fetcher.Poll(ctx, srv.URL+path, Validators{})
		if reason, ok := corpus.RefusalReason(err); !ok || !strings.Contains(reason, want) {
			t.Errorf("%s: %v, want a refusal with %q", path, err, want)
		}
	}
}
