package bot

import (
	"context"
	"fmt"
	"runtime/debug"
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
	ctx, cancel := context.WithTimeout(b.handlerContext(), b.opts.AnswerTimeout+10*time.Second)
	defer cancel()
	i := ev.Interaction
	log := b.log.With("request_id", i.ID, "user", userOf(i), "type", i.Type.String(), "shard", s.ShardID)
	r := &responder{b: b, s: s, i: i, log: log, start: start}
	defer func() {
		if p := recover(); p != nil {
			b.metrics.panics.Inc()
			r.log.Error("panic in interaction handler", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
				r.fail(ctx, fmt.Errorf("panic: %v", p))
			}
		}
	}()

	switch i.Type {
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
		if o := data.GetOption(optPrivate); o != nil && o.Type == discordgo.ApplicationCommandOptionBoolean {
			private = o.BoolValue()
		}
		b.ask(ctx, r, kindAsk, q, private, "ask", false)
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
		b.ask(ctx, r, kindFind, text, true, "find_sources", false)
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
		r.send(ctx, false, msg)
	case cmdHelp:
		r.send(ctx, false, helpMessage(b.botUser(), coverageOf(b.a)))
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
		b.sendChoices(ctx, r, []*discordgo.ApplicationCommandOptionChoice{})
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
	b.sendChoices(ctx, r, choices)
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
