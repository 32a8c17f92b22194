package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/standoff-bot/standoff"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
	"github.com/standoff-bot/standoff/corpus/web"
	"github.com/standoff-bot/standoff/index"
)

// corpusFlags are the flags of the corpus subcommands.
type corpusFlags struct {
	corpus, data      string
	dryRun, json, all bool
	adopt             bool
	reason            string
}

// cmdCorpus runs the corpus subcommand sub (add, remove, list, sync, history, undo), whose flags and
// arguments the command line has parsed: it opens the workspace and gives it to do.
func cmdCorpus(ctx context.Context, sub string, cf corpusFlags, args []string, stdout, stderr io.Writer,
	do func(ctx context.Context, w *workspace, cf corpusFlags, args []string) error) int {
	fail := func(err error) int {
		if reason, ok := corpus.RefusalReason(err); ok {
			fmt.Fprintf(stderr, "standoff corpus %s: %s\n", sub, reason)
			var r *corpus.Refusal
			if host, blocked := corpus.BlockedHost(err); blocked {
				fmt.Fprintf(stderr, "  to allow it (tests, intranets), add it to STANDOFF_FETCH_ALLOW, such as STANDOFF_FETCH_ALLOW=%s\n", host)
			} else if errors.As(err, &r) && r.Err != nil && !strings.Contains(reason, r.Err.Error()) {
				fmt.Fprintf(stderr, "  detail: %v\n", r.Err)
			}
		} else {
			fmt.Fprintf(stderr, "standoff corpus %s: %v\n", sub, err)
		}
		return 1
	}
	if sub == "list" || sub == "history" {
		// Reading commands make nothing: without a corpus folder yet, they say so.
		_, dir, err := folders(cf.data, cf.corpus, os.LookupEnv)
		if err != nil {
			return fail(err)
		}
		switch _, err := os.Stat(dir); {
		case errors.Is(err, fs.ErrNotExist):
			if err := noCorpusFolder(ctx, sub, dir, cf.json, stdout, stderr); err != nil {
				return fail(err)
			}
			return 0
		case err != nil:
			return fail(fmt.Errorf("corpus folder: %w", err))
		}
	}
	w, err := openWorkspace(ctx, cf, stderr)
	if err != nil {
		return fail(err)
	}
	defer w.audit.Close()
	switch sub {
	case "add", "remove", "teach", "unteach", "approve", "reject", "poll", "watch add", "watch remove":
		w.syncFirst(ctx, stderr)
	}
	if err := do(ctx, w, cf, args); err != nil {
		return fail(err)
	}
	return 0
}

// noCorpusFolder is list or history where the corpus folder dir does not exist yet:
// list lists the embedded corpus (what ask reads then), history has nothing to show; on
// stderr, both say why. Neither makes the folder: the first change, or standoff bot, does.
func noCorpusFolder(ctx context.Context, sub, dir string, asJSON bool, stdout, stderr io.Writer) error {
	if sub == "history" {
		fmt.Fprintf(stderr, "standoff corpus history: no corpus folder yet (%s), so no history: the first change, or standoff bot, makes it from the embedded corpus\n", dir)
		return nil
	}
	fmt.Fprintf(stderr, "standoff corpus list: no corpus folder yet (%s): the corpus embedded in the binary, which the first change, or standoff bot, copies there\n", dir)
	c, err := corpus.LoadDirOrDefault(ctx, "")
	if err != nil {
		return err
	}
	return printList(c, asJSON, stdout, stderr)
}

// workspace is the corpus folder and data folder the corpus subcommands work on.
type workspace struct {
	corpusDir, dataDir string
	store              corpus.Store
	audit              *curate.AuditLog
	who                curate.Actor
	git                *gitcorpus.Repo
	remote             string // STANDOFF_CORPUS_GIT, empty without a remote
}

// openWorkspace resolves the folders: --data as for ask; --corpus, else
// STANDOFF_CORPUS_DIR, else DATA/corpus, filled with the embedded corpus on first use, as
// standoff bot does.
func openWorkspace(ctx context.Context, cf corpusFlags, stderr io.Writer) (*workspace, error) {
	data, dir, err := folders(cf.data, cf.corpus, os.LookupEnv)
	if err != nil {
		return nil, err
	}
	if _, err := corpus.Seed(dir); err != nil {
		return nil, err
	}
	gcfg := gitConfig(dir, os.LookupEnv, cliLogger(stderr))
	repo, err := gitcorpus.Open(ctx, gcfg)
	if err != nil {
		return nil, err
	}
	audit, _, err := curate.Start(data, dir, time.Now())
	if err != nil {
		return nil, err
	}
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	w := &workspace{corpusDir: dir, dataDir: data, store: corpus.Store{Dir: dir}, audit: audit,
		who: curate.Actor{ID: "cli:" + name, Name: name, Via: "cli"}, git: repo, remote: gcfg.Remote}
	return w, nil
}

// load reads the corpus folder.
func (w *workspace) load(ctx context.Context) (*corpus.Corpus, error) {
	c, err := corpus.LoadDir(ctx, w.corpusDir)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// add makes a document of a web page or a file and writes it, then rebuilds the index.
func (w *workspace) add(ctx context.Context, arg string, dryRun bool, stdout io.Writer) error {
	src, err := w.source(ctx, arg)
	if err != nil {
		return err
	}
	return w.addSource(ctx, src, dryRun, stdout)
}

// addSource makes a document of src and writes it, then rebuilds the index: the change
// of corpus add, and of an approved proposal.
func (w *workspace) addSource(ctx context.Context, src corpus.Source, dryRun bool, stdout io.Writer) error {
	before, err := w.load(ctx)
	if err != nil {
		return err
	}
	d, err := curate.NewDraft(ctx, nil, before, src, time.Now())
	if err != nil {
		return err
	}
	printDraft(stdout, d)
	switch {
	case d.Unchanged:
		fmt.Fprintf(stdout, "nothing to add: %s is already in the corpus with exactly this content\n", d.ID)
		return nil
	case dryRun:
		fmt.Fprintln(stdout, "not written (--dry-run)")
		return nil
	}
	return w.change(ctx, before, "add", d.Source, curate.PlanDraft(d), func() (func() error, error) {
		undo, err := w.store.Commit(d)
		if err == nil {
			fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(w.corpusDir, filepath.FromSlash(d.Path)))
		}
		return undo, err
	}, stdout)
}

// change makes one change of the corpus folder with its audit trail: the intent is
// recorded (and synced) first, then apply changes the folder, the index is rebuilt and
// the outcome recorded. When the intent cannot be written, nothing is changed; when the
// index cannot be built or the outcome recorded, the change is undone.
func (w *workspace) change(ctx context.Context, before *corpus.Corpus, command, source string, plan curate.Planned, apply func() (func() error, error), stdout io.Writer) error {
	return w.audit.Make(ctx, curate.Change{Who: w.who, Command: command, Source: source, Plan: plan, Apply: apply}, curate.Steps{
		Settle: func(ctx context.Context, rec curate.Recording) (bool, error) {
			return false, w.reindex(ctx, before, rec, stdout)
		},
		Restore: func(ctx context.Context, _ bool) error {
			return w.rebuild(ctx)
		},
		Found: w.who,
	})
}

// source downloads arg when it is a web address, or reads it as a file.
func (w *workspace) source(ctx context.Context, arg string) (corpus.Source, error) {
	allow, errs := fetchAllow(os.LookupEnv)
	if len(errs) > 0 {
		return corpus.Source{}, errors.Join(errs...)
	}
	return curate.ReadSource(ctx, arg, web.FetchConfig{Allow: allow,
		UserAgent: "standoff (command line; corpus moderation)"})
}

// remove removes the document with id, then rebuilds the index.
func (w *workspace) remove(ctx context.Context, id string, stdout io.Writer) error {
	before, err := w.load(ctx)
	if err != nil {
		return err
	}
	doc, ok := curate.Find(before, id)
	path := doc.Path
	if !ok {
		return &corpus.Refusal{Reason: fmt.Sprintf("there is no document %q in %s (see standoff corpus list)", id, w.corpusDir)}
	}
	return w.change(ctx, before, "remove", "", curate.PlanRemove(doc), func() (func() error, error) {
		undo, err := w.store.RemoveDocument(path)
		if err == nil {
			fmt.Fprintf(stdout, "removed %s\n", filepath.Join(w.corpusDir, filepath.FromSlash(path)))
		}
		return undo, err
	}, stdout)
}

// reindex rebuilds the index of the corpus folder after a change, commits it to the
// corpus repository (and pushes it), and records it in the audit log; an error means the
// change must be undone.
func (w *workspace) reindex(ctx context.Context, before *corpus.Corpus, rec curate.Recording, stdout io.Writer) error {
	k := curate.NewCurator(curate.Config{CorpusDir: w.corpusDir, Audit: w.audit, Rebuild: w.indexOf,
		Commit: func(ctx context.Context, _ curate.Actor, command, source string, ch corpus.Changes) error {
			return w.commitChange(ctx, command, source, ch, stdout)
		}}, before, standoff.Stats{})
	out, _, err := k.Refresh(ctx, rec)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, out.Changes.Summary())
	fmt.Fprintf(stdout, "index ready: %s, %s\n", corpus.Plural(out.Stats.Documents, "document"), corpus.Plural(out.Stats.Passages, "passage"))
	return nil
}

// rebuild reads the corpus folder and builds its index in the data folder.
func (w *workspace) rebuild(ctx context.Context) error {
	after, err := w.load(ctx)
	if err == nil && len(after.Documents) == 0 {
		err = errors.New("load corpus: no readable document")
	}
	if err != nil {
		return err
	}
	_, err = w.indexOf(ctx, after)
	return err
}

// indexOf builds the index of c in the data folder.
func (w *workspace) indexOf(ctx context.Context, c *corpus.Corpus) (standoff.Stats, error) {
	ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(w.dataDir, "index"),
		Logger: slog.New(slog.DiscardHandler)}, c)
	if err != nil {
		return standoff.Stats{}, err
	}
	st := ix.Stats()
	ix.Close()
	return st, nil
}

// printDraft prints what a draft would add.
func printDraft(w io.Writer, d corpus.Draft) {
	doc := d.Doc
	passages := len((&corpus.Corpus{Documents: []corpus.Document{doc}}).Passages())
	// Every field it will write, an empty one as unknown (never guessed).
	known := func(v string) string {
		if v == "" {
			return "unknown"
		}
		return oneLine(v)
	}
	fmt.Fprintf(w, "document:   %s\ntitle:      %s\npublisher:  %s\nauthor:     %s\npublished:  %s\nurl:        %s\nkind:       %s\nparagraphs: %d (%s)\n",
		d.ID, doc.Title, known(doc.Publisher), known(doc.Author), known(doc.Published), known(doc.URL), known(doc.Kind),
		len(doc.Paragraphs), corpus.Plural(passages, "passage"))
	if d.Replaces != "" {
		fmt.Fprintf(w, "updates:    %s (same address)\n", d.Replaces)
	}
	if len(doc.Paragraphs) > 0 {
		fmt.Fprintf(w, "first:      %s\n", oneLine(doc.Paragraphs[0].Text))
	}
	if d.SameAs != "" {
		fmt.Fprintf(w, "warning:    the same page as %s: the page names that document's address as its own\n", d.SameAs)
	}
	for _, s := range d.Similar {
		fmt.Fprintf(w, "warning:    nearly duplicates %s — %s (%.0f%% the same)\n", s.ID, s.Title, s.Score*100)
	}
}

// list prints the documents of the corpus folder.
func (w *workspace) list(ctx context.Context, asJSON bool, stdout, stderr io.Writer) error {
	c, err := w.load(ctx)
	if err != nil {
		return err
	}
	return printList(c, asJSON, stdout, stderr)
}

// printList prints the documents of c: one JSON object a line with asJSON; else a table
// with a header on a terminal, and tab-separated lines without one for programs.
func printList(c *corpus.Corpus, asJSON bool, stdout, stderr io.Writer) error {
	enc := json.NewEncoder(stdout)
	tw := newTable(stdout, "DOCUMENT", "TITLE", "PUBLISHED", "PARAGRAPHS")
	for _, d := range c.Documents {
		if asJSON {
			if err := enc.Encode(map[string]any{"id": d.ID, "path": d.Path, "title": d.Title, "url": d.URL,
				"publisher": d.Publisher, "published": d.Published, "kind": d.Kind,
				"paragraphs": len(d.Paragraphs), "hash": d.Hash}); err != nil {
				return err
			}
			continue
		}
		tw.row(d.ID, oneLine(d.Title), d.Published, fmt.Sprintf("%d ¶", len(d.Paragraphs)))
	}
	for _, p := range c.Problems {
		fmt.Fprintf(stderr, "standoff corpus list: skipped %s\n", p.Error())
	}
	return tw.flush()
}

// table writes rows: aligned under a header on a terminal, tab-separated otherwise (the
// format scripts read).
type table struct {
	w       io.Writer
	tw      *tabwriter.Writer
	started bool
	header  []string
}

// newTable starts a table of the given columns on w.
func newTable(w io.Writer, header ...string) *table {
	t := &table{w: w, header: header}
	if isTerminal(w) {
		t.tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	}
	return t
}

// row writes one row.
func (t *table) row(cells ...string) {
	if t.tw == nil {
		fmt.Fprintln(t.w, strings.Join(cells, "\t"))
		return
	}
	if !t.started {
		t.started = true
		fmt.Fprintln(t.tw, strings.Join(t.header, "\t"))
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

// flush writes what a terminal's table holds.
func (t *table) flush() error {
	if t.tw == nil {
		return nil
	}
	return t.tw.Flush()
}
