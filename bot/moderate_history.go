package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
)

// Names of /corpus history and /corpus undo, their option and their buttons.
const (
	subHistory      = "history"
	subUndo         = "undo"
	optChange       = "change"
	corpusUndo      = corpusPrefix + "undo:"
	corpusUndoNo    = corpusPrefix + "undo-no:"
	historyShown    = 10
	msgNoRepository = "The corpus is not kept in a git repository here, so it has no history."
)

// historyOptions are /corpus history and /corpus undo, added to /corpus's definition.
func historyOptions() []*discordgo.ApplicationCommandOption {
	return []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subHistory,
			Description: "The corpus's recent changes: who, what, when, and their ids."},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subUndo,
			Description: "Undo a change of the history (shows a preview first).",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: optChange, Description: "The change's id, from /corpus history",
					Required: true, MinLength: intPtr(7), MaxLength: 40},
			}},
	}
}

func intPtr(n int) *int { return &n }

// commitLocked records a change of the corpus folder as one commit, pushed when the
// repository has a remote, and tells of the outcome: a push the remote cannot take now is
// logged (a later sync pushes it); a conflict puts the corpus back as the remote has it
// and is a Refusal. The caller holds m.mu.
func (m *Moderation) commitLocked(ctx context.Context, who curate.Actor, command, source string, ch corpus.Changes) error {
	out, err := curate.GitCommitter{Repo: m.opts.Repo, WholeTree: true}.Commit(ctx, who, command, source, ch)
	switch out.Result {
	case curate.GitCommitted, curate.GitReapplied:
		m.log.Info("corpus change committed", "commit", out.Entry.Short, "subject", out.Subject)
		if out.Result == curate.GitReapplied {
			// Re-applied onto changes pushed from elsewhere, which are now in the folder
			// too: serve them as well.
			if _, err := m.refreshLocked(ctx, curate.Recording{Who: syncActor, Command: "sync", Found: syncActor}); err != nil {
				m.log.Error("refreshing after a change re-applied onto the remote's failed", "err", err)
			}
		}
	case curate.GitNotPushed:
		m.log.Warn("corpus change committed but not pushed; a later sync pushes it", "err", out.Err)
	case curate.GitConflict:
		m.log.Warn("corpus change refused: conflict with the remote", "err", out.Err)
		if _, rerr := m.refreshLocked(ctx, curate.Recording{Who: syncActor, Command: "sync", Found: syncActor}); rerr != nil {
			m.log.Error("reloading the corpus after a refused change failed", "err", rerr)
		}
		return err
	}
	if err != nil {
		m.log.Error("committing a corpus change failed", "err", err)
	}
	return nil
}

// CorpusSync is the state of the polling of the corpus's remote, for /healthz and the
// metrics.
type CorpusSync struct {
	mu          sync.Mutex
	lastOK      time.Time
	lastErr     error
	lastErrTime time.Time
	total       *prometheus.CounterVec
}

// NewCorpusSync returns the sync state, with its metrics registered in reg (nil: none):
// standoff_corpus_sync_total{outcome} and
// standoff_corpus_sync_last_success_timestamp_seconds.
func NewCorpusSync(reg *prometheus.Registry) (*CorpusSync, error) {
	s := &CorpusSync{total: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "standoff_corpus_sync_total",
		Help: "Looks at the corpus's git remote, by outcome: unchanged, changed, error.",
	}, []string{"outcome"})}
	for _, r := range []string{"unchanged", "changed", "error"} {
		s.total.WithLabelValues(r)
	}
	if reg != nil {
		last := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "standoff_corpus_sync_last_success_timestamp_seconds",
			Help: "When the corpus's git remote was last looked at successfully (Unix time; 0: never).",
		}, func() float64 {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.lastOK.IsZero() {
				return 0
			}
			return float64(s.lastOK.UnixNano()) / 1e9
		})
		for _, c := range []prometheus.Collector{s.total, last} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("corpus sync metrics: %w", err)
			}
		}
	}
	return s, nil
}

// observe records one sync.
func (s *CorpusSync) observe(changed bool, err error, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case err != nil:
		s.lastErr, s.lastErrTime = err, now
		s.total.WithLabelValues("error").Inc()
	case changed:
		s.lastOK, s.lastErr = now, nil
		s.total.WithLabelValues("changed").Inc()
	default:
		s.lastOK, s.lastErr = now, nil
		s.total.WithLabelValues("unchanged").Inc()
	}
}

// Details are the lines /healthz adds about the sync: empty while it works.
func (s *CorpusSync) Details() []string {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastErr == nil {
		return nil
	}
	last := "never"
	if !s.lastOK.IsZero() {
		last = s.lastOK.UTC().Format(time.RFC3339)
	}
	return []string{fmt.Sprintf("corpus sync failing since %s (last success: %s): %v; serving the corpus as it is",
		s.lastErrTime.UTC().Format(time.RFC3339), last, s.lastErr)}
}

// SyncNow looks at the remote once, and swaps in a new index when the corpus changed.
func (m *Moderation) SyncNow(ctx context.Context) (bool, error) {
	repo := m.opts.Repo
	if repo == nil || !repo.HasRemote() {
		return false, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// A refused sync may still have moved to the remote's newest safe commit: the
	// corpus is refreshed whenever it changed, and the refusal reported all the same.
	res, serr := repo.Sync(ctx)
	if !res.Changed {
		return false, serr
	}
	out, err := m.refreshLocked(ctx, curate.Recording{Who: syncActor, Command: "sync", Found: syncActor})
	if err != nil {
		return true, errors.Join(serr, fmt.Errorf("refresh after a sync: %w", err))
	}
	m.log.Info("corpus synced from its remote", "from", res.From, "to", res.To, "added", len(out.Changes.Added),
		"updated", len(out.Changes.Updated), "removed", len(out.Changes.Removed))
	return true, serr
}

// RunSync polls the corpus's remote every interval until ctx is done; each look is
// recorded in s. A failed look is logged and the corpus serving stays as it is.
func (m *Moderation) RunSync(ctx context.Context, interval time.Duration, s *CorpusSync) {
	if m.opts.Repo == nil || !m.opts.Repo.HasRemote() || interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		changed, err := m.SyncNow(ctx)
		if ctx.Err() != nil {
			return
		}
		if s != nil {
			s.observe(changed, err, time.Now())
		}
		switch {
		case err != nil && !failing:
			m.log.Error("syncing the corpus with its remote failed; serving the corpus as it is", "err", err)
		case err != nil:
			m.log.Debug("syncing the corpus with its remote still fails", "err", err)
		case failing:
			m.log.Info("syncing the corpus with its remote works again")
		}
		failing = err != nil
	}
}

// CorpusCommit is the commit the corpus folder is at, for /about; empty without a
// repository.
func (m *Moderation) CorpusCommit() string {
	if m.opts.Repo == nil {
		return ""
	}
	return m.opts.Repo.Head()
}

// history answers /corpus history.
func (m *Moderation) history(ctx context.Context, r *responder) {
	if m.opts.Repo == nil {
		r.send(ctx, false, notice(msgNoRepository))
		return
	}
	hist, err := m.opts.Repo.History(ctx, historyShown)
	if err != nil {
		r.send(ctx, false, failureNotice(r.log, "Reading the history failed", err))
		return
	}
	r.send(ctx, false, historyMessage(hist))
}

// historyMessage lists changes: id, when, who, what.
func historyMessage(hist []gitcorpus.Entry) message {
	var b strings.Builder
	for _, e := range hist {
		line := fmt.Sprintf("`%s` <t:%d:R> **%s** — %s\n", codeText(e.Short), e.When.Unix(),
			escapeMarkdown(cutText(e.Author, 60)), escapeMarkdown(cutText(e.Subject, 160)))
		if discordLen(b.String())+discordLen(line) > 3900 {
			break
		}
		b.WriteString(line)
	}
	if b.Len() == 0 {
		b.WriteString("No change yet.")
	}
	e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Title: "Corpus history", Color: embedColor,
		Description: b.String(),
		Footer:      &discordgo.MessageEmbedFooter{Text: "Undo one with /corpus undo change:<id>."}}
	return message{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
}

// undoPreview answers /corpus undo: what undoing the change would do, with Confirm. The
// preview is stored, like a document's: only who may confirm it, before it expires.
func (m *Moderation) undoPreview(ctx context.Context, r *responder, who curate.Actor, id string) {
	if m.opts.Repo == nil {
		r.send(ctx, false, notice(msgNoRepository))
		return
	}
	e, err := m.opts.Repo.Describe(ctx, id)
	if errors.Is(err, gitcorpus.ErrUnknownChange) {
		r.send(ctx, false, notice("There is no change `"+codeText(cutText(id, 40))+"` in the history; see `/corpus history`. Nothing was changed."))
		return
	}
	if err != nil {
		r.send(ctx, false, failureNotice(r.log, "Reading the change failed", err))
		return
	}
	if m.previewsFull(ctx, r, who, "Not undone") {
		return
	}
	pid, err := m.pend.SaveUndo(e.ID, who)
	if err != nil {
		r.send(ctx, false, failureNotice(r.log, "Saving the preview failed", err))
		return
	}
	r.log.Info("undo preview shown", "pending", pid, "change", e.ID)
	r.send(ctx, false, undoPreviewMessage(e, pid, m.opts.Now().Add(m.opts.PendingTTL)))
}

// undoPreviewMessage shows a change and what undoing it does, with the buttons of the
// preview pendingID, which expires at expires.
func undoPreviewMessage(e gitcorpus.Entry, pendingID string, expires time.Time) message {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** — %s, <t:%d:f>\n\nUndoing it will:\n", escapeMarkdown(cutText(e.Subject, 200)),
		escapeMarkdown(cutText(e.Author, 60)), e.When.Unix())
	undo := map[string]string{"added": "remove", "updated": "restore the previous version of", "removed": "restore"}
	for i, f := range e.Files {
		if i == 20 {
			fmt.Fprintf(&b, "• … and %d more files\n", len(e.Files)-i)
			break
		}
		fmt.Fprintf(&b, "• %s `%s`\n", undo[f.Action], codeText(f.Path))
	}
	em := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Title: "Undo change " + e.Short + "?", Color: embedColor,
		Description: cutText(b.String(), 4000)}
	return message{
		Content: fmt.Sprintf("**Preview** — nothing is undone until you press Confirm. The preview expires <t:%d:R>.", expires.Unix()),
		Embeds:  []*discordgo.MessageEmbed{em},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Confirm", Style: discordgo.DangerButton, CustomID: corpusUndo + pendingID},
			discordgo.Button{Label: "Cancel", Style: discordgo.SecondaryButton, CustomID: corpusUndoNo + pendingID},
		}}},
		Ephemeral: true}
}

// undoConfirm reverts the change of the undo preview id when its own moderator presses
// Confirm before it expires, then swaps in the new index. Any other click — another
// moderator's, a forged or expired preview — changes nothing.
func (m *Moderation) undoConfirm(ctx context.Context, r *responder, who curate.Actor, id string) {
	if m.opts.Repo == nil {
		r.send(ctx, true, notice(msgNoRepository))
		return
	}
	// The preview is checked before the click is answered, so that a forged one gets a
	// message of its own, and again under the lock, where it is spent.
	if refusal, ok := m.undoRefusal(r, who, id); !ok {
		r.send(ctx, false, refusal)
		return
	}
	if !r.deferUpdate(ctx) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	refusal, ok := m.undoRefusal(r, who, id)
	if !ok {
		r.edit(ctx, refusal)
		return
	}
	meta, err := m.pend.LoadUndo(id)
	if err != nil {
		r.edit(ctx, failureNotice(r.log, "Reading the preview failed", err))
		return
	}
	// The preview goes first: it cannot be confirmed twice.
	m.pend.Remove(id)
	author, trailers := curate.GitAuthor(who)
	e, err := m.opts.Repo.Undo(ctx, meta.Undo, author, trailers...)
	var pe *gitcorpus.PushError
	var ce *gitcorpus.ConflictError
	switch {
	case errors.As(err, &pe):
		m.log.Warn("undo committed but not pushed; a later sync pushes it", "err", err)
	case errors.As(err, &ce):
		r.edit(ctx, notice("Not undone: "+cutText(strings.Join(ce.Paths, ", "), 500)+" changed since; undo the later changes first. Nothing was changed."))
		return
	case errors.Is(err, gitcorpus.ErrUnknownChange):
		r.edit(ctx, notice("That change is no longer in the history. Nothing was changed."))
		return
	case err != nil:
		r.edit(ctx, failureNotice(r.log, "Undo failed", err))
		return
	}
	out, err := m.refreshLocked(ctx, curate.Recording{Who: who, Command: "undo", Found: who})
	if err != nil {
		r.edit(ctx, failureNotice(r.log, "Undone as "+e.Short+", but the index", err))
		return
	}
	r.edit(ctx, outcomeMessage("Undone as change "+e.Short, out))
}

// undoRefusal checks that id is an undo preview of who's that has not expired; when it
// is not, it returns what to tell them and false.
func (m *Moderation) undoRefusal(r *responder, who curate.Actor, id string) (message, bool) {
	meta, err := m.pend.LoadUndo(id)
	switch {
	case err == nil && meta.Actor.ID != who.ID:
		r.log.Warn("undo refused: another moderator's preview", "pending", id, "owner", meta.Actor.ID)
		return notice(msgNotYours), false
	case errors.Is(err, curate.ErrPendingExpired):
		r.log.Info("undo refused: the preview expired", "pending", id)
		return notice(fmt.Sprintf("This preview has expired (previews are kept for %s) — nothing was undone. Run `/corpus undo` again.", humanDuration(m.opts.PendingTTL))), false
	case errors.Is(err, curate.ErrPendingUnknown):
		r.log.Warn("undo refused: no such preview", "pending", cutText(id, 40))
		return notice("This preview was already confirmed or cancelled, or is unknown — nothing was changed. Run `/corpus undo` again if needed."), false
	case err != nil:
		r.log.Error("reading the undo preview", "pending", id, "err", err)
		return notice(msgChangeFailed), false
	}
	return message{}, true
}

// withCorpusCommit adds the corpus's commit to the /about message.
func withCorpusCommit(msg message, commit string) message {
	if commit == "" || len(msg.Embeds) == 0 {
		return msg
	}
	if len(commit) > 10 {
		commit = commit[:10]
	}
	msg.Embeds[0].Fields = append(msg.Embeds[0].Fields,
		&discordgo.MessageEmbedField{Name: "Corpus commit", Value: "`" + codeText(commit) + "`", Inline: true})
	return msg
}
