package curate

import (
	"context"
	"log/slog"
	"time"

	"github.com/standoff-bot/standoff/corpus"
)

// Change is one change of the corpus folder that a person asks for: adding, updating or
// removing one document.
type Change struct {
	Who     Actor
	Command string // add or remove
	Source  string // where the document came from; empty for a removal
	Plan    Planned
	// Apply changes the corpus folder and returns how to put it back.
	Apply func() (undo func() error, err error)
}

// Steps are what a front end does with a change once the corpus folder holds it.
type Steps struct {
	// Settle rebuilds the index of the changed folder, commits the change to the corpus
	// repository and records its outcome with AuditLog.Record and rec; rebuilt says
	// whether a new index serves. An error means the change must be undone.
	Settle func(ctx context.Context, rec Recording) (rebuilt bool, err error)
	// Restore rebuilds the index after the change was undone; rebuilt is what Settle
	// said.
	Restore func(ctx context.Context, rebuilt bool) error
	// Kept reports whether an error of Settle leaves nothing to undo: the repository
	// refused the change and the folder already follows its remote. Nil: never.
	Kept func(err error) bool
	// Found is who changes found on disk besides the planned one are credited to.
	Found Actor
	// Now is the clock of the records; time.Now when nil.
	Now func() time.Time
	// Log is told of what went wrong besides the error returned; nil: nothing is logged.
	Log *slog.Logger
}

// Make makes one change of the corpus folder with its audit trail: the intent is
// recorded (and synced) first, then ch.Apply changes the folder, and steps.Settle rebuilds
// the index, commits and records the outcome. When the intent cannot be written, nothing
// is changed; when the folder cannot be changed, or Settle fails, the change is undone
// (unless steps.Kept says there is nothing to undo) and recorded as aborted. The crash
// tests' failpoints are passed on the way.
func (a *AuditLog) Make(ctx context.Context, ch Change, steps Steps) error {
	now, log := steps.Now, steps.Log
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	change, err := a.Intent(ch.Who, ch.Command, ch.Source, ch.Plan, now())
	if err != nil {
		log.Error("writing the intent to the audit log; nothing was changed", "err", err)
		return &corpus.Refusal{Reason: "the audit log cannot be written, so nothing was changed", Err: err}
	}
	abort := func(why string) {
		if err := a.Abort(change, ch.Who, ch.Command, ch.Plan, why, now()); err != nil {
			log.Error("recording an aborted change in the audit log", "change", change, "err", err)
		}
	}
	Failpoint(FailAfterIntent)
	undo, err := ch.Apply()
	if err != nil {
		abort("the corpus folder could not be changed")
		return err
	}
	Failpoint(FailAfterWrite)
	rebuilt, err := steps.Settle(ctx, Recording{Who: ch.Who, Command: ch.Command, Source: ch.Source, Change: change,
		Plan: &ch.Plan, Found: steps.Found})
	if err == nil {
		return nil
	}
	if steps.Kept != nil && steps.Kept(err) {
		abort("refused: " + errText(err))
		return err
	}
	uerr := undo()
	if uerr != nil {
		log.Error("putting the corpus back after a failed change", "err", uerr)
	} else if steps.Restore != nil {
		if uerr = steps.Restore(ctx, rebuilt); uerr != nil {
			log.Error("rebuilding the index after undoing a change", "err", uerr)
		}
	}
	abort("undone: " + errText(err))
	if uerr != nil {
		return &UndoError{Err: err, Undo: uerr}
	}
	return &UndoneError{Err: err}
}

// UndoneError is a change that failed and was undone.
type UndoneError struct{ Err error }

// Error says why the change failed, and that it was undone.
func (e *UndoneError) Error() string { return e.Err.Error() + "; the change was undone" }

// Unwrap returns why the change failed.
func (e *UndoneError) Unwrap() error { return e.Err }

// UndoError is a change that failed and could not be undone either.
type UndoError struct{ Err, Undo error }

// Error says why the change failed, and why it could not be undone.
func (e *UndoError) Error() string { return e.Err.Error() + " (and undo it: " + e.Undo.Error() + ")" }

// Unwrap returns why the change failed.
func (e *UndoError) Unwrap() error { return e.Err }

// errText is the reason of a refusal, or the error's text.
func errText(err error) string {
	if reason, ok := corpus.RefusalReason(err); ok {
		return reason
	}
	return err.Error()
}
