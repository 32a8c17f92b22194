package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/standoff-bot/standoff/corpus"
)

// testSources are a few texts of real-looking sentences, some long.
func testSources() []textSource {
	var out []textSource
	for i := range 12 {
		s := textSource{title: fmt.Sprintf("Source %d on enrichment", i)}
		for j := range 9 {
			sentence := fmt.Sprintf("Sentence %d of source %d says that inspectors counted %d centrifuges at the site.", j, i, i*j)
			if j == 4 {
				sentence = strings.Repeat("A very long clause about sanctions and snapback, ", 12) + "it ends here."
			}
			s.sentences = append(s.sentences, sentence)
		}
		out = append(out, s)
	}
	return out
}

// parseGenerated reads generated files through the product's corpus package.
func parseGenerated(t *testing.T, g generated) *corpus.Corpus {
	t.Helper()
	c := &corpus.Corpus{}
	for _, f := range g.Files {
		d, err := corpus.ParseDocument(f.Path, f.Data)
		if err != nil {
			t.Fatalf("ParseDocument(%s): %v", f.Path, err)
		}
		c.Documents = append(c.Documents, d)
	}
	return c
}

func TestGenerateExactPassages(t *testing.T) {
	for _, n := range []int{1, 7, 250, 1001} {
		g, err := generate(testSources(), n, 42)
		if err != nil {
			t.Fatal(err)
		}
		ps := parseGenerated(t, g).Passages()
		if len(ps) != n || len(g.Passages) != n {
			t.Fatalf("n=%d: corpus has %d passages, generator says %d", n, len(ps), len(g.Passages))
		}
		for i, p := range ps {
			if p.ID != g.Passages[i].ID || p.Text != g.Passages[i].Text {
				t.Fatalf("n=%d: passage %d is %s %q, generator says %s %q", n, i, p.ID, p.Text, g.Passages[i].ID, g.Passages[i].Text)
			}
			if utf8.RuneCountInString(p.Text) > corpus.MaxPassageChars {
				t.Fatalf("passage %s has %d characters", p.ID, utf8.RuneCountInString(p.Text))
			}
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, err := generate(testSources(), 300, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := generate(testSources(), 300, 7)
	c, _ := generate(testSources(), 300, 8)
	if len(a.Files) != len(b.Files) {
		t.Fatalf("same seed: %d files, then %d", len(a.Files), len(b.Files))
	}
	for i := range a.Files {
		if a.Files[i].Path != b.Files[i].Path || !bytes.Equal(a.Files[i].Data, b.Files[i].Data) {
			t.Fatalf("same seed: file %d differs", i)
		}
	}
	same := len(a.Files) == len(c.Files)
	for i := 0; same && i < len(a.Files); i++ {
		same = bytes.Equal(a.Files[i].Data, c.Files[i].Data)
	}
	if same {
		t.Error("seeds 7 and 8 gave the same corpus")
	}
	qa := drawQuestions(a.Passages, 50, 3)
	qb := drawQuestions(a.Passages, 50, 3)
	if len(qa) != 50 || fmt.Sprint(qa) != fmt.Sprint(qb) {
		t.Errorf("drawQuestions: %d questions, same seed same questions: %v", len(qa), fmt.Sprint(qa) == fmt.Sprint(qb))
	}
}

func TestDrawnQuestionsComeFromTheirPassage(t *testing.T) {
	g, err := generate(testSources(), 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	text := map[string]string{}
	for _, p := range g.Passages {
		text[p.ID] = strings.ToLower(p.Text)
	}
	for _, q := range drawQuestions(g.Passages, 200, 9) {
		words := strings.Fields(q.Question)
		last := words[len(words)-1]
		if !strings.Contains(text[q.Passage], last) {
			t.Errorf("question %q: %q is not in passage %s", q.Question, last, q.Passage)
		}
	}
}

func TestGenerateRejectsNothing(t *testing.T) {
	if _, err := generate(nil, 10, 1); err == nil {
		t.Error("generate with no source: no error")
	}
	if _, err := generate(testSources(), 0, 1); err == nil {
		t.Error("generate 0 passages: no error")
	}
}
