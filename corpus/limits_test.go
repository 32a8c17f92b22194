package corpus

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostile is a hostile document of about 2 MB (or what it names), as a source to add.
type hostile struct {
	name string
	src  Source
	want string // the reason it is refused; empty when it may be read
}

// hostileDocuments are the documents of findings 3 and 9: each is refused with its reason
// or read within the limits.
func hostileDocuments() []hostile {
	const size = 2<<20 - 4096
	fm := "---\ntitle: Hostile\n---\n\n"
	rep := func(unit string) string { return strings.Repeat(unit, (size-len(fm))/len(unit)) }
	// lines of unit, in blocks of block bytes separated by blank lines
	blocks := func(unit string, line, block int) string {
		var b strings.Builder
		b.WriteString(fm)
		l := strings.Repeat(unit, max(1, line/len(unit))) + "\n"
		for b.Len()+block < size {
			for n := 0; n+len(l) <= block; n += len(l) {
				b.WriteString(l)
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	md := func(name, text, want string) hostile {
		return hostile{name: name, src: Source{Name: name + ".md", Data: []byte(text)}, want: want}
	}
	return []hostile{
		md("md-80000-quotes", fm+strings.Repeat(">", 80_000)+" a\n", "a line is longer than"),
		md("md-30000-quotes", fm+strings.Repeat(">", 30_000)+" a\n", "nested more than 32 deep"),
		md("md-quotes", fm+rep(">"), "a line is longer than"),
		md("md-quote-lines", blocks("> ", 200, 2000), "nested more than 32 deep"),
		md("md-nested-lists", fm+strings.Repeat("1. ", 40)+"a\n", "nested more than 32 deep"),
		md("md-indented-lists", func() string {
			var b strings.Builder
			b.WriteString(fm)
			for i := 0; b.Len() < size; i++ {
				b.WriteString(strings.Repeat(" ", (i%100)*2) + "- a\n")
			}
			return b.String()
		}(), "nested more than 32 deep"),
		md("md-brackets-line", fm+rep("["), "a line is longer than"),
		md("md-brackets-block", blocks("[", 1000, 30_000), "too much markup"),
		md("md-brackets-blocks", blocks("[", 200, 2000), "too much markup"),
		md("md-emphasis", blocks("**a_", 1000, 30_000), "too much markup"),
		md("md-link-openers", blocks("[a](", 60, 2000), "too much markup"),
		md("md-reference-definitions", blocks("[a]: b\n", 8, 9), "too many"),
		md("md-one-word-paragraphs", blocks("a", 1, 3), "too many"),
		md("md-links-paragraphs", blocks("[a]", 3, 5)[:150_000], "too many paragraphs or lines"),
		md("md-long-block", blocks("word ", 2000, 40_000), "without a blank line"),
		md("md-front-matter", "---\ntitle: x\nother: "+strings.Repeat("y", 20_000)+"\n---\n\ntext\n", "front matter is longer"),
		md("md-prose", blocks("Iran enriched uranium to sixty percent at Fordow. ", 500, 2000), ""),
		md("md-many-paragraphs", blocks("Inspectors came back. ", 220, 230), ""),
		md("md-links", blocks("see [the report](https://example.org/r) and *this*. ", 500, 2000), ""),
		{name: "txt-one-word-lines", src: Source{Name: "w.txt", Data: []byte("Title\n" + strings.Repeat("word\n", size/5-2))}, want: "too many lines"},
		{name: "txt-prose", src: Source{Name: "p.txt", Data: []byte("Title\n\n" + strings.Repeat(strings.Repeat("Inspectors visited the site again. ", 20)+"\n\n", size/720))}, want: ""},
	}
}

// TestHostileDocumentsRefused is findings 3 and 9: every hostile document is refused
// with a clear reason, through NewDraft (an upload), and through the corpus folder (as
// Load reads it, Markdown and text only); the others are read.
func TestHostileDocumentsRefused(t *testing.T) {
	ctx := context.Background()
	c, err := Load(ctx, os.DirFS("default"))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hostileDocuments() {
		t.Run(h.name, func(t *testing.T) {
			if len(h.src.Data) > MaxDocumentBytes {
				t.Fatalf("the test document is %d bytes, over the limit", len(h.src.Data))
			}
			// No deadline that a slow machine (or -race) could reach: what is refused here
			// is refused for its shape, never for the time it took.
			d, err := NewDraft(ctx, NewParser(1, time.Hour), c, h.src, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC))
			if h.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if n := len(d.Doc.Paragraphs); n == 0 || n > MaxParagraphs {
					t.Errorf("%d paragraphs", n)
				}
				return
			}
			reason, ok := RefusalReason(err)
			if !ok || !strings.Contains(reason, h.want) {
				t.Fatalf("NewDraft: %v, want a refusal with %q", err, h.want)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, h.src.Name), h.src.Data, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "ok.md"), []byte("---\ntitle: OK\n---\n\nFine.\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			loaded, err := LoadDir(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(loaded.Documents) != 1 || len(loaded.Problems) != 1 || !strings.Contains(loaded.Problems[0].Reason, h.want) {
				t.Errorf("folder: %d documents, problems %v; want the other document, and %q", len(loaded.Documents), loaded.Problems, h.want)
			}
		})
	}
}

// TestParserBounds checks the parser's deadline and its limit on work at once: a reading
// that outlasts the deadline is stopped and refused, and its slot is free when the
// refusal comes; a reading that holds its slot makes a second one wait and be refused
// when its time runs out first; a cancelled context stops NewDraft.
func TestParserBounds(t *testing.T) {
	p := NewParser(1, 50*time.Millisecond)
	steps := 0
	err := p.run(context.Background(), func(r *reading) error {
		for !r.done(1) { // the reading goes on until its deadline stops it
			steps++
		}
		return nil
	})
	if reason, ok := RefusalReason(err); !ok || !strings.Contains(reason, "took too long") || steps == 0 {
		t.Fatalf("slow read: %v after %d steps, want a refusal", err, steps)
	}
	select {
	case p.sem <- struct{}{}:
		<-p.sem
	default:
		t.Fatal("the refused reading still holds its slot")
	}

	release, started := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- p.run(context.Background(), func(*reading) error { close(started); <-release; return nil })
	}()
	<-started
	err = p.run(context.Background(), func(*reading) error { t.Error("ran while the slot was taken"); return nil })
	if reason, ok := RefusalReason(err); !ok || !strings.Contains(reason, "too many documents") {
		t.Errorf("second read: %v, want a refusal for a busy parser", err)
	}
	close(release)
	<-held
	ran := false
	if err := p.run(context.Background(), func(*reading) error { ran = true; return nil }); err != nil || !ran {
		t.Errorf("after the slow read ended: %v, ran %v", err, ran)
	}
	if err := p.run(context.Background(), func(*reading) error { panic("boom") }); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("a panic: %v, want an error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = NewDraft(ctx, NewParser(1, 0), &Corpus{}, Source{Name: "n.txt", Data: []byte("T\n\nx\n")}, time.Now())
	if _, ok := RefusalReason(err); !ok || !errors.Is(err, context.Canceled) && !errors.Is(err, errBusy) {
		t.Errorf("NewDraft with a cancelled context: %v", err)
	}
}

// BenchmarkHostileDocuments reads each hostile document of about 2 MB as an upload
// (NewDraft): refused, or read, within a second each.
func BenchmarkHostileDocuments(b *testing.B) {
	c := &Corpus{}
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for _, h := range hostileDocuments() {
		b.Run(h.name, func(b *testing.B) {
			b.SetBytes(int64(len(h.src.Data)))
			for b.Loop() {
				_, err := NewDraft(context.Background(), nil, c, h.src, today)
				if (err == nil) != (h.want == "") {
					b.Fatalf("%v", err)
				}
			}
		})
	}
}

// FuzzHostileDocument repeats a fuzzed unit, in lines and blocks of fuzzed lengths, to a
// fuzzed size of up to 8 KB, and reads it as Markdown and text (corpus/web fuzzes HTML):
// it must be refused with a reason or read within the limits, never panic, and its
// reading must take steps linear in its size (fewer than four a byte), so that what is
// slow at 8 KB would be found here, and 2 MB stays within its second
// (BenchmarkHostileFormats). Run it with
//
//	go test -fuzz FuzzHostileDocument -fuzztime 2m ./corpus/
func FuzzHostileDocument(f *testing.F) {
	for _, seed := range []string{">", "> ", "1. ", "[", "![", "[a](", "**a_", "`a", "[a]: b", "<a ", "*[`<", "<a href=x>", "<p>x", "word ", "\n", "# h\n", "- ", "28 February 2026: ", "as of ", "A. "} {
		f.Add(seed, uint16(200), uint16(2000), uint16(8<<10))
	}
	f.Fuzz(func(t *testing.T, unit string, line, block, size uint16) {
		if unit == "" {
			return
		}
		total := 512 + int(size)%(8<<10)
		var b strings.Builder
		b.WriteString("---\ntitle: Fuzz\n---\n\n")
		l := strings.Repeat(unit, max(1, int(line)/len(unit)))
		for b.Len()+len(l) < total {
			for n := 0; n+len(l) < max(int(block), 1) && b.Len()+len(l) < total; n += len(l) + 1 {
				b.WriteString(l + "\n")
			}
			b.WriteString("\n")
		}
		data := []byte(b.String())
		for _, name := range []string{"f.md", "f.txt"} {
			r := newReading(context.Background())
			d, err := newDraft(r, &Corpus{}, Source{Name: name, ContentType: "text/plain", Data: data}, time.Now())
			if r.steps > 4*len(data)+readStride {
				t.Fatalf("%s: %d steps for %d bytes", name, r.steps, len(data))
			}
			if err != nil {
				if _, ok := RefusalReason(err); !ok {
					t.Fatalf("%s: %v, want a refusal with a reason", name, err)
				}
				continue
			}
			if n := len(d.Doc.Paragraphs); n == 0 || n > MaxParagraphs {
				t.Fatalf("%s: %d paragraphs", name, n)
			}
		}
	})
}

// ExampleMaxNesting shows the reason a deeply nested document is refused with.
func ExampleMaxNesting() {
	_, err := ParseDocument("deep.md", []byte("---\ntitle: Deep\n---\n\n"+strings.Repeat(">", 1000)+" a\n"))
	fmt.Println(err)
	// Output: deep.md:5: quotes, lists or indentation nested more than 32 deep
}
