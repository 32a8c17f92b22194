package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/standoff-bot/standoff/corpus/web/webtest"
)

// newsSite serves a feed and its articles on 127.0.0.1; pages can change.
type newsSite struct {
	mu    sync.Mutex
	pages map[string]string // path → HTML
	feed  []string          // paths of the feed's items
	srv   *httptest.Server
}

// article is an HTML news page.
func article(title, publisher, date, canonical string, paras ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html><head><title>%s</title><meta property="og:site_name" content="%s">
<meta property="article:published_time" content="%sT08:00:00Z">`, title, publisher, date)
	if canonical != "" {
		fmt.Fprintf(&b, `<link rel="canonical" href="%s">`, canonical)
	}
	fmt.Fprintf(&b, `</head><body><nav><a href="/">Home</a></nav><article><h1>%s</h1><p>By Sam Writer, %s</p>`, title, date)
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>\n", p)
	}
	b.WriteString(`<p>Share this article</p></article><footer>© Example</footer></body></html>`)
	return b.String()
}

func newNewsSite(t *testing.T) *newsSite {
	t.Helper()
	s := &newsSite{pages: map[string]string{}}
	s.srv = webtest.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.URL.Path == "/feed.xml" {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Example wire</title>`)
			for _, p := range s.feed {
				fmt.Fprintf(w, "<item><title>%s</title><link>%s%s?utm_source=rss</link><guid>%s</guid></item>", p, s.srv.URL, p, p)
			}
			fmt.Fprint(w, "</channel></rss>")
			return
		}
		page, ok := s.pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	return s
}

func (s *newsSite) set(path, html string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = html
}

var (
	talksParas = []string{
		"Negotiators from Iran and the United States met in Muscat on Friday to discuss the Quillon framework, which would cap uranium enrichment at Fordow and Natanz for ten years.",
		"The IAEA said its inspectors had not been able to verify the stockpile of enriched uranium since June, and that the framework would restore daily inspections.",
		"Iran's foreign minister said sanctions relief had to come first, while the American envoy said the centrifuges had to stop spinning before any relief.",
	}
	inspectorsParas = []string{
		"Inspectors of the IAEA returned to Isfahan on Monday for the first time since the strikes, Iran's atomic energy organisation said.",
		"They are to account for the stockpile of highly enriched uranium that Iran says was buried under the rubble of the tunnels.",
	}
	matchParas = []string{
		"The home side won the cup final on Saturday after a penalty shoot-out that lasted eleven rounds.",
		"Their coach said the players had trained for penalties every morning for a month, and that the crowd had carried them.",
	}
)

// queueJSON returns the queue as its JSON lines.
func queueJSON(t *testing.T, corpusDir, data string, all bool) []map[string]any {
	t.Helper()
	args := []string{"corpus", "queue", "--json", "--corpus", corpusDir, "--data", data}
	if all {
		args = append(args, "--all")
	}
	code, out, errOut := runCmd(t, "", args...)
	if code != 0 {
		t.Fatalf("queue: exit %d: %s", code, errOut)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("queue line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// TestWatchPollApproveReject is the first "done when", through the command line:
// watch a feed → poll → exactly the on-topic items are proposed once (a syndicated copy
// and an off-topic item are not) → approve one → ask answers from it with its address
// and publisher, and the history has the commit → poll again proposes nothing → the page
// changes → one update proposal → reject → never proposed again.
func TestWatchPollApproveReject(t *testing.T) {
	t.Setenv("STANDOFF_FETCH_ALLOW", "127.0.0.1")
	t.Setenv("STANDOFF_WATCH_PAUSE", "off")
	site := newNewsSite(t)
	base := site.srv.URL
	site.set("/news/talks.html", article("Talks on the Quillon framework resume in Muscat", "Example Wire", "2026-11-27", "", talksParas...))
	site.set("/partner/talks-copy.html", article("Talks on the Quillon framework resume in Muscat", "Partner Daily", "2026-11-27", base+"/news/talks.html", talksParas...))
	site.set("/partner/talks-rewritten.html", article("Quillon talks: a copy", "Other Daily", "2026-11-27", "", append(talksParas[:3:3], "This article first appeared on Example Wire.")...))
	site.set("/sport/final.html", article("Cup final decided on penalties", "Example Wire", "2026-11-28", "", matchParas...))
	site.set("/news/inspectors.html", article("Inspectors return to Isfahan", "Example Wire", "2026-11-29", "", inspectorsParas...))
	site.feed = []string{"/news/talks.html", "/partner/talks-copy.html", "/partner/talks-rewritten.html", "/sport/final.html", "/news/inspectors.html"}

	corpusDir, data := seedOnlyCorpus(t), t.TempDir()
	cli := func(args ...string) string {
		t.Helper()
		args = append(args, "--corpus", corpusDir, "--data", data)
		code, out, errOut := runCmd(t, "", args...)
		if code != 0 {
			t.Fatalf("standoff %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
		return out
	}
	if out := cli("corpus", "watch", "add", base+"/feed.xml?utm_campaign=x"); !strings.Contains(out, "watching "+base+"/feed.xml") {
		t.Fatalf("watch add: %s", out)
	}
	if out := cli("corpus", "watch", "list"); !strings.Contains(out, base+"/feed.xml\tnot polled yet") {
		t.Errorf("watch list: %s", out)
	}

	out := cli("corpus", "poll")
	t.Log(out)
	q := queueJSON(t, corpusDir, data, false)
	var urls []string
	var talks map[string]any
	for _, p := range q {
		urls = append(urls, p["url"].(string))
		if p["url"] == base+"/news/talks.html" {
			talks = p
		}
	}
	slices.Sort(urls)
	if want := []string{base + "/news/inspectors.html", base + "/news/talks.html"}; fmt.Sprint(urls) != fmt.Sprint(want) {
		t.Fatalf("proposed %v, want exactly %v\n%s", urls, want, out)
	}
	if talks["kind"] != "new" || talks["publisher"] != "Example Wire" || talks["published"] != "2026-11-27" ||
		talks["source"] != base+"/feed.xml" || talks["relevance"].(float64) < 0.5 || !strings.HasPrefix(talks["first"].(string), "Negotiators from Iran") {
		t.Errorf("proposal %v", talks)
	}
	for _, want := range []string{"/partner/talks-copy.html\talready in the queue", "/partner/talks-rewritten.html\ta near-copy of q", "/sport/final.html\toff topic"} {
		if !strings.Contains(out, want) {
			t.Errorf("poll output lacks %q", want)
		}
	}
	all := queueJSON(t, corpusDir, data, true)
	if len(all) != 5 || all[2]["kind"] != "skipped" || all[2]["reason"] == "" {
		t.Errorf("queue --all: %v", all)
	}

	id := talks["id"].(string)
	out = cli("corpus", "approve", id)
	if !strings.Contains(out, "wrote ") || !strings.Contains(out, "approved "+id) {
		t.Errorf("approve: %s", out)
	}
	ans := askJSON(t, corpusDir, data, "what would the Quillon framework cap?")
	if len(ans.Results) == 0 || ans.Results[0].URL != base+"/news/talks.html" || ans.Results[0].Publisher != "Example Wire" {
		t.Fatalf("answer after approval: %+v", ans.Results)
	}
	if strings.Contains(ans.Results[0].Text, "Sam Writer") || strings.Contains(ans.Results[0].Text, "Share this") {
		t.Errorf("the byline or boilerplate is a passage: %q", ans.Results[0].Text)
	}
	if hist := cli("corpus", "history"); !strings.Contains(hist, "corpus add: added "+ans.Results[0].Doc) || !strings.Contains(hist, "corpus queue: approved "+id) {
		t.Errorf("history lacks the approval:\n%s", hist)
	}
	if q := queueJSON(t, corpusDir, data, false); len(q) != 1 {
		t.Errorf("queue after approval: %v", q)
	}

	if out := cli("corpus", "poll"); !strings.Contains(out, "0 proposals") {
		t.Errorf("second poll proposed something:\n%s", out)
	}

	changed := append([]string{}, talksParas...)
	changed[1] = "The IAEA said on Sunday that its inspectors had verified the stockpile of enriched uranium for the first time since June."
	site.set("/news/talks.html", article("Talks on the Quillon framework resume in Muscat", "Example Wire", "2026-11-27", "", changed...))
	out = cli("corpus", "poll")
	q = queueJSON(t, corpusDir, data, false)
	var update map[string]any
	for _, p := range q {
		if p["kind"] == "update" {
			if update != nil {
				t.Fatalf("two update proposals: %v", q)
			}
			update = p
		}
	}
	if update == nil || update["doc"] != ans.Results[0].Doc || !strings.Contains(fmt.Sprint(update["changed"]), "verified the stockpile of enriched uranium for the first time") {
		t.Fatalf("update proposal %v\n%s", update, out)
	}
	uid := update["id"].(string)
	if out := cli("corpus", "reject", uid, "--reason", "not confirmed"); !strings.Contains(out, "rejected "+uid) {
		t.Errorf("reject: %s", out)
	}
	site.set("/news/talks.html", article("Talks on the Quillon framework resume in Muscat", "Example Wire", "2026-11-27", "", changed...)+" ")
	out = cli("corpus", "poll")
	if !strings.Contains(out, "0 proposals") || !strings.Contains(out, "rejected before") {
		t.Errorf("the rejected text came back:\n%s", out)
	}
	for _, p := range queueJSON(t, corpusDir, data, false) {
		if p["id"] == uid {
			t.Errorf("rejected proposal still waits")
		}
	}
}

// TestAddOneArticleUnderTwoAddresses is the second finding: a page added as
// …/article.html?utm_source=x and then as …/article.html is one document, and a copy
// whose rel=canonical names a document of the corpus is shown as the same page.
func TestAddOneArticleUnderTwoAddresses(t *testing.T) {
	t.Setenv("STANDOFF_FETCH_ALLOW", "127.0.0.1")
	site := newNewsSite(t)
	base := site.srv.URL
	site.set("/news/talks.html", article("Talks on the Quillon framework resume in Muscat", "Example Wire", "2026-11-27", "", talksParas...))
	site.set("/partner/copy.html", article("Quillon talks", "Partner Daily", "2026-11-27", base+"/news/talks.html", talksParas...))
	corpusDir, data := seedOnlyCorpus(t), t.TempDir()
	add := func(u string) string {
		t.Helper()
		code, out, errOut := runCmd(t, "", "corpus", "add", "--corpus", corpusDir, "--data", data, u)
		if code != 0 {
			t.Fatalf("add %s: exit %d: %s", u, code, errOut)
		}
		return out
	}
	first := add(base + "/news/talks.html?utm_source=x&utm_medium=social")
	if strings.Contains(first, "utm_") {
		t.Errorf("the stored address keeps its tracking parameters:\n%s", first)
	}
	if again := add(base + "/news/talks.html"); !strings.Contains(again, "nothing to add") {
		t.Errorf("the same page without its tracking parameters is another document:\n%s", again)
	}
	if copied := add(base + "/partner/copy.html"); !strings.Contains(copied, "warning:    the same page as added/2026-11-27-talks-on-the-quillon-framework-resume-in-muscat") {
		t.Errorf("the syndicated copy is not shown as the same page:\n%s", copied)
	}
}
