package bot

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/index"
)

// embedColor is the accent colour of answer embeds.
const embedColor = 0x3B6EA5

// questionKind tells how a question came: asked, or sources looked up for a message.
type questionKind int

const (
	kindAsk  questionKind = iota // /ask, a mention, a direct message, a suggestion
	kindFind                     // the Find sources message command
)

// marks open the first line of every answer, which restates the question; parseQuestion
// reads the question back from it, so that buttons keep working after a restart.
var marks = [...]string{kindAsk: "❓", kindFind: "🔎"}

// view is one page of an answer, as the bot shows it.
type view struct {
	Kind     questionKind
	Question string // one line, as searched
	Answer   index.Answer
	Offset   int    // passages before this page
	Private  bool   // an ephemeral reply: offers Post to channel
	SharedBy string // the display name of the member who posted a private answer
}

// message is a reply in a form that converts to each of Discord's payloads.
type message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Ephemeral  bool
}

// noMentions is the allowed_mentions of every message the bot sends: parse nothing, so
// that no reply ever pings anyone.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// responseData converts m for an interaction response.
func (m message) responseData() *discordgo.InteractionResponseData {
	d := &discordgo.InteractionResponseData{
		Content:         m.Content,
		Embeds:          m.Embeds,
		Components:      m.Components,
		AllowedMentions: noMentions(),
	}
	if d.Embeds == nil {
		d.Embeds = []*discordgo.MessageEmbed{}
	}
	if d.Components == nil {
		d.Components = []discordgo.MessageComponent{}
	}
	if m.Ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return d
}

// webhookEdit converts m for an edit of an interaction's original response; every part
// is set so that the edit replaces the whole message.
func (m message) webhookEdit() *discordgo.WebhookEdit {
	d := m.responseData()
	return &discordgo.WebhookEdit{
		Content:         &d.Content,
		Embeds:          &d.Embeds,
		Components:      &d.Components,
		AllowedMentions: noMentions(),
	}
}

// webhookParams converts m for a follow-up message.
func (m message) webhookParams() *discordgo.WebhookParams {
	d := m.responseData()
	return &discordgo.WebhookParams{
		Content:         d.Content,
		Embeds:          d.Embeds,
		Components:      d.Components,
		AllowedMentions: noMentions(),
		Flags:           d.Flags,
	}
}

// messageSend converts m for a channel message that replies to ref.
func (m message) messageSend(ref *discordgo.MessageReference) *discordgo.MessageSend {
	d := m.responseData()
	return &discordgo.MessageSend{
		Content:         d.Content,
		Embeds:          d.Embeds,
		Components:      d.Components,
		AllowedMentions: noMentions(),
		Reference:       ref,
	}
}

// notice is a short, plain, ephemeral reply: a reason, a limit, a thank-you.
func notice(text string) message {
	return message{Content: cutText(text, maxContent), Ephemeral: true}
}

// questionLine restates q in the first line of an answer.
func questionLine(k questionKind, q string) string {
	return "**" + marks[k] + " " + escapeMarkdown(q) + "**"
}

// parseQuestion reads the question back from the content of an answer.
func parseQuestion(content string) (questionKind, string, bool) {
	line, _, _ := strings.Cut(content, "\n")
	for k, mark := range marks {
		prefix := "**" + mark + " "
		if strings.HasPrefix(line, prefix) && strings.HasSuffix(line, "**") && len(line) >= len(prefix)+2 {
			q := unescapeMarkdown(line[len(prefix) : len(line)-2])
			if strings.TrimSpace(q) == "" {
				return 0, "", false
			}
			return questionKind(k), q, true
		}
	}
	return 0, "", false
}

// renderAnswer renders a page of passages, or the helpful reply when nothing answers.
// split cuts a text into sentences, for cutting long passages at a sentence.
func renderAnswer(v view, split func(string) []string) message {
	if len(v.Answer.Results) == 0 {
		if v.Offset > 0 {
			return notice("There are no more passages for this question.")
		}
		return renderNoAnswer(v)
	}
	results := v.Answer.Results
	if len(results) > maxEmbeds {
		results = results[:maxEmbeds]
	}
	first, last := v.Offset+1, v.Offset+len(results)
	var sub string
	if first == last {
		sub = fmt.Sprintf("passage %d", first)
	} else {
		sub = fmt.Sprintf("passages %d–%d", first, last)
	}
	if v.SharedBy != "" {
		// The name as text, not a mention: no reply holds a mention that could ping.
		name := cutText(strings.Join(strings.Fields(v.SharedBy), " "), 80)
		sub = fmt.Sprintf("-# Shared by %s · %s, quoted word for word from the sources below", escapeFrom(name, false), sub)
	} else {
		sub = "-# " + strings.ToUpper(sub[:1]) + sub[1:] + ", quoted word for word from the sources below"
	}
	if v.Answer.Closest {
		sub = "-# Closest match, may not answer your question · " + strings.TrimPrefix(sub, "-# ")
	}
	content := questionLine(v.Kind, v.Question) + "\n" + sub

	embeds := make([]*discordgo.MessageEmbed, len(results))
	// Each embed's share of the 6,000 characters: titles and footers take at most a
	// quarter and a third of it, so that every passage keeps room whatever the metadata.
	share := maxEmbedsTotal / len(results)
	titleLimit, footerLimit := min(maxEmbedTitle, share/4), min(maxFooter, share/3)
	fixed := 0
	for i, r := range results {
		rank := r.Rank
		if rank <= 0 {
			rank = v.Offset + i + 1
		}
		title := r.Title
		if title == "" {
			title = r.Doc
		}
		e := &discordgo.MessageEmbed{
			Type:   discordgo.EmbedTypeRich,
			Title:  cutText(fmt.Sprintf("%d · %s", rank, escapeMarkdown(title)), titleLimit),
			Color:  embedColor,
			Footer: &discordgo.MessageEmbedFooter{Text: cutText(footer(r), footerLimit)},
		}
		if webURL(r.URL) {
			e.URL = r.URL
		}
		fixed += discordLen(e.Title) + discordLen(e.Footer.Text)
		embeds[i] = e
	}
	// Share what remains of the 6,000 characters among the passages.
	budget := (maxEmbedsTotal - fixed) / len(results)
	budget = min(budget, maxEmbedDesc, passageTargetChars)
	for i, r := range results {
		embeds[i].Description = renderPassage(r, budget, split)
	}

	var rows []discordgo.MessageComponent
	var links []discordgo.MessageComponent
	for i, r := range results {
		link := r.Link
		if !webURL(link) || len(link) > maxButtonURL {
			link = r.URL
		}
		if !webURL(link) || len(link) > maxButtonURL || len(links) == maxButtonsPerRow {
			continue
		}
		rank := r.Rank
		if rank <= 0 {
			rank = v.Offset + i + 1
		}
		title := r.Title
		if title == "" {
			title = r.Doc
		}
		links = append(links, discordgo.Button{
			Label: cutText(fmt.Sprintf("%d · %s", rank, title), maxButtonLabel),
			Style: discordgo.LinkButton,
			URL:   link,
		})
	}
	if len(links) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: links})
	}
	var actions []discordgo.MessageComponent
	if v.Offset > 0 {
		actions = append(actions, discordgo.Button{
			Label: "Back", Style: discordgo.SecondaryButton,
			Emoji:    &discordgo.ComponentEmoji{Name: "◀️"},
			CustomID: action{Kind: actPage, Offset: max(0, v.Offset-index.DefaultK)}.id(),
		})
	}
	if next := v.Offset + len(results); v.Answer.More && next <= maxOffset {
		actions = append(actions, discordgo.Button{
			Label: "More", Style: discordgo.PrimaryButton,
			Emoji:    &discordgo.ComponentEmoji{Name: "▶️"},
			CustomID: action{Kind: actPage, Offset: next}.id(),
		})
	}
	actions = append(actions,
		discordgo.Button{
			Label: "Helpful", Style: discordgo.SecondaryButton,
			Emoji:    &discordgo.ComponentEmoji{Name: "👍"},
			CustomID: action{Kind: actVote, Up: true}.id(),
		},
		discordgo.Button{
			Label: "Not helpful", Style: discordgo.SecondaryButton,
			Emoji:    &discordgo.ComponentEmoji{Name: "👎"},
			CustomID: action{Kind: actVote}.id(),
		})
	if v.Private {
		actions = append(actions, discordgo.Button{
			Label: "Post to channel", Style: discordgo.SuccessButton,
			Emoji:    &discordgo.ComponentEmoji{Name: "📣"},
			CustomID: action{Kind: actPost, Offset: v.Offset}.id(),
		})
	}
	rows = append(rows, discordgo.ActionsRow{Components: actions})

	return message{Content: cutText(content, maxContent), Embeds: embeds, Components: rows, Ephemeral: v.Private}
}

// renderNoAnswer is the plain, helpful reply when no passage answers: what happened, the
// corpus's nearby terms as buttons that ask them, and how to do better.
func renderNoAnswer(v view) message {
	var b strings.Builder
	b.WriteString(questionLine(v.Kind, v.Question))
	b.WriteString("\nI found no passage in the corpus that answers this. I only quote the sources word for word, so I won't guess.\n")
	var buttons []discordgo.MessageComponent
	var shown []string
	for _, s := range v.Answer.Suggestions {
		s = strings.Join(strings.Fields(s), " ")
		id := action{Kind: actAsk, Term: s}.id()
		if s == "" || len(id) > maxCustomID || len(buttons) == maxButtonsPerRow {
			continue
		}
		buttons = append(buttons, discordgo.Button{
			Label: cutText(s, maxButtonLabel), Style: discordgo.SecondaryButton, CustomID: id,
			Emoji: &discordgo.ComponentEmoji{Name: "🔎"},
		})
		shown = append(shown, "**"+escapeMarkdown(s)+"**")
	}
	if len(shown) > 0 {
		b.WriteString("Nearby terms in the sources: " + strings.Join(shown, " · ") + ". Press one to ask about it, or rephrase with the names and terms the sources would use.")
	} else {
		b.WriteString("Try other words — the names, places and terms the sources would use — or a shorter question.")
	}
	b.WriteString("\n-# `/help` shows what I can answer and how to ask.")
	m := message{Content: cutText(b.String(), maxContent), Ephemeral: v.Private}
	if len(buttons) > 0 {
		m.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: buttons}}
	}
	return m
}

// footer cites a passage: document id, paragraph, section, publisher and date. The
// document id comes first so that feedback can read back which passages were shown.
func footer(r index.Result) string {
	parts := []string{r.Doc}
	if r.Paragraph > 0 {
		parts = append(parts, "¶ "+strconv.Itoa(r.Paragraph))
	}
	for _, p := range []string{r.Section, r.Publisher, r.Published} {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ")
}

// passageRef reads "doc#paragraph" back from an embed footer made by footer.
func passageRef(footerText string) (string, bool) {
	parts := strings.Split(footerText, " · ")
	if len(parts) < 2 || parts[0] == "" || !strings.HasPrefix(parts[1], "¶ ") {
		return "", false
	}
	if _, err := strconv.Atoi(strings.TrimPrefix(parts[1], "¶ ")); err != nil {
		return "", false
	}
	return parts[0] + "#" + strings.TrimPrefix(parts[1], "¶ "), true
}

// webURL reports whether s is an absolute http or https address.
func webURL(s string) bool {
	if s == "" {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// renderPassage renders a passage's text as an embed description of at most limit
// characters: escaped, matched terms in bold, the best sentence underlined. A passage too
// long is cut after a whole sentence (or, failing that, a whole word) with "…".
func renderPassage(r index.Result, limit int, split func(string) []string) string {
	text := r.Text
	bold, ok := boldSpans(text, r.Highlighted)
	if !ok {
		bold = termSpans(text, highlightedTerms(r.Highlighted))
	}
	under := span{}
	if best := strings.TrimSpace(r.BestSentence); best != "" && len(best) < len(strings.TrimSpace(text)) {
		if k := strings.Index(text, best); k >= 0 {
			under = span{k, k + len(best)}
		}
	}
	full := markup(text, bold, under)
	if discordLen(full) <= limit {
		return full
	}
	clip := func(cut int) string {
		var bs []span
		for _, sp := range bold {
			if sp.start < cut {
				bs = append(bs, span{sp.start, min(sp.end, cut)})
			}
		}
		u := span{min(under.start, cut), min(under.end, cut)}
		return markup(strings.TrimRight(text[:cut], " \t\n"), bs, u)
	}
	// Markup only adds characters: a cut whose plain text is already too long cannot fit.
	// fitEnd is the end of the longest prefix whose plain text fits.
	fitEnd, n := 0, 0
	for i, r := range text {
		if n += discordLen(string(r)); n > limit {
			break
		}
		fitEnd = i + utf8.RuneLen(r)
	}
	// Whole sentences first, the longest run that fits.
	if split != nil {
		var ends []int
		from := 0
		for _, s := range split(text) {
			k := strings.Index(text[from:], s)
			if k < 0 {
				break
			}
			from += k + len(s)
			ends = append(ends, from)
		}
		for k := len(ends) - 1; k >= 0; k-- {
			if ends[k] >= len(text) || ends[k] > fitEnd {
				continue
			}
			if s := clip(ends[k]) + " …"; discordLen(s) <= limit {
				return s
			}
		}
	}
	// Then whole words, starting from the last one whose plain text alone fits.
	for cut := min(fitEnd, len(text)-1); cut > 0; cut-- {
		if text[cut] != ' ' {
			continue
		}
		if s := clip(cut) + "…"; discordLen(s) <= limit {
			return s
		}
	}
	return cutText(escapeMarkdown(text), limit)
}
