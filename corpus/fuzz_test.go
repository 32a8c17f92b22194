package corpus

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDocumentPassages feeds arbitrary bytes, up to 8 KB, to ParseDocument, as Markdown
// and as plain text. It must not panic, and a document it returns must hold: a title,
// paragraphs numbered 1 to n, and passages that are each a substring of their own
// paragraph. Inputs are kept small (the seeds are cut to 4 KB) so that it runs, and minimizes
// what it finds, about a thousand times a second: reading a document and splitting its sentences cost about a
// microsecond a byte, and larger texts are FuzzHostileDocument's and the benchmarks'.
// CI replays the seeds in testdata/fuzz/FuzzDocumentPassages; run it longer with
//
//	go test -fuzz FuzzDocumentPassages -fuzztime 5m ./corpus/
func FuzzDocumentPassages(f *testing.F) {
	for _, dir := range []string{"default", "testdata/mixed"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(fuzzSeed(data), strings.HasSuffix(e.Name(), ".md"))
		}
	}
	f.Add([]byte("---\ntitle: t\n---\n"), true)
	f.Add([]byte("---\ntitle: t\n---\n- a\n- b\n\n> quote\n\n# h\n\npara"), true)
	f.Add([]byte("Title\n\n"+strings.Repeat("A long sentence that goes on. ", 60)), false)

	sp := NewSplitter()
	f.Fuzz(func(t *testing.T, data []byte, markdown bool) {
		if len(data) > 8<<10 {
			return
		}
		path := "fuzz/doc.txt"
		if markdown {
			path = "fuzz/doc.md"
		}
		doc, err := ParseDocument(path, data)
		if err != nil {
			if _, ok := err.(Problem); !ok {
				t.Fatalf("error %T %v, want a Problem", err, err)
			}
			return
		}
		if strings.TrimSpace(doc.Title) == "" {
			t.Fatalf("document without a title: %+v", doc)
		}
		if doc.ID != "fuzz/doc" || doc.Path != path {
			t.Fatalf("id %q path %q", doc.ID, doc.Path)
		}
		if len(doc.Paragraphs) == 0 {
			t.Fatal("document without a paragraph")
		}
		for i, p := range doc.Paragraphs {
			if p.Number != i+1 {
				t.Fatalf("paragraph %d is numbered %d", i+1, p.Number)
			}
		}
		c := &Corpus{Documents: []Document{doc}, splitter: sp}
		for _, ps := range c.Passages() {
			if ps.Paragraph < 1 || ps.Paragraph > len(doc.Paragraphs) {
				t.Fatalf("passage %s of paragraph %d, out of 1..%d", ps.ID, ps.Paragraph, len(doc.Paragraphs))
			}
			if para := doc.Paragraphs[ps.Paragraph-1].Text; !strings.Contains(para, ps.Text) {
				t.Fatalf("passage %s %q is not in its paragraph %q", ps.ID, ps.Text, para)
			}
			if ps.Text == "" {
				t.Fatalf("passage %s is empty", ps.ID)
			}
		}
	})
}

// fuzzSeed is data cut to its lines within the first 4 KB.
func fuzzSeed(data []byte) []byte {
	if len(data) <= 4<<10 {
		return data
	}
	data = data[:4<<10]
	if i := bytes.LastIndexByte(data, '\n'); i > 0 {
		data = data[:i+1]
	}
	return data
}
