package corpus

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

func TestParseTaught(t *testing.T) {
	data := "\ufeff# comment\n\nglossary#3\twhat is  breakout\ttime?\r\nbad line\nglossary#3\tWhat is breakout time\nsites#2.1\twhere is fordow\n#4\tno doc\nglossary#x\tbad number\nglossary#2\t\n"
	got, problems := ParseTaught([]byte(data))
	want := []Taught{{Passage: "glossary#3", Question: "what is breakout time?", Line: 3}, {Passage: "sites#2.1", Question: "where is fordow", Line: 6}}
	if len(got) != len(want) {
		t.Fatalf("ParseTaught = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("taught %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	lines := []int{}
	for _, p := range problems {
		if p.Path != TaughtFile {
			t.Errorf("problem path %q", p.Path)
		}
		lines = append(lines, p.Line)
	}
	// Line 7 starts with "#": a comment.
	if len(lines) != 3 || lines[0] != 4 || lines[1] != 8 || lines[2] != 9 {
		t.Errorf("problems on lines %v, want 4 8 9: %v", lines, problems)
	}
	// What FormatTaught writes, ParseTaught reads back.
	again, problems := ParseTaught(FormatTaught(got))
	if len(problems) != 0 || len(again) != 2 || again[0].Question != got[0].Question || again[1].Passage != "sites#2.1" {
		t.Errorf("round trip: %+v %v", again, problems)
	}
}

func TestSplitPassageID(t *testing.T) {
	for id, want := range map[string]bool{"glossary#3": true, "news/2026-01-ap#12.2": true, "a#b#3": true,
		"glossary": false, "#3": false, "glossary#0": false, "glossary#-1": false, "glossary#+3": false,
		"glossary#3.": false, "glossary#3.0": false, "glos sary#3": false, "glossary#": false} {
		if _, _, ok := SplitPassageID(id); ok != want {
			t.Errorf("SplitPassageID(%q) ok = %v, want %v", id, ok, want)
		}
	}
}

// TestLoadTaught reads the taught questions at the root, not as a document and without a
// warning, and counts them in the fingerprint.
func TestLoadTaught(t *testing.T) {
	ctx := context.Background()
	fsys := fstest.MapFS{
		"doc.md":    {Data: []byte("---\ntitle: Doc\n---\n\nFirst paragraph.\n\nSecond paragraph.\n")},
		TaughtFile:  {Data: []byte("doc#2\twhat comes second\n")},
		"sub/x.tsv": {Data: []byte("doc#1\tnot read here\n")},
	}
	c, err := Load(ctx, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Documents) != 1 || len(c.Taught) != 1 || c.Taught[0].Passage != "doc#2" {
		t.Fatalf("documents %d, taught %+v", len(c.Documents), c.Taught)
	}
	for _, w := range c.Warnings {
		if strings.Contains(w.Path, TaughtFile) {
			t.Errorf("warning on the taught file: %v", w)
		}
	}
	if p, ok := c.Passage("doc#2"); !ok || p.Text != "Second paragraph." {
		t.Errorf("Passage(doc#2) = %+v, %v", p, ok)
	}
	if _, ok := c.Passage("doc#3"); ok {
		t.Error("Passage(doc#3) found")
	}
	before := c.Fingerprint()
	fsys[TaughtFile] = &fstest.MapFile{Data: []byte("doc#2\twhat comes next\n")}
	c2, err := Load(ctx, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Fingerprint() == before {
		t.Error("changing a taught question leaves the fingerprint as it was")
	}
}
