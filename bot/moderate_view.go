package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/corpus"
)

// previewMessage shows what Confirm would add: title, date, paragraph and passage
// counts, the first paragraph, where it goes and what it replaces or nearly duplicates.
func previewMessage(d corpus.Draft, pendingID string, expires time.Time) message {
	doc := d.Doc
	passages := len((&corpus.Corpus{Documents: []corpus.Document{doc}}).Passages())
	published := doc.Published
	if published == "" {
		published = "unknown — the source gives no date"
	}
	action := "New document"
	if d.Replaces != "" {
		action = fmt.Sprintf("**Updates** the existing document `%s` (same address)", codeText(d.Replaces))
	}
	fields := []*discordgo.MessageEmbedField{
		{Name: "Document id", Value: "`" + codeText(d.ID) + "`", Inline: true},
		{Name: "Published", Value: published, Inline: true},
		{Name: "Paragraphs", Value: fmt.Sprintf("%d (%s)", len(doc.Paragraphs), corpus.Plural(passages, "passage")), Inline: true},
		{Name: "Action", Value: action},
	}
	if doc.Author != "" {
		fields = append(fields, &discordgo.MessageEmbedField{Name: "Author", Value: cutText(escapeMarkdown(doc.Author), 1024), Inline: true})
	}
	if doc.Publisher != "" {
		fields = append(fields, &discordgo.MessageEmbedField{Name: "Publisher", Value: cutText(escapeMarkdown(doc.Publisher), 1024), Inline: true})
	}
	if d.Source != "" {
		fields = append(fields, &discordgo.MessageEmbedField{Name: "Source", Value: cutText(escapeMarkdown(d.Source), 1024)})
	}
	if d.SameAs != "" {
		fields = append(fields, &discordgo.MessageEmbedField{Name: "⚠️ The same page as",
			Value: fmt.Sprintf("`%s` — the page names that document's address as its own", codeText(d.SameAs))})
	}
	if len(d.Similar) > 0 {
		var lines []string
		for _, s := range d.Similar {
			lines = append(lines, fmt.Sprintf("`%s` — %s (%.0f%% the same)", codeText(s.ID), escapeMarkdown(cutText(s.Title, 100)), s.Score*100))
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: "⚠️ Nearly duplicates", Value: cutText(strings.Join(lines, "\n"), 1024)})
	}
	first := ""
	if len(doc.Paragraphs) > 0 {
		first = "> " + escapeFrom(cutText(doc.Paragraphs[0].Text, 900), false)
	}
	e := &discordgo.MessageEmbed{
		Type:        discordgo.EmbedTypeRich,
		Title:       cutText(escapeMarkdown(doc.Title), maxEmbedTitle),
		Description: "**First paragraph**\n" + first,
		Color:       embedColor,
		Fields:      fields,
	}
	if webURL(doc.URL) && discordLen(doc.URL) <= 2048 {
		e.URL = doc.URL
	}
	content := fmt.Sprintf("**Preview** — nothing is added until you press Confirm. The preview expires <t:%d:R>.", expires.Unix())
	return message{
		Content: content,
		Embeds:  []*discordgo.MessageEmbed{e},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Confirm", Style: discordgo.SuccessButton, CustomID: corpusConfirm + pendingID},
			discordgo.Button{Label: "Cancel", Style: discordgo.SecondaryButton, CustomID: corpusCancel + pendingID},
		}}},
		Ephemeral: true,
	}
}

// outcomeMessage says what a change did: documents and passages added, updated and
// removed, and documents of the folder that could not be read.
func outcomeMessage(title string, out Outcome) message {
	ch := out.Changes
	var desc string
	switch {
	case ch.Empty() && out.Rebuilt:
		desc = "No document changed; the index was rebuilt (synonyms or indexing rules changed)."
	case ch.Empty():
		desc = "Nothing changed: the corpus folder is as the index has it."
	default:
		desc = fmt.Sprintf("Documents: %d added, %d updated, %d removed.\nPassages: %d added, %d updated, %d removed.",
			len(ch.Added), len(ch.Updated), len(ch.Removed), ch.PassagesAdded, ch.PassagesUpdated, ch.PassagesRemoved)
	}
	var fields []*discordgo.MessageEmbedField
	list := func(name string, docs []corpus.DocChange, detail func(corpus.DocChange) string) {
		if len(docs) == 0 {
			return
		}
		var lines []string
		for _, d := range docs {
			lines = append(lines, fmt.Sprintf("`%s` — %s (%s)", codeText(d.ID), escapeMarkdown(cutText(d.Title, 80)), detail(d)))
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: name, Value: cutText(strings.Join(lines, "\n"), 1024)})
	}
	list("Added", ch.Added, func(d corpus.DocChange) string { return corpus.Plural(d.PassagesAdded, "passage") })
	list("Updated", ch.Updated, func(d corpus.DocChange) string {
		return fmt.Sprintf("passages +%d ~%d −%d", d.PassagesAdded, d.PassagesUpdated, d.PassagesRemoved)
	})
	list("Removed", ch.Removed, func(d corpus.DocChange) string { return corpus.Plural(d.PassagesRemoved, "passage") })
	if len(out.Problems) > 0 {
		var lines []string
		for _, p := range out.Problems {
			lines = append(lines, escapeMarkdown(p.Error()))
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: "⚠️ Not readable, left out", Value: cutText(strings.Join(lines, "\n"), 1024)})
	}
	if len(fields) > 25 {
		fields = fields[:25]
	}
	e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Title: title, Description: desc, Color: embedColor, Fields: fields}
	if out.Stats.Documents > 0 {
		e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("The index now serves %s, %s.", corpus.Plural(out.Stats.Documents, "document"), corpus.Plural(out.Stats.Passages, "passage"))}
	}
	return message{Content: "✅ " + title + ".", Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
}

// listMessage is a page of the documents of the corpus, from offset on, with buttons to
// page back and forth.
func (m *Moderation) listMessage(offset int) message {
	docs := m.cur.Corpus().Documents
	if offset >= len(docs) {
		offset = max(0, (len(docs)-1)/listPageSize*listPageSize)
	}
	end := min(offset+listPageSize, len(docs))
	var lines []string
	for _, d := range docs[offset:end] {
		meta := []string{}
		if d.Publisher != "" {
			meta = append(meta, escapeMarkdown(cutText(d.Publisher, 60)))
		}
		if d.Published != "" {
			meta = append(meta, d.Published)
		}
		meta = append(meta, fmt.Sprintf("%d ¶", len(d.Paragraphs)))
		lines = append(lines, fmt.Sprintf("`%s` — %s (%s)", codeText(d.ID), escapeMarkdown(cutText(d.Title, 100)), strings.Join(meta, ", ")))
	}
	pages := max(1, (len(docs)+listPageSize-1)/listPageSize)
	e := &discordgo.MessageEmbed{
		Type:        discordgo.EmbedTypeRich,
		Title:       "Corpus: " + corpus.Plural(len(docs), "document"),
		Description: cutText(strings.Join(lines, "\n"), maxEmbedDesc),
		Color:       embedColor,
		Footer:      &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Page %d of %d", offset/listPageSize+1, pages)},
	}
	if len(lines) == 0 {
		e.Description = "The corpus has no document."
	}
	var buttons []discordgo.MessageComponent
	if offset > 0 {
		buttons = append(buttons, discordgo.Button{Label: "Back", Style: discordgo.SecondaryButton,
			CustomID: fmt.Sprintf("%s%d", corpusListPage, max(0, offset-listPageSize))})
	}
	if end < len(docs) {
		buttons = append(buttons, discordgo.Button{Label: "More", Style: discordgo.PrimaryButton,
			CustomID: fmt.Sprintf("%s%d", corpusListPage, end)})
	}
	msg := message{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
	if len(buttons) > 0 {
		msg.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: buttons}}
	}
	return msg
}

// humanDuration formats d for a person: "1 hour", "30 minutes".
func humanDuration(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		if d == time.Hour {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d >= time.Minute:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}
