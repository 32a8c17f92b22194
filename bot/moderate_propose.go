package bot

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/watch"
)

// cmdPropose is the message command that puts a message's links, or the message itself,
// in the review queue.
const cmdPropose = "Propose to corpus"

// maxProposedLinks is how many links of one message are proposed.
const maxProposedLinks = 5

// linkPattern finds the web addresses of a message.
var linkPattern = regexp.MustCompile(`https?://[^\s<>"'()\[\]]+`)

// ProposeCommand is the message command "Propose to corpus", to pass to the bot in
// Options.Commands beside Command: registered in the admin guilds only, for moderators.
func (m *Moderation) ProposeCommand() Command {
	perm := int64(discordgo.PermissionManageGuild)
	return Command{Definition: &discordgo.ApplicationCommand{
		Name: cmdPropose, Type: discordgo.MessageApplicationCommand, DefaultMemberPermissions: &perm,
		Contexts:         &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
		IntegrationTypes: &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall},
	}, Handle: m.handlePropose, GuildOnly: true, Guilds: slices.Clone(m.cfg.AdminGuildIDs)}
}

// messageLinks returns the distinct web addresses of a message's text, at most
// maxProposedLinks, trailing punctuation left out.
func messageLinks(text string) []string {
	var out []string
	for _, l := range linkPattern.FindAllString(text, -1) {
		l = strings.TrimRight(l, ".,;:!?")
		if _, err := corpus.CheckURL(l); err != nil || slices.Contains(out, l) {
			continue
		}
		out = append(out, l)
		if len(out) == maxProposedLinks {
			break
		}
	}
	return out
}

// handlePropose answers "Propose to corpus": the links in the message become proposals
// of the review queue, or, when it has none, the message itself does, with its author
// and its link as their source. Only moderators of the admin guilds may.
func (m *Moderation) handlePropose(ctx context.Context, s *discordgo.Session, ev *discordgo.InteractionCreate) error {
	i := ev.Interaction
	r := &responder{s: s, i: i, private: true, log: m.log.With("interaction", i.ID, "user", userOf(i), "command", cmdPropose)}
	switch {
	case i.Member == nil:
		r.send(ctx, false, notice(msgGuildOnly))
		return nil
	case !m.inAdminGuild(i):
		r.log.Warn("propose refused: not an admin guild", "guild", i.GuildID)
		r.send(ctx, false, notice(msgNotAdmin))
		return nil
	case !m.isModerator(i):
		r.log.Info("propose refused: not a moderator")
		r.send(ctx, false, notice(msgNotModerator))
		return nil
	case i.Type != discordgo.InteractionApplicationCommand:
		return nil
	}
	data := i.ApplicationCommandData()
	var msg *discordgo.Message
	if data.Resolved != nil {
		msg = data.Resolved.Messages[data.TargetID]
	}
	if msg == nil {
		r.send(ctx, false, notice("Sorry — Discord did not pass the message on. Please try again."))
		return nil
	}
	if !r.deferReply(ctx) {
		return nil
	}
	who := actorOf(i)
	link := fmt.Sprintf("https://discord.com/channels/%s/%s/%s", i.GuildID, msg.ChannelID, msg.ID)
	author := "unknown"
	if msg.Author != nil {
		author = msg.Author.GlobalName
		if author == "" {
			author = msg.Author.Username
		}
	}
	pctx, cancel := context.WithTimeout(ctx, 2*m.fetchTimeout())
	defer cancel()
	m.mu.Lock()
	var rep watch.Report
	var err error
	if links := messageLinks(msg.Content); len(links) > 0 {
		rep, err = m.proposer.Propose(pctx, m.cur.Corpus(), links, link, who)
	} else {
		when := msg.Timestamp
		if when.IsZero() {
			when = m.opts.Now()
		}
		title := fmt.Sprintf("Message by %s on %s", author, when.UTC().Format("2 January 2006"))
		rep, err = m.proposer.ProposeText(pctx, m.cur.Corpus(), title, msg.Content, link, author, when, who)
	}
	m.mu.Unlock()
	if err != nil {
		r.edit(ctx, failureNotice(r.log, "Not proposed", err))
		return nil
	}
	r.edit(ctx, proposedMessage(rep))
	m.PostProposals(ctx, rep.Proposed)
	return nil
}

// proposedMessage says what "Propose to corpus" put in the queue, and what not and why.
func proposedMessage(rep watch.Report) message {
	var lines []string
	for _, p := range rep.Proposed {
		lines = append(lines, fmt.Sprintf("✅ `%s` — %s (relevance %.2f)", codeText(p.ID), escapeMarkdown(cutText(p.Title, 150)), p.Relevance))
	}
	for _, s := range rep.Skipped {
		lines = append(lines, fmt.Sprintf("✖️ %s — %s", escapeMarkdown(cutText(s.URL, 200)), escapeMarkdown(cutText(s.Reason, 300))))
	}
	if len(lines) == 0 {
		lines = append(lines, "Nothing new: the corpus or the queue already holds this text.")
	}
	head := "Nothing was proposed."
	if n := len(rep.Proposed); n > 0 {
		head = fmt.Sprintf("%s now in the review queue (`/corpus queue`); nothing enters the corpus until a moderator approves it.", corpus.Plural(n, "proposal"))
	}
	return message{Content: cutText(head+"\n"+strings.Join(lines, "\n"), maxContent), Ephemeral: true}
}

// newProposer is the poller "Propose to corpus" reads pages with: the moderation's
// fetcher, state in the data folder, a short pause between pages of one host.
func newProposer(review *watch.Review, m *Moderation) *watch.Poller {
	return watch.NewPoller(review, m.fetch, m.cfg.DataDir, m.log, watch.Options{HostPause: time.Second, Observer: m.opts.Observer})
}
