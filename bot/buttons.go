package bot

// This file: the buttons under an answer: More, Back, Post, 📄, suggestions (adapters to the
// question path), votes and removal.

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

func (b *Bot) onComponent(ctx context.Context, r *responder, ev *discordgo.InteractionCreate) {
	data := ev.MessageComponentData()
	r.log = r.log.With("button", customIDKind(data.CustomID))
	for _, c := range b.extra {
		if c.ComponentPrefix != "" && strings.HasPrefix(data.CustomID, c.ComponentPrefix) {
			if err := c.Handle(ctx, r.s, ev); err != nil {
				r.log.Error("component failed", "err", err)
			}
			return
		}
	}
	a, err := parseAction(data.CustomID)
	if err != nil {
		r.fail(ctx, &userError{msg: msgOldButton, err: err})
		return
	}
	msg := r.i.Message
	if msg == nil {
		r.fail(ctx, &userError{msg: msgOldButton, err: errors.New("button interaction without its message")})
		return
	}
	private := msg.Flags&discordgo.MessageFlagsEphemeral != 0
	switch a.Kind {
	case actAsk:
		b.askInteraction(ctx, r, question{Kind: kindAsk, Source: "suggestion", Text: a.Term, Private: private, Update: true})
	case actPage, actPost, actFull:
		kind, text, ok := parseQuestion(msg.Content)
		if !ok {
			r.fail(ctx, &userError{msg: msgOldButton, err: errors.New("no question in the message")})
			return
		}
		q := question{Mode: askPage, Kind: kind, Text: text, Offset: a.Offset, User: userOf(r.i), Guild: r.i.GuildID,
			Start: r.start, Log: r.log, Update: true, Private: private, Asker: a.Asker}
		switch {
		case a.Kind == actFull:
			// The passage in full, privately, whoever's answer it is.
			q.Mode, q.Ref, q.Update, q.Private = askFull, a.Ref, false, true
		case a.Kind == actPost:
			// A new, public message in the channel, saying who shared it.
			q.Private, q.SharedBy, q.Asker, q.Update = false, displayName(r.i), userOf(r.i), false
		case !private && a.Asker != "" && a.Asker != userOf(r.i):
			// Someone else's public answer: they get the page privately, and the answer
			// stays as its asker left it.
			q.Private, q.Asker, q.Update = true, "", false
		}
		b.ask(ctx, r, q)
	case actDelete:
		b.remove(ctx, r, a)
	case actVote:
		b.vote(ctx, r, a.Up)
	}
}

// vote records a 👍 or 👎 on the passages of the message the button is on.
func (b *Bot) vote(ctx context.Context, r *responder, up bool) {
	if wait, ok, tell := b.votes.allow(userOf(r.i)); !ok {
		r.tooFast(ctx, wait, tell)
		return
	}
	msg := r.i.Message
	_, q, _ := parseQuestion(msg.Content)
	b.mu.Lock()
	key := b.hashKey
	b.mu.Unlock()
	v := Vote{
		Time: time.Now().UTC(), User: memberHash(key, userOf(r.i)), Guild: r.i.GuildID, Channel: r.i.ChannelID,
		Message: msg.ID, Question: q, Passages: []string{}, Vote: "down",
	}
	if up {
		v.Vote = "up"
	}
	v.Passages = append(v.Passages, shownPassages(msg)...)
	b.mu.Lock()
	fb := b.feedback
	b.mu.Unlock()
	if fb == nil {
		r.fail(ctx, errors.New("vote before the feedback log is open"))
		return
	}
	changed, err := fb.Record(v)
	if err != nil {
		r.fail(ctx, &userError{msg: "Sorry — I couldn't record your vote just now. Please try again.", err: err})
		return
	}
	emoji := "👎"
	if up {
		emoji = "👍"
	}
	text := "Thanks — your " + emoji + " is recorded. It tells the moderators which passages answer and which don't."
	if changed {
		b.metrics.observeVote(up)
	} else {
		text = "You have already given this answer a " + emoji + " — thanks!"
	}
	r.log.Info("vote", "vote", v.Vote, "message", v.Message, "changed", changed)
	r.send(ctx, false, notice(text))
}

// customIDKind is the part of a custom id before its first colon ("page", "vote", "ask"):
// enough to log, without the suggested term an ask: button carries.
func customIDKind(id string) string {
	kind, _, _ := strings.Cut(id, ":")
	return cutText(kind, 32)
}

// shownPassages reads which passages a message shows, "doc#paragraph", from the custom
// ids of its 📄 buttons; answers from before them name the passages in their footers.
func shownPassages(msg *discordgo.Message) []string {
	var out []string
	for _, row := range msg.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if bt, ok := c.(*discordgo.Button); ok {
				if a, err := parseAction(bt.CustomID); err == nil && a.Kind == actFull && a.Ref != "" {
					out = append(out, a.Ref)
				}
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, e := range msg.Embeds {
		if e != nil && e.Footer != nil {
			if ref, ok := passageRef(e.Footer.Text); ok {
				out = append(out, ref)
			}
		}
	}
	return out
}

// remove deletes a public answer at the request of the member who asked it; anyone else
// is told, privately, that only the asker can.
func (b *Bot) remove(ctx context.Context, r *responder, a action) {
	if a.Asker == "" || a.Asker != userOf(r.i) {
		r.send(ctx, false, notice(msgNotAsker))
		return
	}
	r.setState(answered)
	err := r.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
	if err == nil {
		err = r.withToken(ctx, func(opts ...discordgo.RequestOption) error {
			return r.s.InteractionResponseDelete(r.i, opts...)
		})
	}
	if err != nil {
		r.log.Error("removing an answer failed", "err", err)
		return
	}
	r.log.Info("answer removed by its asker", "message", r.i.Message.ID)
}
