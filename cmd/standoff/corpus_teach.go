package main

import (
	"context"
	"fmt"
	"io"

	"github.com/standoff-bot/standoff/corpus/curate"
)

// teach records that question is answered by passage (doc#paragraph), or, with unteach,
// removes that record; then it rebuilds the index, commits and records the change.
func (w *workspace) teach(ctx context.Context, passage, question string, unteach bool, stdout io.Writer) error {
	before, err := w.load(ctx)
	if err != nil {
		return err
	}
	command, verb, prep := "teach", "taught", "to"
	t, err := curate.Teach(before, w.store, passage, question)
	if unteach {
		command, verb, prep = "unteach", "untaught", "from"
		t, err = curate.Unteach(before, w.store, passage, question)
	}
	if err != nil {
		return err
	}
	return w.change(ctx, before, command, "", t.Plan, func() (func() error, error) {
		undo, err := t.Apply()
		if err == nil {
			fmt.Fprintf(stdout, "%s %q %s %s", verb, t.Taught.Question, prep, t.Taught.Passage)
			if t.Passage.ID != "" {
				fmt.Fprintf(stdout, " (%s, paragraph %d)", t.Passage.Title, t.Passage.Paragraph)
			}
			fmt.Fprintln(stdout)
		}
		return undo, err
	}, stdout)
}
