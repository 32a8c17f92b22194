package curate

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// Outcome is what a change of the corpus did.
type Outcome struct {
	Changes  corpus.Changes
	Problems []corpus.Problem // documents of the folder that could not be read
	Rebuilt  bool             // a new index was built and swapped in
	Stats    standoff.Stats   // the index serving now
}

// Config is what a Curator works with.
type Config struct {
	// CorpusDir is the corpus folder.
	CorpusDir string
	// Audit is the audit log changes are recorded in.
	Audit *AuditLog
	// Rebuild builds the index of the corpus and swaps it in.
	Rebuild Rebuild
	// Commit, when set, records the changes ch in the corpus repository (and pushes
	// them); an error means the change is not kept.
	Commit func(ctx context.Context, who Actor, command, source string, ch corpus.Changes) error
	// Now is the clock of the records; time.Now when nil.
	Now func() time.Time
	// Log is told of every rebuild; nil: nothing is logged.
	Log *slog.Logger
}

// Curator follows the corpus folder and the index built from it: Refresh re-reads the
// folder and, when it changed, rebuilds the index, commits and records the changes.
// Changes must be made one at a time: the caller serialises them.
type Curator struct {
	cfg    Config
	cur    atomic.Pointer[corpus.Corpus]  // the corpus the serving index was built from
	served atomic.Pointer[standoff.Stats] // what the serving index serves
	ready  chan struct{}                  // closed once cur holds the corpus
	once   sync.Once
	failed bool // the corpus could not be read after a start from the stored index
}

// NewCurator returns the curator of cfg.CorpusDir, whose serving index was built from c
// and serves served. A nil c means the index was opened from what it stored and the
// corpus is still being read: Loaded gives it, and Corpus and Refresh wait for it.
func NewCurator(cfg Config, c *corpus.Corpus, served standoff.Stats) *Curator {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	k := &Curator{cfg: cfg, ready: make(chan struct{})}
	k.served.Store(&served)
	if c != nil {
		k.Loaded(c, served)
	}
	return k
}

// Loaded gives a curator made without its corpus (NewCurator with a nil c) the corpus c
// its serving index was built from, and what that index serves; only the first call
// counts. A nil c says the corpus could not be read: Corpus is then an empty corpus and
// Refresh refuses.
func (k *Curator) Loaded(c *corpus.Corpus, served standoff.Stats) {
	k.once.Do(func() {
		if c == nil {
			k.failed, c = true, &corpus.Corpus{}
		}
		k.cur.Store(c)
		k.served.Store(&served)
		close(k.ready)
	})
}

// Corpus is the corpus the serving index was built from; it waits until Loaded gave it.
func (k *Curator) Corpus() *corpus.Corpus {
	<-k.ready
	return k.cur.Load()
}

// Refresh re-reads the corpus folder and, when it changed, rebuilds the index through
// Config.Rebuild; when the build fails, the old index goes on serving and the error says
// why. The changes are committed to the corpus repository, then recorded in the audit
// log as rec says (its Changes are filled in here), and the records returned. When rec
// has a planned change whose outcome cannot be recorded, the new index serves but an
// error says so: the caller undoes the change.
func (k *Curator) Refresh(ctx context.Context, rec Recording) (Outcome, []AuditRecord, error) {
	if k.Corpus(); k.failed {
		return Outcome{}, nil, &corpus.Refusal{Reason: "the corpus folder could not be read at start; the index serving was left as it was"}
	}
	c, err := corpus.LoadDir(ctx, k.cfg.CorpusDir)
	if err != nil {
		return Outcome{}, nil, &corpus.Refusal{Reason: "the corpus folder cannot be read; the index serving was left as it was", Err: err}
	}
	if len(c.Documents) == 0 {
		return Outcome{}, nil, &corpus.Refusal{Reason: "the corpus folder has no readable document; the index serving was left as it was"}
	}
	prev := k.Corpus()
	out := Outcome{Changes: corpus.Diff(prev, c), Problems: c.Problems}
	if out.Changes.Empty() && c.Fingerprint() == k.served.Load().Fingerprint {
		out.Stats = *k.served.Load()
		return out, nil, nil
	}
	start := time.Now()
	st, err := k.cfg.Rebuild(ctx, c)
	if err != nil {
		return Outcome{}, nil, &corpus.Refusal{Reason: "the new index could not be built, so the old one goes on serving", Err: err}
	}
	k.cur.Store(c)
	k.served.Store(&st)
	out.Rebuilt, out.Stats = true, st
	k.cfg.Log.Info("corpus refreshed", "by", rec.Who.ID, "via", rec.Who.Via, "command", rec.Command,
		"added", len(out.Changes.Added), "updated", len(out.Changes.Updated), "removed", len(out.Changes.Removed),
		"passages", st.Passages, "took", time.Since(start).Round(time.Millisecond))
	rec.Changes = WithTaught(WithSynonyms(out.Changes, prev, c), prev, c)
	out.Changes = rec.Changes // a change of the rules or of the taught questions is one too
	if k.cfg.Commit != nil {
		if err := k.cfg.Commit(ctx, rec.Who, rec.Command, rec.Source, rec.Changes); err != nil {
			return out, nil, err
		}
	}
	if rec.Plan != nil {
		Failpoint(FailBeforeDone)
	}
	recs, err := k.cfg.Audit.Record(rec, k.cfg.Now())
	if err != nil {
		k.cfg.Log.Error("writing the audit log", "err", err)
		if rec.Plan != nil {
			return out, recs, &corpus.Refusal{Reason: "the change could not be recorded in the audit log, so it was undone", Err: err}
		}
	}
	if rec.Plan != nil {
		Failpoint(FailAfterDone)
	}
	return out, recs, nil
}
