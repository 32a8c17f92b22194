package index

import (
	"context"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/standoff-bot/standoff"
)

// inTop3 tells whether one of the first three passages Answer gives holds phrase.
func inTop3(t *testing.T, ix *Index, q, phrase string) bool {
	t.Helper()
	ans, err := ix.Answer(context.Background(), standoff.Request{Question: q, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ans.Results {
		if strings.Contains(normalizeForCompare(r.Text), normalizeForCompare(phrase)) {
			return true
		}
	}
	return false
}

// TestLexicon finds passages through words the question does not share with them, and
// only with the lexicon; a word found only through it does not make a question answered.
func TestLexicon(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	lx := parseLexicon(lexiconData)
	if len(lx) < 1000 {
		t.Fatalf("the embedded lexicon has %d words", len(lx))
	}
	if got := lx["biggest"]; !contains(got, "larg") {
		t.Errorf("lexicon[biggest] = %v, want larg (largest) among them", got)
	}
	for _, tc := range []struct{ q, phrase string }{
		{"biggest enrichment plant in iran", "largest uranium enrichment site"},
		{"would iran thin out its uranium stockpile", "dilute or reduce its stockpile"},
	} {
		ix.weights.lexicon = 0
		if inTop3(t, ix, tc.q, tc.phrase) {
			t.Errorf("%q finds %q without the lexicon: the case proves nothing", tc.q, tc.phrase)
		}
		ix.weights.lexicon = defaultWeights.lexicon
		if !inTop3(t, ix, tc.q, tc.phrase) {
			t.Errorf("%q does not find %q in the first three with the lexicon", tc.q, tc.phrase)
		}
	}
	// "blab" is "talk" in the lexicon (and not in the corpus): a passage on talks does
	// not answer this.
	if alts := ix.lexicalAlternatives("blab", nil); len(alts) == 0 || alts[0].key != "talk" {
		t.Fatalf("lexical alternatives of blab: %+v, want talk: the case proves nothing", alts)
	}
	ans, err := ix.Answer(context.Background(), standoff.Request{Question: "would he blab"})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Answered {
		t.Errorf("%q is answered through the lexicon alone: %+v", ans.Question, ans.Results)
	}
}

// TestFeedback adds terms of the first passages to a question with a word the corpus
// lacks, and none to a question whose words are all the corpus's own.
func TestFeedback(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	ctx := context.Background()
	const q, phrase = "how refined does uranium need to be for a weapon", "enriched to about 90% uranium-235"
	terms := func(q string) []alternative {
		p := ix.readQuestion(q)
		res, err := ix.bleve.SearchInContext(ctx, bleve.NewSearchRequestOptions(p.bleveQuery(ix.weights), 10, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		return ix.feedback(p, res.Hits)
	}
	if got := terms("what is breakout time"); len(got) != 0 {
		t.Errorf("feedback for a question of the corpus's own words: %+v", got)
	}
	got := terms(q)
	if len(got) == 0 || len(got) > feedbackTerms || got[0].weight != defaultWeights.feedback {
		t.Fatalf("feedback for %q: %+v", q, got)
	}
	for _, a := range got {
		if strings.Contains(q, a.key) || a.weight <= 0 || a.weight > defaultWeights.feedback {
			t.Errorf("feedback term %+v", a)
		}
	}
	ix.weights.feedback = 0
	if inTop3(t, ix, q, phrase) {
		t.Fatalf("%q finds %q without feedback: the case proves nothing", q, phrase)
	}
	ix.weights.feedback = defaultWeights.feedback
	if !inTop3(t, ix, q, phrase) {
		t.Errorf("%q does not find %q in the first three with feedback", q, phrase)
	}
}

// BenchmarkParseLexicon is what reading the embedded lexicon adds to every Open.
func BenchmarkParseLexicon(b *testing.B) {
	for b.Loop() {
		parseLexicon(lexiconData)
	}
}
