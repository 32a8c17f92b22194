package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/index"
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
	case cmdAsk, cmdFindSources, cmdAbout, cmdHelp:
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

// helpMessage is the reply to /help. me is the bot's user id, for the mention example.
func helpMessage(me string) message {
	mention := "me"
	if me != "" {
		mention = "<@" + me + ">"
	}
	desc := strings.Join([]string{
		"I answer questions about the Iran–US nuclear standoff by **quoting, word for word, passages of a curated corpus**, each with its source. I never write an answer of my own; when nothing in the corpus answers, I say so.",
		"",
		"**Ask**",
		"• `/ask question:` — type a question; suggestions appear as you type. Add `private: True` to see the answer alone.",
		"• Mention " + mention + " with a question in a channel, or send me a direct message.",
		"• On any message: **Apps → Find sources** (right-click, or long-press on a phone) finds passages about what it says.",
		"",
		"**Under an answer**",
		"• The numbered link buttons open each source at the quoted sentence.",
		"• **More** shows the next passages; **Back** the previous ones.",
		"• 👍 / 👎 tell the moderators whether the passages answered your question.",
		"• **Post to channel** shares a private answer with everyone.",
		"",
		"**Reading a passage**",
		"Words that matched your question are in **bold**; the sentence that answers best is __underlined__. The footer gives the document, ¶ paragraph, section, publisher and date.",
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
func aboutMessage(st index.Stats, version string, up, down int) message {
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
