package corpus

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTitlesOneLine is finding 7: a title (and publisher, author) written on several
// lines in the front matter is read as one line.
func TestTitlesOneLine(t *testing.T) {
	doc, err := ParseDocument("t.md", []byte("---\ntitle: \"Glossary\\n📚 added **official**\\r\\nby someone\"\npublisher: |\n  Two\n  lines\n---\n\nText.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Glossary 📚 added **official** by someone" || doc.Publisher != "Two lines" {
		t.Errorf("title %q, publisher %q: want one line each", doc.Title, doc.Publisher)
	}
}

// TestFrontMatterURL is finding 8 (first part): a url that is not http or https, or
// that holds credentials, is dropped with a warning; the document is read all the same.
func TestFrontMatterURL(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"https://example.org/a?id=3#x", "https://example.org/a?id=3#x"},
		{"HTTP://example.org/", "HTTP://example.org/"},
		{"javascript:alert(document.cookie)", ""},
		{"data:text/html,<script>", ""},
		{"ftp://example.org/f", ""},
		{"//example.org/x", ""},
		{"https://user:secret@example.org/", ""},
		{"https://example.org/a?api_key=123", ""},
		{"https:///nohost", ""},
	} {
		t.Run(tt.url, func(t *testing.T) {
			dir := t.TempDir()
			text := fmt.Sprintf("---\ntitle: T\nurl: %q\n---\n\nText.\n", tt.url)
			if err := os.WriteFile(filepath.Join(dir, "d.md"), []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := LoadDir(context.Background(), dir)
			if err != nil || len(c.Documents) != 1 {
				t.Fatalf("load: %v %+v", err, c)
			}
			if got := c.Documents[0].URL; got != tt.want {
				t.Errorf("url %q, want %q", got, tt.want)
			}
			warned := len(c.Warnings) == 1 && strings.Contains(c.Warnings[0].Error(), "d.md") && strings.Contains(c.Warnings[0].Reason, "url dropped")
			if warned != (tt.want == "") {
				t.Errorf("warnings %v", c.Warnings)
			}
		})
	}
}

// TestPublicURL is finding 8 (second part): a fetched address loses its user name,
// password and the query parameters that look like credentials before it is stored.
func TestPublicURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://user:secret@example.org/a?api_key=1&id=7":             "http://example.org/a?id=7",
		"https://example.org/a?Token=x&X-Amz-Signature=y&page=2#frag": "https://example.org/a?page=2#frag",
		"https://example.org/a?access_token=1&client-secret=2&sig=3":  "https://example.org/a",
		"https://example.org/a?q=iran&lang=en":                        "https://example.org/a?q=iran&lang=en",
	} {
		if got := PublicURL(in); got != want {
			t.Errorf("PublicURL(%q) = %q, want %q", in, got, want)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "Title\n\nBody.")
	})
	srv := localServer(t, mux)
	f, err := NewFetcher(FetchConfig{Allow: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.Replace(srv.URL, "http://", "http://user:secret@", 1) + "/page?api_key=SECRET&password=pw&id=9"
	got, err := f.Fetch(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got.URL, "secret") || strings.Contains(got.URL, "SECRET") || strings.Contains(got.URL, "pw") || !strings.HasSuffix(got.URL, "/page?id=9") {
		t.Errorf("stored address %q keeps a credential", got.URL)
	}
	d, err := NewDraft(context.Background(), nil, &Corpus{}, Source{URL: got.URL, ContentType: "text/plain", Data: got.Data}, time.Now())
	if err != nil || strings.Contains(string(d.Data), "secret") || d.Doc.URL != got.URL {
		t.Errorf("draft: %v, url %q\n%s", err, d.Doc.URL, d.Data)
	}
}

// TestLoadRefusesLinksAndSpecialFiles is finding 11: a symbolic link out of the corpus
// folder (to a file, or to /dev/zero), a FIFO, and a link to a FIFO are refused with a
// warning, without blocking or reading them; a link to a document inside the folder is
// read. The store will not write through a link out of the folder.
func TestLoadRefusesLinksAndSpecialFiles(t *testing.T) {
	outside := t.TempDir()
	dir := t.TempDir()
	write := func(p, text string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "secret.md"), "---\ntitle: Secret\n---\n\nA file outside the corpus.\n")
	write(filepath.Join(dir, "ok.md"), "---\ntitle: OK\n---\n\nA document.\n")
	links := map[string]string{
		"zero.md":      "/dev/zero",
		"escape.md":    filepath.Join(outside, "secret.md"),
		"relative.md":  "../" + filepath.Base(outside) + "/secret.md",
		"fifo-link.md": "fifo.md",
		"inside.md":    "ok.md",
		"outdir":       outside,
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.md"), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var c *Corpus
	var err error
	go func() { c, err = LoadDir(context.Background(), dir); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("LoadDir blocked on a FIFO or a device")
	}
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range c.Documents {
		ids = append(ids, d.ID)
	}
	// Links are never followed, not even inside the folder: git stages by the same rule.
	if strings.Join(ids, ",") != "ok" {
		t.Errorf("documents %v, want ok only", ids)
	}
	warned := map[string]bool{}
	for _, w := range c.Warnings {
		warned[w.Path] = true
	}
	for _, name := range []string{"zero.md", "escape.md", "relative.md", "fifo-link.md", "fifo.md", "inside.md", "outdir"} {
		if !warned[name] {
			t.Errorf("no warning for %s: %v (problems %v)", name, c.Warnings, c.Problems)
		}
	}
	if len(c.Problems) != 0 {
		t.Errorf("problems %v, want warnings only", c.Problems)
	}
	s := Store{Dir: dir}
	if err := s.Write("outdir/planted.md", []byte("x")); err == nil {
		t.Error("the store wrote through a link out of the folder")
	}
	if _, err := os.Stat(filepath.Join(outside, "planted.md")); err == nil {
		t.Error("a file was planted outside the corpus folder")
	}
	if _, _, err := s.Read("zero.md"); err == nil {
		t.Error("the store read /dev/zero through a link")
	}
}
