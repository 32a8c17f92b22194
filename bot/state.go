package bot

// This file: the data folder and the logs in it: opening them, and removing old lines.

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/standoff-bot/standoff/corpus"
)

// openState makes the data folder (0700) and opens the feedback and questions logs
// (0600); the function it returns closes them.
func (b *Bot) openState() (func(), error) {
	if err := ensurePrivateDir(b.cfg.DataDir, b.log); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	key, err := loadJournalKey(b.cfg.DataDir)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{FeedbackFile, QuestionsFile} {
		n, err := pruneJournal(filepath.Join(b.cfg.DataDir, name), b.retentionStart(), key)
		if err != nil && !errors.Is(err, errUnchanged) {
			return nil, err
		}
		if n > 0 {
			b.log.Info("old log lines removed", "file", name, "lines", n, "retention_days", b.retentionDays())
		}
	}
	fb, err := OpenFeedback(filepath.Join(b.cfg.DataDir, FeedbackFile))
	if err != nil {
		return nil, err
	}
	qj, err := corpus.OpenJournal(filepath.Join(b.cfg.DataDir, QuestionsFile))
	if err != nil {
		fb.Close()
		return nil, fmt.Errorf("questions log: %w", err)
	}
	b.mu.Lock()
	b.feedback, b.questions, b.hashKey = fb, qj, key
	b.mu.Unlock()
	return func() {
		if err := qj.Close(); err != nil {
			b.log.Error("closing the questions log", "err", err)
		}
		if err := fb.Close(); err != nil {
			b.log.Error("closing the feedback log", "err", err)
		}
	}, nil
}

// retentionDays is how many days the logs keep a line.
func (b *Bot) retentionDays() int {
	if b.cfg.RetentionDays > 0 {
		return b.cfg.RetentionDays
	}
	return DefaultRetentionDays
}

// retentionStart is the time before which log lines are removed.
func (b *Bot) retentionStart() time.Time {
	now := time.Now
	if b.opts.Now != nil {
		now = b.opts.Now
	}
	return now().AddDate(0, 0, -b.retentionDays())
}

// pruneLogs removes the lines older than the retention period from the questions and
// feedback logs; it runs at start and then every PruneEvery.
func (b *Bot) pruneLogs() {
	b.mu.Lock()
	fb, qj, key := b.feedback, b.questions, b.hashKey
	b.mu.Unlock()
	if fb == nil || qj == nil {
		return
	}
	for name, j := range map[string]*corpus.Journal{FeedbackFile: fb.j, QuestionsFile: qj} {
		n, err := prune(j, b.retentionStart(), key)
		if err != nil {
			b.log.Error("removing old log lines", "file", name, "err", err)
		} else if n > 0 {
			b.log.Info("old log lines removed", "file", name, "lines", n, "retention_days", b.retentionDays())
		}
	}
}

// prunePeriodically runs pruneLogs every PruneEvery until ctx is done.
func (b *Bot) prunePeriodically(ctx context.Context) {
	t := time.NewTicker(b.opts.PruneEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			b.pruneLogs()
		}
	}
}
