package corpus

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// shape is a hostile text of about a given size in one format: a file name (its
// extension is the format) and the text.
type shape struct {
	name string // the format's extension first: "txt-blank-lines"
	file string // "h.txt" or "h.md"
	text string
}

// hostileShapes are texts of about size bytes in Markdown and text (corpus/web reads
// HTML, under the limits of checkHTMLShape), each built on what makes
// a reader do the most work: many blank lines, one huge line, deep nesting, many headings,
// list markers, dates, sentences, sources. Each must be read or refused in time linear in
// its size.
func hostileShapes(size int) []shape {
	const fm = "---\ntitle: Hostile\n---\n\n"
	// fill repeats unit after head up to size bytes, then adds tail.
	fill := func(head, unit, tail string) string {
		n := max(1, (size-len(head)-len(tail))/len(unit))
		return head + strings.Repeat(unit, n) + tail
	}
	dated := "28 February 2026: as of 17 May 2025, as of early June 2025, In 2025, On 22 June 2025 Fordow; "
	return []shape{
		// Plain text.
		{"txt-blank-lines", "h.txt", fill("Title\nline\n", "\n", "")},
		{"txt-blank-lines-then-text", "h.txt", fill("Title\nline\n", "\n", "end\n")},
		{"txt-white-lines", "h.txt", fill("Title\nline\n", " \t\n", "end\n")},
		{"txt-crlf-lines", "h.txt", fill("Title\r\nline\r\n", "\r\n", "end\r\n")},
		{"txt-one-huge-line", "h.txt", fill("Title\n", "word ", "\n")},
		{"txt-one-huge-word", "h.txt", fill("Title\n", "x", "\n")},
		{"txt-spaces", "h.txt", fill("Title\na", " \t", "b\n")},
		{"txt-one-word-paragraphs", "h.txt", fill("Title\n\n", "a\n\n", "")},
		{"txt-short-sentences", "h.txt", fill("Title\n\n", "A. ", "\n")},
		{"txt-abbreviations", "h.txt", fill("Title\n\n", "Dr. U.S. e.g. ", "\n")},
		{"txt-figures", "h.txt", fill("Title\n\n", "in 2018. Iran ", "\n")},
		{"txt-quotes", "h.txt", fill("Title\n\n", "“It is over.” ", "\n")},
		{"txt-dates-one-paragraph", "h.txt", fill("Title\n\n", dated, "\n")},
		{"txt-dates-paragraphs", "h.txt", fill("Title\n\n", "28 February 2026: Fordow was struck.\n\n", "")},
		{"txt-as-of", "h.txt", fill("Title\n\n", "as of ", "2026\n")},
		{"txt-date-prefixes", "h.txt", fill("Title\n\n", "early ", "2026: x\n")},
		{"txt-digits", "h.txt", fill("Title\n\n", "2026 ", "\n")},
		// Markdown.
		{"md-blank-lines", "h.md", fill(fm+"line\n", "\n", "")},
		{"md-blank-lines-then-text", "h.md", fill(fm+"line\n", "\n", "end\n")},
		{"md-one-huge-line", "h.md", fill(fm, "word ", "\n")},
		{"md-headings", "h.md", fill(fm, "# heading\n", "text\n")},
		{"md-headings-paragraphs", "h.md", fill(fm, "## 2026: strikes\nFordow.\n\n", "")},
		{"md-setext-headings", "h.md", fill(fm, "heading\n===\n\n", "text\n")},
		{"md-list-markers", "h.md", fill(fm, "- a\n\n", "")},
		{"md-empty-list-markers", "h.md", fill(fm, "-\n\n", "text\n")},
		{"md-ordered-markers", "h.md", fill(fm, "1. a\n\n", "")},
		{"md-nested", "h.md", fill(fm, strings.Repeat("> ", 30)+"- a\n\n", "")},
		{"md-open-fence", "h.md", fill(fm+"```\n", "code line\n\n", "")},
		{"md-indented-code", "h.md", fill(fm, "    code line\n\n", "")},
		{"md-html-blocks", "h.md", fill(fm, "<div>\n\n", "text\n")},
		{"md-dates", "h.md", fill(fm, "- "+dated+"\n\n", "")},
		{"md-sentences", "h.md", fill(fm, strings.Repeat("A. ", 10_000)+"\n\n", "")},
		{"md-sources-ahead", "h.md", fill(fm+"# h\n\n", "Sources: [a](https://example.org/a)\n\n", "") + strings.Repeat("text\n\n", 8000) + "Sources: [b](https://example.org/b)\n"},
		{"md-sources-after", "h.md", fill(fm, "text\n\nSources: [a](https://example.org/a) (P, 2025-01-01)\n\n", "")},
		{"md-references", "h.md", fill(fm, "[a]: https://example.org\n\n", "text\n")},
	}
}

// BenchmarkHostileFormats reads 2 MB of each hostile shape as a moderator's upload
// (NewDraft, against the default corpus) and as a file of the corpus folder
// (parseBounded, as Load does): each must be read or refused within a second.
func BenchmarkHostileFormats(b *testing.B) {
	ctx := context.Background()
	c, err := Load(ctx, os.DirFS("default"))
	if err != nil {
		b.Fatal(err)
	}
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for _, s := range hostileShapes(2<<20 - 4096) {
		b.Run(s.name+"/upload", func(b *testing.B) {
			b.SetBytes(int64(len(s.text)))
			refused := 0
			for b.Loop() {
				if _, err := NewDraft(ctx, nil, c, Source{Name: s.file, ContentType: "text/plain", Data: []byte(s.text)}, today); err != nil {
					refused = 1
				}
			}
			b.ReportMetric(float64(refused), "refused")
		})
		b.Run(s.name+"/folder", func(b *testing.B) {
			b.SetBytes(int64(len(s.text)))
			refused := 0
			for b.Loop() {
				if _, err := parseBounded(ctx, NewParser(1, 0), s.file, []byte(s.text)); err != nil {
					refused = 1
				}
			}
			b.ReportMetric(float64(refused), "refused")
		})
	}
}

// countdown is a context whose deadline passes after its Err has been asked a number of
// times: a deadline in the middle of a reading, without a clock.
type countdown struct {
	context.Context
	left int
}

// Err is nil the first left times, then context.DeadlineExceeded.
func (c *countdown) Err() error {
	if c.left > 0 {
		c.left--
		return nil
	}
	return context.DeadlineExceeded
}

// readShape reads a shape as the corpus folder would, as the reading r.
func readShape(r *reading, s shape) error {
	_, err := parseDocument(r, s.file, []byte(s.text))
	return err
}

// TestHostileShapesLinear: every hostile shape of 128 KB is read or refused in steps linear in its size: fewer
// than four a byte (a step is a line, a paragraph, a node or 64 bytes). The text of the issue (a title, one line, then
// blank lines) took quadratic time: a look for text after every blank line.
func TestHostileShapesLinear(t *testing.T) {
	for _, s := range hostileShapes(128 << 10) {
		t.Run(s.name, func(t *testing.T) {
			r := newReading(context.Background())
			readShape(r, s)
			if r.steps > 4*len(s.text) {
				t.Errorf("%d steps for %d bytes", r.steps, len(s.text))
			}
		})
	}
}

// TestRefusedReadingStops: a reading whose deadline passes stops there: it is refused, within a stride of steps
// of the moment its context ended, and nothing of it goes on running (the parser's slot
// is free as soon as the refusal comes).
func TestRefusedReadingStops(t *testing.T) {
	issue := "Title\nline\n" + strings.Repeat("\n", 128<<10)
	for _, s := range append(hostileShapes(128<<10), shape{"issue-17", "h.txt", issue}) {
		t.Run(s.name, func(t *testing.T) {
			r := newReading(&countdown{Context: context.Background(), left: 2})
			err := readShape(r, s)
			if r.err == nil {
				return // read before the deadline: nothing to stop
			}
			if err == nil {
				t.Fatal("a stopped reading returned a document")
			}
			if limit := 4 * readStride; r.steps > limit {
				t.Errorf("%d steps, over %d: the reading went on after its deadline", r.steps, limit)
			}
		})
	}

	p := NewParser(1, time.Hour)
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	_, err := p.Parse(ctx, "h.txt", []byte(issue))
	var prob Problem
	if !errors.As(err, &prob) || !strings.Contains(prob.Reason, "took too long") {
		t.Fatalf("Parse after the deadline: %v, want a refusal for the time", err)
	}
	select {
	case p.sem <- struct{}{}:
	default:
		t.Fatal("the refused reading still holds its slot: its work goes on")
	}

	// Read or refused for its time, whichever comes first on this machine, the reading
	// is over when Parse returns.
	p = NewParser(1, 50*time.Millisecond)
	_, err = p.Parse(context.Background(), "h.txt", []byte(issue))
	select {
	case p.sem <- struct{}{}:
	default:
		t.Fatalf("Parse returned (%v) while its reading goes on, holding its slot", err)
	}
}
