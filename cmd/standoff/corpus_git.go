package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
)

// cliLogger logs the corpus repository's warnings on stderr.
func cliLogger(stderr io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// sync brings the remote's changes and rebuilds the index when the corpus changed; with
// adopt, it also pushes the history the folder had before it joined its remote.
func (w *workspace) sync(ctx context.Context, adopt bool, stdout io.Writer) error {
	if !w.git.HasRemote() {
		return errors.New("no remote: set STANDOFF_CORPUS_GIT to the address of the corpus repository")
	}
	before, err := w.load(ctx)
	if err != nil {
		return err
	}
	do := w.git.Sync
	if adopt {
		do = w.git.Adopt
	}
	res, err := do(ctx)
	if errors.Is(err, gitcorpus.ErrNothingToAdopt) {
		return errors.New("nothing to adopt: this folder kept no history of its own when it joined its remote")
	}
	if err != nil {
		return w.remoteError(err)
	}
	if res.Pushed {
		fmt.Fprintf(stdout, "pushed the local changes; the remote is at %s\n", short(res.To))
	}
	if !res.Changed {
		fmt.Fprintf(stdout, "up to date at %s\n", short(res.To))
		return nil
	}
	fmt.Fprintf(stdout, "updated %s..%s\n", short(res.From), short(res.To))
	after, err := w.load(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, corpus.Diff(before, after).Summary())
	return w.buildIndex(ctx, after, stdout)
}

// buildIndex rebuilds the data folder's index of c.
func (w *workspace) buildIndex(ctx context.Context, c *corpus.Corpus, stdout io.Writer) error {
	if len(c.Documents) == 0 {
		return errors.New("load corpus: no readable document")
	}
	st, err := w.indexOf(ctx, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "index ready: %d documents, %d passages\n", st.Documents, st.Passages)
	return nil
}

// history prints the corpus's recent changes, newest first.
func (w *workspace) history(ctx context.Context, asJSON bool, stdout io.Writer) error {
	hist, err := w.git.History(ctx, 0)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	tw := newTable(stdout, "CHANGE", "WHEN", "AUTHOR", "WHAT")
	for _, e := range hist {
		if asJSON {
			if err := enc.Encode(e); err != nil {
				return err
			}
			continue
		}
		tw.row(e.Short, e.When.Format(time.RFC3339), oneLine(e.Author), oneLine(e.Subject))
	}
	return tw.flush()
}

// undo reverts a change, rebuilds the index and records the change in the audit log.
func (w *workspace) undo(ctx context.Context, id string, stdout io.Writer) error {
	if w.git.HasRemote() {
		if _, err := w.git.Sync(ctx); err != nil {
			return fmt.Errorf("sync before the undo: %w", w.remoteError(err))
		}
	}
	before, err := w.load(ctx)
	if err != nil {
		return err
	}
	author, trailers := curate.GitAuthor(w.who)
	e, err := w.git.Undo(ctx, id, author, trailers...)
	var pe *gitcorpus.PushError
	if errors.As(err, &pe) {
		fmt.Fprintf(stdout, "warning: %v\n", err)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "undone as %s: %s\n", e.Short, e.Subject)
	k := curate.NewCurator(curate.Config{CorpusDir: w.corpusDir, Audit: w.audit, Rebuild: w.indexOf}, before, standoff.Stats{})
	out, _, err := k.Refresh(ctx, curate.Recording{Who: w.who, Command: "undo", Found: w.who})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, out.Changes.Summary())
	fmt.Fprintf(stdout, "index ready: %d documents, %d passages\n", out.Stats.Documents, out.Stats.Passages)
	return nil
}

// syncFirst brings the remote's changes before a change is made, so that it is made on
// the latest corpus; an unreachable remote is only a warning.
func (w *workspace) syncFirst(ctx context.Context, stderr io.Writer) {
	if !w.git.HasRemote() {
		return
	}
	if _, err := w.git.Sync(ctx); err != nil {
		fmt.Fprintf(stderr, "standoff corpus: warning: sync before the change: %v\n", w.remoteError(err))
	}
}

// remoteError is an error of a sync with the corpus's remote, named by its address
// (without credentials) in place of the repository's own "sync:" prefix, which the
// command's own prefix would repeat ("standoff corpus sync: sync: …").
func (w *workspace) remoteError(err error) error {
	name := corpus.PublicURL(w.remote)
	if name == "" {
		name = w.remote // scp-like ssh addresses (git@host:path) hold no password
	}
	return &remoteErr{remote: name, err: err}
}

// remoteErr is the error remoteError makes; it unwraps to the repository's error.
type remoteErr struct {
	remote string
	err    error
}

// Error names the remote, then says what failed.
func (e *remoteErr) Error() string {
	msg, _ := strings.CutPrefix(e.err.Error(), "sync: ")
	return "remote " + e.remote + ": " + msg
}

// Unwrap returns the repository's error.
func (e *remoteErr) Unwrap() error { return e.err }

// commitChange records a change of the corpus as one commit, pushed when there is a
// remote, and prints the outcome. A push that fails for want of the remote is a warning
// (a later sync pushes it); a conflict is an error, and the change was not applied.
func (w *workspace) commitChange(ctx context.Context, command, source string, ch corpus.Changes, stdout io.Writer) error {
	out, err := curate.GitCommitter{Repo: w.git}.Commit(ctx, w.who, command, source, ch)
	switch out.Result {
	case curate.GitCommitted, curate.GitReapplied:
		fmt.Fprintf(stdout, "committed %s\n", out.Entry.Short)
	case curate.GitNotPushed:
		fmt.Fprintf(stdout, "warning: %v\n", out.Err)
		fmt.Fprintf(stdout, "committed %s\n", out.Entry.Short)
	case curate.GitConflict:
		return fmt.Errorf("commit the change: %w", out.Err)
	}
	return err
}

// short abbreviates a commit id.
func short(id string) string {
	if len(id) > 10 {
		return id[:10]
	}
	if id == "" {
		return "(no commit)"
	}
	return id
}

// openBotRepo opens the bot's corpus folder as a repository and, with a remote, brings
// its changes before the corpus is loaded; an unreachable remote is only logged.
func openBotRepo(ctx context.Context, dir string, logger *slog.Logger) (*gitcorpus.Repo, time.Duration, error) {
	interval, err := syncInterval(os.LookupEnv)
	if err != nil {
		return nil, 0, err
	}
	repo, err := gitcorpus.Open(ctx, gitConfig(dir, os.LookupEnv, logger.With("part", "corpus-git")))
	if err != nil {
		return nil, 0, err
	}
	if repo.HasRemote() {
		if _, err := repo.Sync(ctx); err != nil {
			logger.Error("syncing the corpus with its remote failed; starting with the corpus as it is", "err", err)
		}
		logger.Info("the corpus follows a git remote", "commit", short(repo.Head()), "every", interval)
	}
	return repo, interval, nil
}
