package corpus

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// longParagraph returns a paragraph of more than 2,000 characters: short and long
// sentences, abbreviations and figures, and one sentence longer than MaxPassageChars.
func longParagraph() string {
	var b strings.Builder
	for i := range 12 {
		fmt.Fprintf(&b, "In %d the U.S. and Iran met again, e.g. in Oman, and Dr. Smith reported 3.67%% enrichment and 202.8 kg of uranium. ", 2000+i)
		if i == 5 {
			b.WriteString("This sentence is very long" + strings.Repeat(", and it goes on and on without a full stop", 20) + ". ")
		}
		b.WriteString("Talks resumed.  ")
	}
	return strings.TrimSpace(b.String())
}

func TestPassages(t *testing.T) {
	long := longParagraph()
	oneLongSentence := "A single sentence" + strings.Repeat(" that never stops", 60) + "."
	// A corpus made directly, not loaded, keeps the double spaces of the long paragraph.
	c := &Corpus{Documents: []Document{
		{ID: "a", Title: "A", Kind: KindArticle, Paragraphs: []Paragraph{
			{Number: 1, Text: "First."},
			{Number: 2, Text: "Second."},
		}},
		{ID: "b", Title: "B", URL: "https://example.org/b", Publisher: "P", Published: "2025-01-02", Kind: KindReport,
			Paragraphs: []Paragraph{
				{Number: 1, Section: "Sec", Text: "Short one."},
				{Number: 2, Section: "Sec", Text: long},
				{Number: 3, Section: "Sec", Text: oneLongSentence},
			}},
	}}
	ps := c.Passages()

	// The short passages, in document then paragraph order.
	wantFirst := []Passage{
		{ID: "a#1", Doc: "a", Title: "A", Paragraph: 1, Part: 1, Kind: KindArticle, Text: "First."},
		{ID: "a#2", Doc: "a", Title: "A", Paragraph: 2, Part: 1, Kind: KindArticle, Text: "Second."},
		{ID: "b#1", Doc: "b", Title: "B", Section: "Sec", Paragraph: 1, Part: 1, Publisher: "P",
			Published: "2025-01-02", URL: "https://example.org/b", Kind: KindReport, Text: "Short one.", Date: "2025-01-02"},
	}
	if len(ps) < 3 || !reflect.DeepEqual(ps[:3], wantFirst) {
		t.Fatalf("first passages:\n got %+v\nwant %+v", ps[:min(3, len(ps))], wantFirst)
	}

	// The long paragraph: runs of whole sentences.
	var parts []Passage
	for _, p := range ps {
		if p.Doc == "b" && p.Paragraph == 2 {
			parts = append(parts, p)
		}
	}
	if len(parts) < 3 {
		t.Fatalf("long paragraph in %d passages, want 3 or more", len(parts))
	}
	sentences := NewSplitter().Split(long)
	var covered []string
	for i, p := range parts {
		if want := fmt.Sprintf("b#2.%d", i+1); p.ID != want || p.Part != i+1 || p.Section != "Sec" {
			t.Errorf("passage %d: ID %q, Part %d, Section %q, want %q, %d, %q", i, p.ID, p.Part, p.Section, want, i+1, "Sec")
		}
		if !strings.Contains(long, p.Text) {
			t.Errorf("passage %s is not a substring of its paragraph: %q", p.ID, p.Text)
		}
		got := NewSplitter().Split(p.Text)
		n := utf8.RuneCountInString(p.Text)
		if n > MaxPassageChars && len(got) > 1 {
			t.Errorf("passage %s has %d characters and %d sentences", p.ID, n, len(got))
		}
		covered = append(covered, got...)
	}
	if !strings.Contains(parts[0].Text, "resumed.  In") {
		t.Errorf("passage %s lost the double spaces between sentences: %q", parts[0].ID, parts[0].Text)
	}
	if !reflect.DeepEqual(covered, sentences) {
		t.Errorf("passages cover the sentences\n%q\nwant\n%q", covered, sentences)
	}

	// A paragraph of one sentence longer than MaxPassageChars is one passage, not split.
	last := ps[len(ps)-1]
	if last.ID != "b#3" || last.Part != 1 || last.Text != oneLongSentence {
		t.Errorf("last passage = %q part %d, %d characters; want b#3, part 1, the whole sentence", last.ID, last.Part, len(last.Text))
	}
}

func TestPassagesOfDefault(t *testing.T) {
	c, err := Load(t.Context(), Default())
	if err != nil {
		t.Fatal(err)
	}
	byParagraph := map[string]string{}
	for _, d := range c.Documents {
		for _, p := range d.Paragraphs {
			byParagraph[fmt.Sprintf("%s#%d", d.ID, p.Number)] = p.Text
		}
	}
	sp := c.Splitter()
	seen := map[string]bool{}
	for _, p := range c.Passages() {
		if seen[p.ID] {
			t.Errorf("passage id %s twice", p.ID)
		}
		seen[p.ID] = true
		para := byParagraph[fmt.Sprintf("%s#%d", p.Doc, p.Paragraph)]
		if !strings.Contains(para, p.Text) || p.Text == "" {
			t.Errorf("passage %s is not in its paragraph", p.ID)
		}
		if n := utf8.RuneCountInString(p.Text); n > MaxPassageChars && len(sp.Split(p.Text)) > 1 {
			t.Errorf("passage %s has %d characters", p.ID, n)
		}
	}
}

// TestDefaultCorpusIsDated: every passage of the default corpus carries a date but the
// seed article's, whose source gives none (and a date of ours would be invented: see
// ../shared/seed); every timeline entry its own; none after the last day the
// corpus covers, and some on it.
func TestDefaultCorpusIsDated(t *testing.T) {
	c, err := Load(t.Context(), Default())
	if err != nil {
		t.Fatal(err)
	}
	const last = "2026-06-30"
	newest, docs := "", map[string]int{}
	for _, p := range c.Passages() {
		docs[p.Doc]++
		if p.Doc == "iran-us-standoff" {
			if p.Date != "" {
				t.Errorf("seed passage %s is dated %q: its source gives no date", p.ID, p.Date)
			}
			continue
		}
		if _, err := ParseDate(p.Date); err != nil || p.Date == "" {
			t.Errorf("passage %s has no date (%q)", p.ID, p.Date)
		}
		if p.Kind == KindTimeline && !p.DateOwn {
			t.Errorf("timeline passage %s does not open with its date: %.60q", p.ID, p.Text)
		}
		if p.Date > last {
			t.Errorf("passage %s is dated %s, after %s", p.ID, p.Date, last)
		}
		newest = max(newest, p.Date)
	}
	if newest != last {
		t.Errorf("newest passage dated %q, want %s", newest, last)
	}
	for _, doc := range []string{"iran-us-standoff", "timeline"} {
		if docs[doc] == 0 {
			t.Errorf("no passage of %s", doc)
		}
	}
}

func TestFingerprint(t *testing.T) {
	base := fstest.MapFS{
		"a.md":         {Data: []byte("---\ntitle: A\n---\n\nText of A.\n")},
		"b/c.txt":      {Data: []byte("C\n\nText of C.\n")},
		"synonyms.txt": {Data: []byte("a, b\n")},
	}
	fingerprint := func(fsys fstest.MapFS) string {
		t.Helper()
		c, err := Load(t.Context(), fsys)
		if err != nil {
			t.Fatal(err)
		}
		return c.Fingerprint()
	}
	with := func(edit func(fstest.MapFS)) fstest.MapFS {
		fsys := fstest.MapFS{}
		for k, v := range base {
			fsys[k] = &fstest.MapFile{Data: v.Data}
		}
		edit(fsys)
		return fsys
	}

	want := fingerprint(base)
	if len(want) != 64 {
		t.Fatalf("Fingerprint = %q, want 64 hex digits", want)
	}
	if got := fingerprint(with(func(fstest.MapFS) {})); got != want {
		t.Errorf("second load: Fingerprint = %s, want %s", got, want)
	}
	if got := fingerprint(with(func(m fstest.MapFS) { m["README"] = &fstest.MapFile{Data: []byte("x")} })); got != want {
		t.Errorf("with an ignored file: Fingerprint = %s, want %s", got, want)
	}

	changes := map[string]func(fstest.MapFS){
		"one byte":         func(m fstest.MapFS) { m["a.md"].Data = []byte("---\ntitle: A\n---\n\nText of a.\n") },
		"added document":   func(m fstest.MapFS) { m["d.txt"] = &fstest.MapFile{Data: []byte("D\n\nText.\n")} },
		"removed document": func(m fstest.MapFS) { delete(m, "b/c.txt") },
		"renamed document": func(m fstest.MapFS) { m["b/d.txt"] = m["b/c.txt"]; delete(m, "b/c.txt") },
		"synonyms changed": func(m fstest.MapFS) { m["synonyms.txt"].Data = []byte("a, c\n") },
		"synonyms removed": func(m fstest.MapFS) { delete(m, "synonyms.txt") },
		"one-way synonyms": func(m fstest.MapFS) { m["synonyms.txt"].Data = []byte("a => b\n") },
	}
	seen := map[string]string{want: "base"}
	for name, edit := range changes {
		got := fingerprint(with(edit))
		if other, ok := seen[got]; ok {
			t.Errorf("%s: Fingerprint = %s, the same as %s", name, got, other)
		}
		seen[got] = name
	}
}
