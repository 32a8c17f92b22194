package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
)

// Names of /corpus teach and its options.
const (
	subTeach   = "teach"
	optPassage = "passage"
	// teachGapDays is how far back the question's autocomplete looks for gaps.
	teachGapDays = 30
	// teachPassages is how many passages the passage's autocomplete asks the index for.
	teachPassages = 10
)

// teachOptions is /corpus teach as registered with Discord.
func teachOptions() []*discordgo.ApplicationCommandOption {
	return []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subTeach,
			Description: "Teach which passage answers a question (from /corpus gaps, a 👎 or a closest reply).",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: optQuestion, Required: true, Autocomplete: true,
					Description: "The question, as members ask it (suggests the gaps)", MaxLength: corpus.MaxTaughtQuestion},
				{Type: discordgo.ApplicationCommandOptionString, Name: optPassage, Required: true, Autocomplete: true,
					Description: "The passage that answers it, doc#paragraph (suggests the closest)", MaxLength: 200},
			}},
	}
}

// teach answers /corpus teach: the question is recorded in the corpus folder as answered
// by the passage, and an index that searches it as part of the passage is swapped in;
// when that fails, the folder is put back.
func (m *Moderation) teach(ctx context.Context, r *responder, who curate.Actor, question, passage string) {
	if _, err := curate.Teach(m.cur.Corpus(), m.store, passage, question); err != nil {
		r.send(ctx, false, failureNotice(r.log, "Not taught", err))
		return
	}
	if !r.deferReply(ctx) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t, err := curate.Teach(m.cur.Corpus(), m.store, passage, question) // the corpus of now
	if err != nil {
		r.edit(ctx, failureNotice(r.log, "Not taught", err))
		return
	}
	out, err := m.change(ctx, r, who, subTeach, "", t.Plan, t.Apply)
	if err != nil {
		r.edit(ctx, failureNotice(r.log, "Not taught", err))
		return
	}
	r.log.Info("question taught", "passage", t.Taught.Passage)
	msg := outcomeMessage("Question taught", out)
	if len(msg.Embeds) > 0 {
		e := msg.Embeds[0]
		e.Description = fmt.Sprintf("“%s” is now answered by `%s` (%s, paragraph %d). It is searched as part of that passage and never quoted; `/corpus undo` takes it back.\n\n%s",
			escapeMarkdown(cutText(t.Taught.Question, 300)), codeText(t.Taught.Passage),
			escapeMarkdown(cutText(t.Passage.Title, 100)), t.Passage.Paragraph, e.Description)
	}
	r.edit(ctx, msg)
}

// teachAutocomplete offers, for the question, the gaps of the admin guilds that contain
// what was typed, not yet taught; for the passage, the passages the index finds closest
// to the question given (or, without one, those whose id starts with what was typed).
func (m *Moderation) teachAutocomplete(ctx context.Context, r *responder, sub *discordgo.ApplicationCommandInteractionDataOption) error {
	var focused, typed string
	for _, o := range sub.Options {
		if o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
			focused, typed = o.Name, strings.TrimSpace(o.StringValue())
		}
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	add := func(name, value string) {
		if len(choices) < maxChoices && value != "" && discordLen(value) <= maxChoiceLen {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: cutText(name, maxChoiceLen), Value: value})
		}
	}
	switch focused {
	case optQuestion:
		list, err := Gaps(m.cfg.DataDir, m.opts.Now().Add(-teachGapDays*24*time.Hour), m.cfg.AdminGuildIDs)
		if err != nil {
			r.log.Warn("reading the question logs for autocomplete", "err", err)
		}
		taught := taughtQuestions(m.cur.Corpus())
		low := strings.ToLower(typed)
		for _, g := range list {
			if len(taught[corpus.TaughtKey(g.Question)]) == 0 && strings.Contains(strings.ToLower(g.Question), low) {
				add(g.Question, g.Question)
			}
		}
	case optPassage:
		question := strings.TrimSpace(stringOption(sub, optQuestion))
		seen := map[string]bool{}
		if question != "" && m.opts.Answerer != nil {
			ans, err := m.opts.Answerer.Answer(ctx, standoff.Request{Question: question, K: teachPassages})
			if err != nil {
				r.log.Warn("answering for autocomplete", "err", err)
			}
			for _, res := range ans.Results {
				id := fmt.Sprintf("%s#%d", res.Doc, res.Paragraph)
				if !seen[id] && strings.Contains(strings.ToLower(id+" "+res.Text), strings.ToLower(typed)) {
					seen[id] = true
					add(passageChoice(id, res.Section, res.Text), id)
				}
			}
		}
		for _, d := range m.cur.Corpus().Documents {
			if typed == "" || len(choices) == maxChoices || !strings.HasPrefix(d.ID, strings.SplitN(typed, "#", 2)[0]) {
				continue
			}
			for _, p := range d.Paragraphs {
				id := fmt.Sprintf("%s#%d", d.ID, p.Number)
				if !seen[id] && strings.HasPrefix(id, typed) {
					seen[id] = true
					add(passageChoice(id, p.Section, p.Text), id)
				}
			}
		}
	}
	return r.choices(ctx, choices)
}

// passageChoice names a passage in an autocomplete: its id, its section, its first words.
func passageChoice(id, section, text string) string {
	name := id
	if section != "" {
		name += " — " + section
	}
	return name + ": " + strings.Join(strings.Fields(text), " ")
}

// taughtQuestions maps the key of each question taught in c (corpus.TaughtKey) to the
// passages it is taught to.
func taughtQuestions(c *corpus.Corpus) map[string][]string {
	out := map[string][]string{}
	if c == nil {
		return out
	}
	for _, t := range c.Taught {
		k := corpus.TaughtKey(t.Question)
		out[k] = append(out[k], t.Passage)
	}
	return out
}
