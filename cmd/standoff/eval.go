package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/standoff-bot/standoff/index"
)

// cmdEval scores the questions of a TSV file: Recall@1, Recall@3 and MRR, and lists each
// question whose passage was not among the first three; questions without gold must not
// be answered, and those that were are counted and listed.
func cmdEval(ctx context.Context, cf commonFlags, rest []string, stdout, stderr io.Writer) int {
	today, err := cf.readToday()
	if err != nil {
		fmt.Fprintf(stderr, "standoff eval: %v\n", err)
		return 1
	}
	f, err := os.Open(rest[0])
	if err != nil {
		fmt.Fprintf(stderr, "standoff eval: %v\n", err)
		return 1
	}
	questions, err := index.ReadQuestions(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "standoff eval: %s: %v\n", rest[0], err)
		return 1
	}
	if !today.IsZero() {
		for i := range questions {
			questions[i].Today = today
		}
	}
	ix, err := openIndex(ctx, cf, stderr, false)
	if err != nil {
		fmt.Fprintf(stderr, "standoff eval: %v\n", err)
		return 1
	}
	defer ix.Close()
	rep, err := index.Evaluate(ctx, ix, questions)
	if err != nil {
		fmt.Fprintf(stderr, "standoff eval: %v\n", err)
		return 1
	}
	if cf.json {
		_ = json.NewEncoder(stdout).Encode(rep)
		return 0
	}
	if rep.Today != "" {
		fmt.Fprintf(stdout, "today      %s\n", rep.Today)
	}
	if rep.Questions > 0 || rep.Unanswerable == 0 {
		fmt.Fprintf(stdout, "questions  %d\nRecall@1   %.3f\nRecall@3   %.3f\nMRR        %.3f\nrefused    %d (%.1f%%)\n",
			rep.Questions, rep.RecallAt1, rep.RecallAt3, rep.MRR, rep.Refused, 100*rep.RefusedRate)
	}
	if rep.Unanswerable > 0 {
		fmt.Fprintf(stdout, "must not be answered  %d\nanswered anyway       %d (%.1f%%)\n",
			rep.Unanswerable, rep.AnsweredAnyway, 100*rep.AnsweredAnywayRate)
		for _, m := range rep.Wrongly {
			fmt.Fprintf(stdout, "  line %d: %s\n    answered: %s\n", m.Line, m.Question, m.Top)
		}
	}
	if len(rep.Misses) > 0 {
		fmt.Fprintf(stdout, "\nmissed at 3 (%d):\n", len(rep.Misses))
		for _, m := range rep.Misses {
			got := "not answered"
			if m.Rank > 0 {
				got = fmt.Sprintf("found at rank %d", m.Rank)
			} else if m.Top != "" {
				got = "first passage: " + m.Top
			}
			fmt.Fprintf(stdout, "  line %d: %s\n    want %q; %s\n", m.Line, m.Question, m.Gold, got)
		}
	}
	return 0
}
