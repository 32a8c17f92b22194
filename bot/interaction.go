package bot

// This file: Interactions: their dispatch, the slash and message commands, autocomplete.

import (
	"context"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// onInteraction handles every interaction: commands, autocomplete and buttons. A panic is
// recovered, logged, and the member told, so that the bot keeps going.
func (b *Bot) onInteraction(s *discordgo.Session, ev *discordgo.InteractionCreate) {
	if ev == nil || ev.Interaction == nil || !b.track() {
		return
	}
	defer b.wg.Done()
	start := time.Now()
	i := ev.Interaction
	if !b.seen.first("interaction:" + i.ID) {
		b.log.Debug("interaction delivered again: handled once already", "request_id", i.ID, "shard", s.ShardID)
		return
	}
	ctx, cancel := context.WithTimeout(b.handlerContext(), b.opts.AnswerTimeout+10*time.Second)
	defer cancel()
	log := b.log.With("request_id", i.ID, "user", b.loggedMember(userOf(i)), "type", i.Type.String(), "shard", s.ShardID)
	r := &responder{b: b, s: s, i: i, log: log, start: start, rest: b.rest}
	tell := func(err error) { r.fail(ctx, err) }
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		tell = nil // nothing to tell: the member is typing
	}
	b.guard(log, func() { b.dispatch(ctx, r, ev) }, tell)
}

// wellFormed reports whether an interaction carries the data of its type: discordgo
// hands on what it could not decode half-filled, and its typed accessors panic on it.
// (A button without the message it is on is well formed: the buttons refuse it.)
func wellFormed(i *discordgo.Interaction) bool {
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		_, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
		return ok
	case discordgo.InteractionMessageComponent:
		_, ok := i.Data.(discordgo.MessageComponentInteractionData)
		return ok
	}
	return true
}

// dispatch hands an interaction to its handler: commands, autocomplete and buttons.
func (b *Bot) dispatch(ctx context.Context, r *responder, ev *discordgo.InteractionCreate) {
	if !wellFormed(ev.Interaction) {
		r.log.Warn("malformed interaction: its data does not fit its type")
		if ev.Interaction.Type != discordgo.InteractionApplicationCommandAutocomplete {
			r.send(ctx, false, notice(msgMalformed))
		}
		return
	}
	switch ev.Interaction.Type {
	case discordgo.InteractionApplicationCommand:
		b.onCommand(ctx, r, ev)
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.onAutocomplete(ctx, r, ev)
	case discordgo.InteractionMessageComponent:
		b.onComponent(ctx, r, ev)
	default:
		r.log.Warn("interaction of a type the bot does not handle")
	}
}

func (b *Bot) onCommand(ctx context.Context, r *responder, ev *discordgo.InteractionCreate) {
	data := ev.ApplicationCommandData()
	r.log = r.log.With("command", data.Name)
	switch data.Name {
	case cmdAsk:
		var q string
		var private bool
		if o := data.GetOption(optQuestion); o != nil && o.Type == discordgo.ApplicationCommandOptionString {
			q = o.StringValue()
		}
		cs := b.channelSetting(r.s, r.i.GuildID, r.i.ChannelID)
		if cs.Replies == RepliesOff {
			r.send(ctx, false, notice(msgAnswersOff))
			return
		}
		private = cs.PrivateByDefault
		if o := data.GetOption(optPrivate); o != nil && o.Type == discordgo.ApplicationCommandOptionBoolean {
			private = o.BoolValue()
		}
		b.askInteraction(ctx, r, question{Kind: kindAsk, Source: "ask", Text: q, Private: private})
	case cmdFindSources:
		var text string
		if data.Resolved != nil && data.Resolved.Messages != nil {
			if m := data.Resolved.Messages[data.TargetID]; m != nil {
				text = stripMentions(m.Content)
			}
		}
		if text == "" {
			r.send(ctx, false, notice(msgNoText))
			return
		}
		if b.channelSetting(r.s, r.i.GuildID, r.i.ChannelID).Replies == RepliesOff {
			r.send(ctx, false, notice(msgAnswersOff))
			return
		}
		b.askInteraction(ctx, r, question{Kind: kindFind, Source: "find_sources", Text: text, Private: true})
	case cmdAbout:
		up, down := 0, 0
		b.mu.Lock()
		fb := b.feedback
		b.mu.Unlock()
		if fb != nil {
			up, down = fb.Counts()
		}
		msg := aboutMessage(b.a.Stats(), b.opts.Version, up, down)
		if b.opts.CorpusCommit != nil {
			msg = withCorpusCommit(msg, b.opts.CorpusCommit())
		}
		msg = withPermissions(msg, b.application())
		r.send(ctx, false, msg)
	case cmdHelp:
		r.send(ctx, false, helpMessage(b.botUser(), coverageOf(b.a)))
	case cmdSettings:
		if b.opts.Settings == nil {
			r.send(ctx, false, notice(msgUnknownCmd))
			return
		}
		b.onSettings(ctx, r, data)
	default:
		if c, ok := b.extra[data.Name]; ok {
			if err := c.Handle(ctx, r.s, ev); err != nil {
				r.log.Error("command failed", "err", err)
			}
			return
		}
		r.send(ctx, false, notice(msgUnknownCmd))
	}
}

func (b *Bot) onAutocomplete(ctx context.Context, r *responder, ev *discordgo.InteractionCreate) {
	data := ev.ApplicationCommandData()
	if _, ok, _ := b.cheap.allow(userOf(r.i)); !ok {
		r.log.Debug("autocomplete over the rate limit: no suggestions")
		if err := r.choices(ctx, []*discordgo.ApplicationCommandOptionChoice{}); err != nil {
			r.log.Error("answering autocomplete failed", "err", err)
		}
		return
	}
	if c, ok := b.extra[data.Name]; ok {
		if err := c.Handle(ctx, r.s, ev); err != nil {
			r.log.Error("autocomplete failed", "err", err)
		}
		return
	}
	b.metrics.completes.Inc()
	var typed string
	for _, o := range data.Options {
		if o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
			typed = o.StringValue()
		}
	}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	choices := completionChoices(b.a.Complete(cctx, strings.TrimSpace(typed), maxChoices))
	if err := r.choices(ctx, choices); err != nil {
		r.log.Error("answering autocomplete failed", "err", err)
	}
}

// askInteraction is the adapter of /ask, Find sources and a suggestion's button to the
// question path: a new question, answered from its first passage.
func (b *Bot) askInteraction(ctx context.Context, r *responder, q question) {
	q.Text = cutQuestion(q.Text)
	if q.Text == "" {
		r.send(ctx, false, notice(msgNoQuestion))
		return
	}
	q.Mode, q.User, q.Guild, q.Channel, q.Start, q.Log, q.ID = askNew, userOf(r.i), r.i.GuildID, r.i.ChannelID, r.start, r.log, r.i.ID
	if !q.Private {
		q.Asker = q.User
	}
	b.ask(ctx, r, q)
}

// completionChoices turns completions into at most 25 distinct choices of 1 to 100
// characters.
func completionChoices(list []string) []*discordgo.ApplicationCommandOptionChoice {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	seen := map[string]bool{}
	for _, s := range list {
		s = strings.Join(strings.Fields(s), " ")
		if s == "" {
			continue
		}
		s = cutText(s, maxChoiceLen)
		if seen[strings.ToLower(s)] {
			continue
		}
		seen[strings.ToLower(s)] = true
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: s, Value: s})
		if len(choices) == maxChoices {
			break
		}
	}
	return choices
}
