package bot

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/standoff-bot/standoff"

	"github.com/bwmarrin/discordgo"
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
	Answer   standoff.Answer
	Offset   int    // passages before this page
	Private  bool   // an ephemeral reply: offers Post to channel
	SharedBy string // the display name of the member who posted a private answer
	// Asker is the user id of the member who asked, or posted, a public answer: they page
	// it in place and may remove it; "" when not known.
	Asker string
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

// questionLine restates q in the first line of an answer: a question in bold; the text a
// member looked sources up for as "Sources about: “…”", not in bold, so that the bot is
// not seen to assert it.
func questionLine(k questionKind, q string) string {
	if k == kindFind {
		return marks[k] + " Sources about: “" + escapeMarkdown(q) + "”"
	}
	return "**" + marks[k] + " " + escapeMarkdown(q) + "**"
}

// parseQuestion reads the question back from the content of an answer; that of a
// follow-up is its reading ("Reading this as: …" on the second line), which stands on
// its own.
func parseQuestion(content string) (questionKind, string, bool) {
	line, rest, _ := strings.Cut(content, "\n")
	if second, _, _ := strings.Cut(rest, "\n"); strings.HasPrefix(second, readAsPrefix) {
		if k, _, ok := parseQuestion(line); ok {
			if q := unescapeMarkdown(strings.TrimPrefix(second, readAsPrefix)); strings.TrimSpace(q) != "" {
				return k, q, true
			}
		}
	}
	found := func(k questionKind, q string) (questionKind, string, bool) {
		q = unescapeMarkdown(q)
		if strings.TrimSpace(q) == "" {
			return 0, "", false
		}
		return k, q, true
	}
	prefix := marks[kindFind] + " Sources about: “"
	if strings.HasPrefix(line, prefix) && strings.HasSuffix(line, "”") && len(line) >= len(prefix)+len("”") {
		return found(kindFind, line[len(prefix):len(line)-len("”")])
	}
	for k, mark := range marks {
		// Answers from before "Sources about" restate a text looked up in bold, too.
		prefix := "**" + mark + " "
		if strings.HasPrefix(line, prefix) && strings.HasSuffix(line, "**") && len(line) >= len(prefix)+2 {
			return found(questionKind(k), line[len(prefix):len(line)-2])
		}
	}
	return 0, "", false
}

// renderAnswer renders a page of passages, or the helpful reply when nothing answers.
// split cuts a text into sentences, for cutting long passages at a sentence.
//
// It is laid out for a phone: each passage leads with the sentence that answers best,
// shows about excerptChars characters of whole sentences around it (the full passage is
// one press away), puts only the question's rare terms in bold, says what the passage is
// in its title, cites publisher · date · section · ¶ in its footer, and links its sources.
// Closest passages (no passage answers) say so and have a neutral colour.
func renderAnswer(v view, split func(string) []string) message {
	if len(v.Answer.Results) == 0 {
		if v.Offset > 0 {
			return notice("There are no more passages for this question.")
		}
		return renderNoAnswer(v)
	}
	closest := v.Answer.Closest || !v.Answer.Answered
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
	sub += ", quoted word for word"
	if v.SharedBy != "" {
		// The name as text, not a mention: no reply holds a mention that could ping.
		name := cutText(strings.Join(strings.Fields(v.SharedBy), " "), 80)
		sub = fmt.Sprintf("Shared by %s · %s", escapeFrom(name, false), sub)
	} else {
		sub = strings.ToUpper(sub[:1]) + sub[1:]
	}
	content := questionLine(v.Kind, v.Question) + "\n"
	if r := strings.Join(strings.Fields(v.Answer.ReadAs), " "); r != "" {
		// A follow-up says how it was read, so that a wrong reading is seen.
		content += readAsPrefix + escapeMarkdown(cutText(r, maxQuestionRunes)) + "\n"
	}
	if c := correctedLine(v.Answer); c != "" {
		content += c + "\n"
	}
	if closest {
		content += closestLabel + "\n"
	}
	if note := timeNote(v.Answer); note != "" {
		content += note + "\n"
	}
	content += "-# " + sub

	color := embedColor
	if closest {
		color = closestColor
	}
	embeds := make([]*discordgo.MessageEmbed, len(results))
	// Each embed's share of the 6,000 characters: titles and footers take at most a
	// quarter and a third of it, so that every passage keeps room whatever the metadata.
	share := maxEmbedsTotal / len(results)
	titleLimit, footerLimit := min(maxEmbedTitle, share/4), min(maxFooter, share/3)
	fixed := 0
	for i, r := range results {
		e := &discordgo.MessageEmbed{
			Type:   discordgo.EmbedTypeRich,
			Title:  cutText(fmt.Sprintf("%d · %s", rankOf(v, i, r), escapeMarkdown(whatIs(r))), titleLimit),
			Color:  color,
			Footer: &discordgo.MessageEmbedFooter{Text: cutText(citationLine(r), footerLimit)},
		}
		if link := passageLink(r); link != "" {
			e.URL = link
		}
		fixed += discordLen(e.Title) + discordLen(e.Footer.Text)
		embeds[i] = e
	}
	// Share what remains of the 6,000 characters among the passages and their sources.
	budget := (maxEmbedsTotal - fixed) / len(results)
	budget = min(budget, maxEmbedDesc, passageTargetChars)
	for i, r := range results {
		srcs := sourcesLine(r.Sources, budget/2, true)
		limit := budget
		if srcs != "" {
			limit -= discordLen(srcs) + 2
		}
		desc, _ := renderExcerpt(r, limit, split)
		if srcs != "" {
			desc += "\n\n" + srcs
		}
		embeds[i].Description = desc
	}

	var rows []discordgo.MessageComponent
	var links []discordgo.MessageComponent
	for i, r := range results {
		link := passageLink(r)
		if link == "" || len(link) > maxButtonURL || len(links) == maxButtonsPerRow {
			continue
		}
		name := r.Publisher
		if name == "" {
			name = whatIs(r)
		}
		links = append(links, discordgo.Button{
			Label: cutText(fmt.Sprintf("%d · %s", rankOf(v, i, r), name), maxButtonLabel),
			Style: discordgo.LinkButton,
			URL:   link,
		})
	}
	if len(links) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: links})
	}
	// 📄 n shows passage n in full, privately; its custom id also names the passage, so
	// that a vote can tell which passages were shown.
	var full []discordgo.MessageComponent
	for i, r := range results {
		if i == maxButtonsPerRow {
			break
		}
		rank := rankOf(v, i, r)
		a := action{Kind: actFull, Offset: rank - 1, Ref: passageKey(r)}
		if len(a.id()) > maxCustomID {
			a.Ref = ""
		}
		full = append(full, discordgo.Button{
			Label: strconv.Itoa(rank), Style: discordgo.SecondaryButton,
			Emoji:    &discordgo.ComponentEmoji{Name: "📄"},
			CustomID: a.id(),
		})
	}
	rows = append(rows, discordgo.ActionsRow{Components: full})

	var actions []discordgo.MessageComponent
	if v.Offset > 0 {
		actions = append(actions, discordgo.Button{
			Label: "Back", Style: discordgo.SecondaryButton,
			Emoji:    &discordgo.ComponentEmoji{Name: "◀️"},
			CustomID: action{Kind: actPage, Offset: max(0, v.Offset-standoff.DefaultK), Asker: v.Asker}.id(),
		})
	}
	if next := v.Offset + len(results); v.Answer.More && next <= maxOffset {
		actions = append(actions, discordgo.Button{
			Label: "More", Style: discordgo.PrimaryButton,
			Emoji:    &discordgo.ComponentEmoji{Name: "▶️"},
			CustomID: action{Kind: actPage, Offset: next, Asker: v.Asker}.id(),
		})
	}
	actions = append(actions,
		discordgo.Button{
			Style:    discordgo.SecondaryButton,
			Emoji:    &discordgo.ComponentEmoji{Name: "👍"},
			CustomID: action{Kind: actVote, Up: true}.id(),
		},
		discordgo.Button{
			Style:    discordgo.SecondaryButton,
			Emoji:    &discordgo.ComponentEmoji{Name: "👎"},
			CustomID: action{Kind: actVote}.id(),
		})
	if v.Private {
		actions = append(actions, discordgo.Button{
			Label: "Post to channel", Style: discordgo.SuccessButton,
			Emoji:    &discordgo.ComponentEmoji{Name: "📣"},
			CustomID: action{Kind: actPost, Offset: v.Offset}.id(),
		})
	} else if v.Asker != "" {
		actions = append(actions, discordgo.Button{
			Style:    discordgo.SecondaryButton,
			Emoji:    &discordgo.ComponentEmoji{Name: "🗑️"},
			CustomID: action{Kind: actDelete, Asker: v.Asker}.id(),
		})
	}
	rows = append(rows, discordgo.ActionsRow{Components: actions})

	return message{Content: cutText(content, maxContent), Embeds: embeds, Components: rows, Ephemeral: v.Private}
}

// correctedLine says how the question was read when a misspelled word was corrected
// ("Showing results for *what is enrichment*"), or "".
func correctedLine(a standoff.Answer) string {
	c := strings.Join(strings.Fields(a.Corrected), " ")
	if c == "" {
		return ""
	}
	return "Showing results for *" + escapeMarkdown(cutText(c, 200)) + "*"
}

// timeNote is the line an answer says about time (the newest passage on this is old,
// nothing is dated in the period asked about, how far the corpus reaches), or "".
func timeNote(a standoff.Answer) string {
	note := strings.Join(strings.Fields(a.Note), " ")
	if note == "" {
		return ""
	}
	return "🕰️ " + escapeMarkdown(cutText(note, 300))
}

// closestLabel introduces closest passages: they share terms with the question but may
// not answer it.
const closestLabel = "⚠️ **Closest match, may not answer your question.** No passage answers it directly."

// closestColor is the neutral accent of closest passages.
const closestColor = 0x99AAB5

// rankOf is the rank of the i-th result of a page.
func rankOf(v view, i int, r standoff.Result) int {
	if r.Rank > 0 {
		return r.Rank
	}
	return v.Offset + i + 1
}

// whatIs says what a passage is: "Breakout time · Glossary" or its document's title.
func whatIs(r standoff.Result) string { return r.Label() }

// citationLine cites a passage for a reader: publisher · date · section · ¶ n.
func citationLine(r standoff.Result) string { return r.Citation() }

// passageLink is the web address a passage links to: its link to the quoted sentence,
// else its document's address; "" when it has none.
func passageLink(r standoff.Result) string {
	if webURL(r.Link) && len(r.Link) <= maxButtonURL {
		return r.Link
	}
	if webURL(r.URL) {
		return r.URL
	}
	return ""
}

// passageKey names a passage as "doc#paragraph".
func passageKey(r standoff.Result) string {
	if r.Doc == "" || r.Paragraph <= 0 {
		return ""
	}
	return r.Doc + "#" + strconv.Itoa(r.Paragraph)
}

// sourcesLine lists a passage's sources as masked links, "Sources: [Title](url)
// (Publisher, date) · …", in at most limit characters; sources that do not fit are
// counted, not shown. Compact, each source is only its publisher's name (its title when
// the publisher is not known), for a reply read on a phone. "" when there are none.
func sourcesLine(srcs []standoff.Source, limit int, compact bool) string {
	if len(srcs) == 0 {
		return ""
	}
	label := "Sources: "
	if len(srcs) == 1 {
		label = "Source: "
	}
	var items []string
	for _, s := range srcs {
		if compact && strings.TrimSpace(s.Publisher) != "" {
			s = standoff.Source{Title: s.Publisher, URL: s.URL}
		} else if compact {
			s = standoff.Source{Title: s.Title, URL: s.URL}
		}
		if item := sourceItem(s); item != "" {
			items = append(items, item)
		}
	}
	if len(items) == 0 {
		return ""
	}
	for n := len(items); n > 0; n-- {
		line := label + strings.Join(items[:n], " · ")
		if n < len(items) {
			line += fmt.Sprintf(" · and %d more", len(items)-n)
		}
		if discordLen(line) <= limit {
			return line
		}
	}
	return cutText(fmt.Sprintf("%d sources, too many to list here.", len(srcs)), limit)
}

// sourceItem renders one source: its name as a masked link when it has a web address,
// then its publisher and date where they add to the name.
func sourceItem(s standoff.Source) string {
	name := strings.Join(strings.Fields(s.Title), " ")
	pub := strings.Join(strings.Fields(s.Publisher), " ")
	if name == "" {
		name, pub = pub, ""
	}
	var extra []string
	if pub != "" {
		extra = append(extra, pub)
	}
	if d := strings.TrimSpace(s.Published); d != "" {
		extra = append(extra, d)
	}
	if name == "" && len(extra) == 0 && !webURL(s.URL) {
		return ""
	}
	var b strings.Builder
	if name == "" {
		name = s.URL
	}
	if u := maskedURL(s.URL); u != "" {
		b.WriteString("[" + escapeMarkdown(cutText(name, 100)) + "](" + u + ")")
	} else {
		b.WriteString(escapeMarkdown(cutText(name, 100)))
	}
	if len(extra) > 0 {
		b.WriteString(" (" + escapeMarkdown(strings.Join(extra, ", ")) + ")")
	}
	return b.String()
}

// maskedURL returns u made safe for a Markdown masked link: a web address with its
// parentheses, spaces, brackets, "@" and Markdown characters percent-encoded; "" when u is not a web address.
func maskedURL(u string) string {
	if !webURL(u) || len(u) > maxButtonURL {
		return ""
	}
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E", "[", "%5B", "]", "%5D", "@", "%40", "*", "%2A", "|", "%7C", "`", "%60").Replace(u)
}

// renderNoAnswer is the plain, helpful reply when no passage answers: what happened,
// what the answer says about time (how far the corpus reaches, for a question about the
// latest news), the corpus's nearby terms as buttons that ask them, and how to do
// better.
func renderNoAnswer(v view) message {
	var b strings.Builder
	b.WriteString(questionLine(v.Kind, v.Question))
	if r := strings.Join(strings.Fields(v.Answer.Request), " "); r != "" {
		b.WriteString("\n" + escapeMarkdown(cutText(r, 300)))
		return message{Content: cutText(b.String(), maxContent), Ephemeral: v.Private}
	}
	b.WriteString("\nI found no passage in the corpus that answers this. I only quote the sources word for word, so I won't guess.\n")
	if note := timeNote(v.Answer); note != "" {
		b.WriteString(note + "\n")
	}
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
func renderPassage(r standoff.Result, limit int, split func(string) []string) string {
	text := r.Text
	bold := boldOf(r)
	under := span{}
	if best, ok := spanIn(text, r.Best); ok && len(strings.TrimSpace(text[best.start:best.end])) < len(strings.TrimSpace(text)) {
		under = best
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
	sents := sentencesOf(r, split)
	for k := len(sents) - 1; k >= 0; k-- {
		end := sents[k].end
		if end >= len(text) || end > fitEnd {
			continue
		}
		if s := clip(end) + " …"; discordLen(s) <= limit {
			return s
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

// excerptChars is about how many characters of a passage an answer shows: the best
// sentence and the whole sentences after it.
const excerptChars = 350

// renderExcerpt renders the part of a passage an answer shows, in at most limit
// characters: it leads with the best sentence and goes on with the whole sentences after
// it up to about excerptChars characters, with "…" where text is left out before or
// after; a passage at most a quarter longer is shown whole. cut reports whether any of
// the passage is left out.
func renderExcerpt(r standoff.Result, limit int, split func(string) []string) (string, bool) {
	text := r.Text
	sents := sentencesOf(r, split)
	if utf8.RuneCountInString(text) <= excerptChars+excerptChars/4 || r.Sentences == nil && split == nil {
		out := renderPassage(r, min(limit, excerptChars+excerptChars/2), split)
		return out, out != renderPassage(r, maxEmbedDesc, split)
	}
	if len(sents) == 0 {
		out := renderPassage(r, min(limit, excerptChars+excerptChars/2), split)
		return out, true
	}
	first := 0
	if best, ok := spanIn(text, r.Best); ok {
		for i, sp := range sents {
			if sp.start <= best.start && best.start < sp.end {
				first = i
				break
			}
		}
	}
	last := first
	for last+1 < len(sents) && utf8.RuneCountInString(text[sents[first].start:sents[last+1].end]) <= excerptChars {
		last++
	}
	start, end := sents[first].start, sents[last].end
	if first == 0 {
		start = 0
	}
	if last == len(sents)-1 {
		end = len(text)
	}
	if start == 0 && end == len(text) {
		return renderPassage(r, limit, split), false
	}
	// The window is a passage of its own, its spans moved with it.
	win := standoff.Result{Text: text[start:end]}
	for _, sp := range boldOf(r) {
		if sp.start >= start && sp.end <= end {
			win.Emphasis = append(win.Emphasis, standoff.Span{Start: sp.start - start, End: sp.end - start})
		}
	}
	if best, ok := spanIn(text, r.Best); ok && best.start >= start && best.end <= end {
		win.Best = standoff.Span{Start: best.start - start, End: best.end - start}
	}
	if r.Sentences != nil {
		win.Sentences = []standoff.Span{}
		for _, sp := range sents[first : last+1] {
			win.Sentences = append(win.Sentences, standoff.Span{Start: sp.start - start, End: sp.end - start})
		}
	}
	prefix, suffix := "", ""
	if start > 0 {
		prefix = "… "
	}
	if end < len(text) {
		suffix = " …"
	}
	body := renderPassage(win, limit-discordLen(prefix)-discordLen(suffix), split)
	if strings.HasSuffix(body, "…") {
		suffix = ""
	}
	return prefix + body + suffix, true
}

// boldOf returns the byte ranges of r.Text to show in bold, the question's rare terms
// (r.Emphasis), sorted and apart; a range that does not lie within the text is left out.
func boldOf(r standoff.Result) []span {
	var out []span
	for _, sp := range r.Emphasis {
		if s, ok := spanIn(r.Text, sp); ok {
			out = append(out, s)
		}
	}
	return normalizeSpans(out)
}

// sentencesOf returns where the sentences of r.Text stand, in order: r.Sentences, as the
// index split them; for a result that carries none (one not from the index), split's.
// Ranges that are not within the text, or not in order, are left out.
func sentencesOf(r standoff.Result, split func(string) []string) []span {
	var out []span
	if r.Sentences != nil {
		for _, sp := range r.Sentences {
			if s, ok := spanIn(r.Text, sp); ok && (len(out) == 0 || s.start >= out[len(out)-1].end) {
				out = append(out, s)
			}
		}
		return out
	}
	if split == nil {
		return nil
	}
	from := 0
	for _, s := range split(r.Text) {
		k := strings.Index(r.Text[from:], s)
		if k < 0 {
			break
		}
		out = append(out, span{from + k, from + k + len(s)})
		from += k + len(s)
	}
	return out
}

// spanIn returns sp as a span of text when it is a non-empty range of text that starts
// and ends on character boundaries.
func spanIn(text string, sp standoff.Span) (span, bool) {
	if sp.Start < 0 || sp.Start >= sp.End || sp.End > len(text) || !utf8.RuneStart(text[sp.Start]) || sp.End < len(text) && !utf8.RuneStart(text[sp.End]) {
		return span{}, false
	}
	return span{sp.Start, sp.End}, true
}

// renderFull is the private reply to 📄: the whole passage, its citation and every
// source.
func renderFull(r standoff.Result, split func(string) []string) message {
	srcs := sourcesLine(r.Sources, 1500, false)
	limit := maxEmbedDesc
	if srcs != "" {
		limit -= discordLen(srcs) + 2
	}
	desc := renderPassage(r, limit, split)
	if srcs != "" {
		desc += "\n\n" + srcs
	}
	e := &discordgo.MessageEmbed{
		Type:        discordgo.EmbedTypeRich,
		Title:       cutText(escapeMarkdown(whatIs(r)), maxEmbedTitle),
		Description: desc,
		Color:       embedColor,
		Footer:      &discordgo.MessageEmbedFooter{Text: cutText(citationLine(r), maxFooter)},
	}
	if link := passageLink(r); link != "" {
		e.URL = link
	}
	return message{Content: "-# The whole passage, quoted word for word", Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
}
