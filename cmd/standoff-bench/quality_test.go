package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/standoff-bot/standoff/index"
)

// TestEvaluateMatchesIndex checks that the evaluation applied to FTS5 scores standoff
// exactly as index.Evaluate (standoff eval) does.
func TestEvaluateMatchesIndex(t *testing.T) {
	ctx := context.Background()
	qs, err := readQuestionFile(filepath.Join("..", "..", "testdata", "seed-questions.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := loadCorpus(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(ctx, index.Config{}, c)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	want, err := index.Evaluate(ctx, ix, qs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := evaluate(ctx, standoffEngine{ix}, qs)
	if err != nil {
		t.Fatal(err)
	}
	if got.Questions != want.Questions || got.RecallAt1 != want.RecallAt1 || got.RecallAt3 != want.RecallAt3 || got.MRR != want.MRR {
		t.Errorf("evaluate = %+v, index.Evaluate = %+v", got, want)
	}
}
