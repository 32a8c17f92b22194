package corpus

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var today = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// smallCorpus is a corpus with one article from a web address and a glossary.
func smallCorpus(t *testing.T) *Corpus {
	t.Helper()
	c, err := Load(context.Background(), fstest.MapFS{
		"news/oman.md": {Data: []byte("---\ntitle: Talks in Oman\nurl: https://example.org/iran\n---\n\n" +
			"Negotiators met in Oman on Friday and agreed to meet again next week in Muscat.\n")},
		"glossary.md": {Data: []byte("---\ntitle: Glossary\nkind: glossary\n---\n\n## Breakout time\n\n" +
			"Breakout time is the time a country would need to produce enough weapons-grade uranium for one bomb.\n")},
		"added/2026-11-26-notes.txt": {Data: []byte("Notes\n\nSome notes.\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// articlePage is a news page, and pageArticle its article as corpus/web extracts it
// (TestExtractHTML there): a draft of an HTML source is made from its article.
const articlePage = `<html><head><title>Iran: the talks resume</title></head><body><article><p>…</p></article></body></html>`

var pageArticle = Article{
	Title: "Iran: the talks resume", Publisher: "Example News",
	Author: "Jane Doe", Published: "2025-06-13", Kind: KindArticle,
	Blocks: []Block{
		{Text: "Negotiators met in Oman on Friday, the *first* meeting since [March], and agreed to meet again & talk."},
		{Text: "# Not a heading: 1. not a list either."},
		{Heading: true, Text: "Background"},
		{Text: "2015. The deal capped enrichment at 3.67 percent, and inspectors of the IAEA verified it for years afterwards."},
	},
}

func TestNewDraft(t *testing.T) {
	c := smallCorpus(t)
	tests := []struct {
		name      string
		src       Source
		path      string
		replaces  string
		unchanged bool
		similar   string
		wantErr   string
	}{
		{name: "web page", src: Source{URL: "https://example.org/new", ContentType: "text/html", Data: []byte(articlePage), Article: &pageArticle},
			path: "added/2025-06-13-iran-the-talks-resume.md"},
		{name: "same address updates", src: Source{URL: "https://EXAMPLE.org/iran/#top", ContentType: "text/html", Data: []byte(articlePage), Article: &pageArticle},
			path: "news/oman.md", replaces: "news/oman"},
		{name: "same address, same content", src: Source{URL: "https://example.org/iran", ContentType: "text/markdown",
			Data: []byte("---\ntitle: Talks in Oman\n---\n\nNegotiators met in Oman on Friday and agreed to meet again next week in Muscat.\n")},
			path: "news/oman.md", replaces: "news/oman", similar: ""},
		{name: "plain-text page", src: Source{URL: "https://example.org/t.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("A title: here\n\nFirst paragraph.\n\nSecond.\n")},
			path: "added/2026-11-26-a-title-here.md"},
		{name: "markdown upload kept as is", src: Source{Name: "x.md", Data: []byte("---\ntitle: Uploaded\npublished: 2024-01-02\n---\n\nText *with* markup.\n")},
			path: "added/2024-01-02-uploaded.md"},
		{name: "markdown upload with a # title", src: Source{Name: "x.md", ContentType: "text/markdown", Data: []byte("# Heading title\n\nBody text.\n")},
			path: "added/2026-11-26-heading-title.md"},
		{name: "text upload", src: Source{Name: "notes.TXT", ContentType: "text/plain", Data: []byte("Notes\n\nOther notes.\n")},
			path: "added/2026-11-26-notes-2.txt"},
		{name: "html upload", src: Source{Name: "page.html", Data: []byte(articlePage), Article: &pageArticle},
			path: "added/2025-06-13-iran-the-talks-resume.md"},
		{name: "near duplicate", src: Source{Name: "dup.md", Data: []byte("---\ntitle: Copy\n---\n\nNegotiators met in Oman on Friday and agreed to meet again next week in Muscat!\n")},
			path: "added/2026-11-26-copy.md", similar: "news/oman"},
		{name: "markdown without a title", src: Source{Name: "x.md", Data: []byte("Just text.\n")}, wantErr: "front matter"},
		{name: "bad front matter", src: Source{Name: "x.md", Data: []byte("---\ntitle: [unclosed\n---\n\nText.\n")}, wantErr: "not a readable document: x.md:2: bad front matter"},
		{name: "binary", src: Source{Name: "x.txt", Data: []byte("Title\n\x00\x01\x02")}, wantErr: "binary"},
		{name: "image", src: Source{Name: "x.txt", Data: []byte("\x89PNG\r\n\x1a\n\x00")}, wantErr: "binary"},
		{name: "image type", src: Source{Name: "x.md", ContentType: "image/png", Data: []byte("# T\n\nx\n")}, wantErr: "image/png"},
		{name: "pdf name", src: Source{Name: "x.pdf", Data: []byte("%PDF-1.4 text")}, wantErr: "only .md, .txt and .html"},
		{name: "too large", src: Source{Name: "x.txt", Data: []byte(strings.Repeat("a", MaxDocumentBytes+1))}, wantErr: "larger than the 2 MB limit"},
		{name: "not UTF-8 text", src: Source{Name: "x.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("Title\n\n\xff\xfe bad")}, wantErr: "encoding"},
		{name: "empty", src: Source{Name: "x.txt", Data: []byte("  \n")}, wantErr: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDraft(context.Background(), nil, c, tt.src, today)
			if tt.wantErr != "" {
				if reason, ok := RefusalReason(err); !ok || !strings.Contains(reason, tt.wantErr) {
					t.Fatalf("error %v, want a refusal containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Path != tt.path || d.Replaces != tt.replaces {
				t.Errorf("path %q replaces %q, want %q %q", d.Path, d.Replaces, tt.path, tt.replaces)
			}
			if d.ID != strings.TrimSuffix(d.Path, filepath.Ext(d.Path)) || d.Doc.ID != d.ID {
				t.Errorf("id %q / doc id %q for path %q", d.ID, d.Doc.ID, d.Path)
			}
			var sim []string
			for _, s := range d.Similar {
				sim = append(sim, s.ID)
			}
			if got := strings.Join(sim, ","); got != tt.similar {
				t.Errorf("similar %q, want %q", got, tt.similar)
			}
			if tt.src.URL != "" && d.Doc.URL != tt.src.URL {
				t.Errorf("url %q, want the page's %q", d.Doc.URL, tt.src.URL)
			}
			if tt.src.Name != "" && strings.HasSuffix(tt.src.Name, ".md") && strings.HasPrefix(string(tt.src.Data), "---") && string(d.Data) != string(tt.src.Data) {
				t.Errorf("the uploaded Markdown was changed:\n%s", d.Data)
			}
		})
	}
}

// TestNewDraftNeedsArticle: an HTML source whose article corpus/web has not extracted is
// an error, never a document made of its markup.
func TestNewDraftNeedsArticle(t *testing.T) {
	_, err := NewDraft(context.Background(), nil, &Corpus{}, Source{Name: "page.html", Data: []byte(articlePage)}, today)
	if err == nil || !strings.Contains(err.Error(), "not extracted") {
		t.Errorf("draft of raw HTML: %v, want an error", err)
	}
}

func TestNewDraftUnchanged(t *testing.T) {
	c := smallCorpus(t)
	first, err := NewDraft(context.Background(), nil, c, Source{URL: "https://example.org/a", ContentType: "text/html", Data: []byte(articlePage), Article: &pageArticle}, today)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := (Store{Dir: dir}).Write(first.Path, first.Data); err != nil {
		t.Fatal(err)
	}
	c2, err := LoadDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	again, err := NewDraft(context.Background(), nil, c2, Source{URL: "https://example.org/a", ContentType: "text/html", Data: []byte(articlePage), Article: &pageArticle}, today.AddDate(0, 0, 3))
	if err != nil {
		t.Fatal(err)
	}
	if again.Replaces != first.ID || !again.Unchanged || again.Path != first.Path {
		t.Errorf("re-add: replaces %q unchanged %v path %q, want %q true %q", again.Replaces, again.Unchanged, again.Path, first.ID, first.Path)
	}
}

func TestCommit(t *testing.T) {
	dir := t.TempDir()
	s := Store{Dir: dir}
	if err := s.Write("news/oman.md", []byte("---\ntitle: Talks in Oman\nurl: https://example.org/iran\n---\n\nOld text.\n")); err != nil {
		t.Fatal(err)
	}
	load := func() *Corpus {
		c, err := LoadDir(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// A new document, committed, then undone.
	d, err := NewDraft(context.Background(), nil, load(), Source{Name: "n.txt", Data: []byte("New one\n\nText.\n")}, today)
	if err != nil {
		t.Fatal(err)
	}
	undo, err := s.Commit(d)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(load().Documents); got != 2 {
		t.Fatalf("%d documents after commit, want 2", got)
	}
	// The same draft again: its path is taken now.
	if _, err := s.Commit(d); err == nil {
		t.Error("a second commit of the same new draft overwrote the document")
	}
	if err := undo(); err != nil {
		t.Fatal(err)
	}
	if got := len(load().Documents); got != 1 {
		t.Fatalf("%d documents after undo, want 1", got)
	}

	// An update whose file was edited since the preview is refused.
	up, err := NewDraft(context.Background(), nil, load(), Source{URL: "https://example.org/iran", ContentType: "text/plain", Data: []byte("Talks in Oman\n\nNew text.\n")}, today)
	if err != nil {
		t.Fatal(err)
	}
	if up.Replaces != "news/oman" {
		t.Fatalf("replaces %q", up.Replaces)
	}
	if err := os.WriteFile(filepath.Join(dir, "news/oman.md"), []byte("---\ntitle: Edited\n---\n\nBy hand.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(up); err == nil || !strings.Contains(err.Error(), "changed on disk") {
		t.Errorf("commit over an edited file: %v", err)
	}

	// Remove, then undo the removal.
	undo, err = s.RemoveDocument("news/oman.md")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(load().Documents); got != 0 {
		t.Fatalf("%d documents after remove", got)
	}
	if err := undo(); err != nil {
		t.Fatal(err)
	}
	if got := load().Documents; len(got) != 1 || got[0].Title != "Edited" {
		t.Fatalf("after undoing the removal: %+v", got)
	}
}
