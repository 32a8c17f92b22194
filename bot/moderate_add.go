package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
	"github.com/standoff-bot/standoff/corpus/web"
)

// add answers /corpus add: it downloads the page or the attachment, makes the draft and
// shows its preview with Confirm and Cancel. Nothing is written to the corpus yet; the
// draft waits in the pending folder, so that Confirm works after a restart.
func (m *Moderation) add(ctx context.Context, r *responder, who curate.Actor, sub *discordgo.ApplicationCommandInteractionDataOption, resolved *discordgo.ApplicationCommandInteractionDataResolved) {
	rawURL := strings.TrimSpace(stringOption(sub, optURL))
	var att *discordgo.MessageAttachment
	if o := sub.GetOption(optFile); o != nil && o.Type == discordgo.ApplicationCommandOptionAttachment {
		id, _ := o.Value.(string)
		if resolved != nil {
			att = resolved.Attachments[id]
		}
		if att == nil {
			r.log.Warn("attachment option without its resolved attachment", "attachment", id)
			r.send(ctx, false, notice("Sorry — Discord did not pass the file on. Please attach it again."))
			return
		}
	}
	if (rawURL == "") == (att == nil) {
		r.send(ctx, false, notice(msgAddHow))
		return
	}
	if att != nil {
		// Refuse what is plainly too large before downloading anything.
		if int64(att.Size) > m.opts.MaxBytes {
			r.log.Info("attachment refused: too large", "file", att.Filename, "size", att.Size)
			r.send(ctx, false, notice(fmt.Sprintf("Not added: %s is %s, over the %s limit.",
				escapeMarkdown(att.Filename), corpus.Size(int64(att.Size)), corpus.Size(m.opts.MaxBytes))))
			return
		}
	}
	if m.previewsFull(ctx, r, who, "Not added") {
		return
	}
	if !r.deferReply(ctx) {
		return
	}
	fctx, cancel := context.WithTimeout(ctx, m.fetchTimeout())
	defer cancel()
	var src corpus.Source
	var err error
	what := rawURL
	if att != nil {
		what = att.Filename
		src, err = m.attachmentSource(fctx, att)
	} else {
		src, err = m.pageSource(fctx, rawURL)
	}
	if err != nil {
		r.edit(ctx, failureNotice(r.log.With("source", what), "Not added", err))
		return
	}
	d, err := curate.NewDraft(fctx, m.parser, m.cur.Corpus(), src, m.opts.Now())
	if err != nil {
		r.edit(ctx, failureNotice(r.log.With("source", what), "Not added", err))
		return
	}
	if d.Unchanged {
		r.edit(ctx, notice(fmt.Sprintf("Nothing to add: `%s` is already in the corpus with exactly this content.", codeText(d.ID))))
		return
	}
	id, err := m.pend.Save(d, who)
	if err != nil {
		r.log.Error("saving the preview", "err", err)
		r.edit(ctx, notice(msgChangeFailed))
		return
	}
	r.log.Info("preview shown", "pending", id, "doc", d.ID, "source", d.Source, "replaces", d.Replaces)
	r.edit(ctx, previewMessage(d, id, m.opts.Now().Add(m.opts.PendingTTL)))
}

// fetchTimeout bounds a download and the extraction after it.
func (m *Moderation) fetchTimeout() time.Duration {
	if m.opts.FetchTimeout > 0 {
		return m.opts.FetchTimeout + 5*time.Second
	}
	return web.DefaultFetchTimeout + 5*time.Second
}

// pageSource downloads a web page.
func (m *Moderation) pageSource(ctx context.Context, rawURL string) (corpus.Source, error) {
	f, err := m.fetch.Fetch(ctx, rawURL)
	if err != nil {
		return corpus.Source{}, err
	}
	return f.Source(), nil
}

// attachmentSource downloads an attachment, through the same checks as a page.
func (m *Moderation) attachmentSource(ctx context.Context, att *discordgo.MessageAttachment) (corpus.Source, error) {
	f, err := m.fetch.FetchFile(ctx, att.URL)
	if err != nil {
		return corpus.Source{}, err
	}
	src := f.Source()
	src.URL, src.Name = "", att.Filename
	if att.ContentType != "" {
		src.ContentType = att.ContentType
	}
	return src, nil
}

// previewsFull tells whether who may not make another preview, because too many of
// theirs, or of all moderators, wait (previews of additions and of undos alike), and
// then says so, after refused ("Not added").
func (m *Moderation) previewsFull(ctx context.Context, r *responder, who curate.Actor, refused string) bool {
	total, mine := m.pend.Counts()
	switch {
	case mine[who.ID] >= m.opts.MaxPendingPerMember:
		r.log.Info("preview refused: too many of this moderator's previews wait", "pending", mine[who.ID])
		r.send(ctx, false, notice(fmt.Sprintf("%s: %d of your previews are waiting. Confirm or cancel one first (previews expire after %s).",
			refused, mine[who.ID], humanDuration(m.opts.PendingTTL))))
		return true
	case total >= m.opts.MaxPending:
		r.log.Warn("preview refused: too many previews wait", "pending", total)
		r.send(ctx, false, notice(fmt.Sprintf("%s: %d previews are waiting for moderators. Confirm or cancel some first (previews expire after %s).",
			refused, total, humanDuration(m.opts.PendingTTL))))
		return true
	}
	return false
}

// confirm writes the previewed document into the corpus and swaps in an index with it.
// When the new index cannot be built, the file is put back as it was.
func (m *Moderation) confirm(ctx context.Context, r *responder, who curate.Actor, id string) {
	if owner, ok := m.pend.Owner(id); ok && owner != who.ID {
		r.log.Warn("confirm refused: another moderator's preview", "pending", id, "owner", owner)
		r.send(ctx, false, notice(msgNotYours))
		return
	}
	if !r.deferUpdate(ctx) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	d, meta, err := m.pend.Load(id)
	if err == nil && meta.Actor.ID != who.ID {
		r.log.Warn("confirm refused: another moderator's preview", "pending", id, "owner", meta.Actor.ID)
		r.edit(ctx, notice(msgNotYours))
		return
	}
	if err != nil {
		msg := msgPendingGone
		if errors.Is(err, curate.ErrPendingExpired) {
			msg = fmt.Sprintf("This preview has expired (previews are kept for %s) — nothing was added. Run `/corpus add` again.", humanDuration(m.opts.PendingTTL))
		} else if !errors.Is(err, curate.ErrPendingUnknown) {
			r.log.Error("reading the preview", "pending", id, "err", err)
			msg = msgChangeFailed
		}
		r.edit(ctx, notice(msg))
		return
	}
	plan := curate.PlanDraft(d)
	// The preview goes first: a crash from here on leaves none behind to count against
	// the limits or to be confirmed twice.
	m.pend.Remove(id)
	out, err := m.change(ctx, r, who, subAdd, meta.Source, plan, func() (func() error, error) { return m.store.Commit(d) })
	if err != nil {
		m.pend.Remove(id)
		r.edit(ctx, failureNotice(r.log, "Not added", err))
		return
	}
	m.pend.Remove(id)
	title := "Document added"
	if d.Replaces != "" {
		title = "Document updated"
	}
	r.edit(ctx, outcomeMessage(title, out))
}

// change makes one change of the corpus folder with its audit trail, for a caller that
// holds m.mu: the intent is recorded (and synced) first, then apply changes the folder,
// the new index is swapped in and the outcome recorded. When the intent cannot be
// written, nothing is changed; when the file cannot be written, the index built or the
// outcome recorded, the change is undone and recorded as aborted.
func (m *Moderation) change(ctx context.Context, r *responder, who curate.Actor, command, source string, plan curate.Planned, apply func() (func() error, error)) (Outcome, error) {
	var out Outcome
	err := m.audit.Make(ctx, curate.Change{Who: who, Command: command, Source: source, Plan: plan, Apply: apply}, curate.Steps{
		Settle: func(ctx context.Context, rec curate.Recording) (bool, error) {
			var err error
			out, err = m.refreshLocked(ctx, rec)
			return out.Rebuilt, err
		},
		Restore: func(ctx context.Context, rebuilt bool) error {
			if !rebuilt {
				return nil
			}
			// The new index serves: swap the old one back in.
			_, err := m.refreshLocked(ctx, curate.Recording{Who: who, Command: command, Found: watchActor})
			return err
		},
		// The repository refused the change, and the folder and the index already
		// follow the remote: there is nothing to undo.
		Kept:  func(err error) bool { var c *gitcorpus.ConflictError; return errors.As(err, &c) },
		Found: watchActor, Now: m.opts.Now, Log: r.log,
	})
	if err != nil {
		return Outcome{}, err
	}
	return out, nil
}

// cancel drops a preview, of an addition or of an undo; only its own moderator may.
// kept says what was not done: "added", "undone".
func (m *Moderation) cancel(ctx context.Context, r *responder, who curate.Actor, id, kept string) {
	if owner, ok := m.pend.Owner(id); ok && owner != who.ID {
		r.log.Warn("cancel refused: another moderator's preview", "pending", id, "owner", owner)
		r.send(ctx, false, notice(msgNotYours))
		return
	}
	m.pend.Remove(id)
	r.log.Info("preview cancelled", "pending", id)
	r.send(ctx, true, notice("Cancelled — nothing was "+kept+"."))
}

// remove answers /corpus remove: the document's file is removed and an index without it
// swapped in; when that fails, the file is put back.
func (m *Moderation) remove(ctx context.Context, r *responder, who curate.Actor, id string) {
	id = strings.TrimSpace(id)
	doc, ok := curate.Find(m.cur.Corpus(), id)
	if !ok {
		r.send(ctx, false, notice(fmt.Sprintf("There is no document `%s` in the corpus; pick one from the suggestions, or see `/corpus list`.", codeText(id))))
		return
	}
	if !r.deferReply(ctx) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out, err := m.change(ctx, r, who, subRemove, "", curate.PlanRemove(doc), func() (func() error, error) { return m.store.RemoveDocument(doc.Path) })
	if err != nil {
		r.edit(ctx, failureNotice(r.log, "Not removed", err))
		return
	}
	r.edit(ctx, outcomeMessage("Document removed", out))
}

// autocomplete offers the documents whose id or title contains what was typed, ids that
// start with it first; only to moderators.
func (m *Moderation) autocomplete(ctx context.Context, r *responder, i *discordgo.Interaction) error {
	var typed string
	data := i.ApplicationCommandData()
	if len(data.Options) > 0 && data.Options[0].Name == subTeach {
		if !m.isModerator(i) {
			return r.choices(ctx, []*discordgo.ApplicationCommandOptionChoice{})
		}
		return m.teachAutocomplete(ctx, r, data.Options[0])
	}
	if len(data.Options) > 0 {
		for _, o := range data.Options[0].Options {
			if o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
				typed = strings.ToLower(strings.TrimSpace(o.StringValue()))
			}
		}
	}
	var first, then []string
	names := map[string]string{}
	if m.isModerator(i) {
		for _, d := range m.cur.Corpus().Documents {
			id, title := strings.ToLower(d.ID), strings.ToLower(d.Title)
			if discordLen(d.ID) > maxChoiceLen {
				continue
			}
			names[d.ID] = cutText(d.ID+" — "+d.Title, maxChoiceLen)
			switch {
			case strings.HasPrefix(id, typed) || strings.Contains(id, "/"+typed):
				first = append(first, d.ID)
			case strings.Contains(id, typed) || strings.Contains(title, typed):
				then = append(then, d.ID)
			}
		}
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, id := range append(first, then...) {
		if len(choices) == maxChoices {
			break
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: names[id], Value: id})
	}
	return r.choices(ctx, choices)
}
