package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/standoff-bot/standoff"

	"github.com/bwmarrin/discordgo"
)

// Names of the bot's own commands.
const (
	cmdAsk         = "ask"
	cmdFindSources = "Find sources"
	cmdAbout       = "about"
	cmdHelp        = "help"
	optQuestion    = "question"
	optPrivate     = "private"
)

func isOwnCommand(name string) bool {
	switch name {
	case cmdAsk, cmdFindSources, cmdAbout, cmdHelp, cmdSettings:
		return true
	}
	return false
}

// commandDefinitions are the bot's commands as registered with Discord.
func commandDefinitions() []*discordgo.ApplicationCommand {
	contexts := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	installs := &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	return []*discordgo.ApplicationCommand{
		{
			Name:             cmdAsk,
			Type:             discordgo.ChatApplicationCommand,
			Description:      "Ask about the Iran–US nuclear standoff: I answer with cited passages, quoted word for word.",
			Contexts:         contexts,
			IntegrationTypes: installs,
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type:         discordgo.ApplicationCommandOptionString,
					Name:         optQuestion,
					Description:  "Your question, e.g. what is breakout time?",
					Required:     true,
					Autocomplete: true,
					MaxLength:    maxQuestionRunes,
				},
				{
					Type:        discordgo.ApplicationCommandOptionBoolean,
					Name:        optPrivate,
					Description: "Only you see the answer; you can still post it to the channel (default: false)",
				},
			},
		},
		{
			Name:             cmdFindSources,
			Type:             discordgo.MessageApplicationCommand,
			Contexts:         contexts,
			IntegrationTypes: installs,
		},
		{
			Name:             cmdAbout,
			Type:             discordgo.ChatApplicationCommand,
			Description:      "What this bot answers from: the corpus, its size and last refresh, the version.",
			Contexts:         contexts,
			IntegrationTypes: installs,
		},
		{
			Name:             cmdHelp,
			Type:             discordgo.ChatApplicationCommand,
			Description:      "How to ask, and what the buttons under an answer do.",
			Contexts:         contexts,
			IntegrationTypes: installs,
		},
	}
}

// coverage is what the corpus covers, for /help.
type coverage struct {
	Documents int
	Kinds     map[string]int // documents by kind
	AsOf      string         // the corpus's as-of date: the newest date of its passages
}

// documentLister is an Answerer that can list its documents.
type documentLister interface {
	Documents() []standoff.Document
}

// coverageOf describes the corpus a has; with a that cannot list its documents, only
// their number.
func coverageOf(a Answerer) coverage {
	st := a.Stats()
	c := coverage{Documents: st.Documents, Kinds: map[string]int{}, AsOf: st.AsOf}
	l, ok := a.(documentLister)
	if !ok {
		return c
	}
	docs := l.Documents()
	c.Documents = len(docs)
	for _, d := range docs {
		c.Kinds[d.Kind]++
	}
	return c
}

// describe says what the corpus holds: "4 documents (1 glossary, 1 timeline, 2 articles)".
func (c coverage) describe() string {
	s := fmt.Sprintf("%d documents", c.Documents)
	if c.Documents == 1 {
		s = "1 document"
	}
	var kinds []string
	for _, k := range []string{"glossary", "timeline", "article", "report", "statement", "opinion"} {
		if n := c.Kinds[k]; n > 0 {
			name := k
			if n > 1 {
				name = map[string]string{"glossary": "glossaries", "opinion": "opinion pieces"}[k]
				if name == "" {
					name = k + "s"
				}
			} else if k == "opinion" {
				name = "opinion piece"
			}
			kinds = append(kinds, fmt.Sprintf("%d %s", n, name))
		}
	}
	if len(kinds) > 0 {
		s += " (" + strings.Join(kinds, ", ") + ")"
	}
	return s
}

// helpMessage is the reply to /help. me is the bot's user id, for the mention example;
// cov is what the corpus covers.
func helpMessage(me string, cov coverage) message {
	mention := "me"
	if me != "" {
		mention = "<@" + me + ">"
	}
	reach := " " + standoff.Reach(cov.AsOf)
	desc := strings.Join([]string{
		"I answer questions about the Iran–US nuclear standoff by **quoting, word for word, passages of a curated corpus**, each with its source. I never write an answer of my own; when nothing in the corpus answers, I say so.",
		"",
		"**Try**",
		"• `/ask question: what is breakout time?`",
		"• `/ask question: what is snapback?`",
		"• `/ask question: who struck Fordow in June 2025?`",
		"• Mention " + mention + " with a question in a channel, or send me a direct message. Add `private: True` to `/ask` to see the answer alone.",
		"• Follow up within a few minutes — “when was that?”, “and Natanz?” — and I read it with your last question in that channel; the reply says how I read it.",
		"• On any message: **Apps → Find sources** (right-click, or long-press on a phone) lists passages about what it says.",
		"",
		"**What I know**",
		"The corpus holds " + cov.describe() + "." + reach + " I search it in English, so ask in English: questions in other languages find nothing. The glossaries and the timeline are the project's own summaries of the sources they link.",
		"",
		"**Reading an answer**",
		"• Each passage leads with the sentence that answers best, __underlined__; the rarer words of your question are in **bold**.",
		"• The title says what the passage is: a glossary entry, a timeline section, or the article's title.",
		"• The line at the bottom of each passage cites it: publisher · date · section · ¶ paragraph; “dated …” is the date its facts are about. The links after the passage are its sources.",
		"• Ask about time in plain words — “now”, “latest”, “this year”, “in June 2025”: the newest passages, or those of that time, come first, and I say when the newest one is old.",
		"",
		"**Buttons**",
		"• 📄 shows a passage in full, to you alone. ▶️ **More** and ◀️ **Back** page through the passages; on someone else's answer the pages come to you alone.",
		"• 👍 / 👎 tell the moderators whether the passages answered you. 🗑️ removes an answer you asked for. 📣 **Post to channel** shares a private answer.",
	}, "\n")
	return message{
		Embeds: []*discordgo.MessageEmbed{{
			Type:        discordgo.EmbedTypeRich,
			Title:       "How to ask standoff",
			Description: cutText(desc, maxEmbedDesc),
			Color:       embedColor,
		}},
		Ephemeral: true,
	}
}

// aboutMessage is the reply to /about.
func aboutMessage(st standoff.Stats, version string, up, down int) message {
	if version == "" {
		version = "unknown"
	}
	refreshed := "unknown"
	if !st.Built.IsZero() {
		u := st.Built.Unix()
		refreshed = fmt.Sprintf("<t:%d:f> (<t:%d:R>)", u, u)
	}
	fields := []*discordgo.MessageEmbedField{
		{Name: "Documents", Value: fmt.Sprint(st.Documents), Inline: true},
		{Name: "Passages", Value: fmt.Sprint(st.Passages), Inline: true},
		{Name: "Last refresh", Value: refreshed, Inline: true},
		{Name: "Version", Value: cutText(escapeMarkdown(version), 1024), Inline: true},
		{Name: "Feedback", Value: fmt.Sprintf("👍 %d · 👎 %d", up, down), Inline: true},
	}
	if st.Fingerprint != "" {
		fp := st.Fingerprint
		if len(fp) > 12 {
			fp = fp[:12]
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: "Corpus fingerprint", Value: "`" + strings.ReplaceAll(fp, "`", "") + "`", Inline: true})
	}
	e := &discordgo.MessageEmbed{
		Type:        discordgo.EmbedTypeRich,
		Title:       "About standoff",
		Description: "Answers about the Iran–US nuclear standoff, quoted word for word from a curated corpus of cited documents. Nothing is made up: every passage shows where it comes from.",
		Color:       embedColor,
		Fields:      fields,
	}
	if !st.Built.IsZero() {
		e.Timestamp = st.Built.UTC().Format(time.RFC3339)
	}
	return message{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
}
