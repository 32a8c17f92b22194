package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/corpus/curate"
)

// auditLine is how a record is posted to the audit channel.
func auditLine(r curate.AuditRecord) string {
	who := "`" + codeText(r.Actor) + "`"
	if r.Name != "" {
		who = "**" + escapeMarkdown(cutText(r.Name, 80)) + "** (" + who + ")"
	}
	hash := r.Hash
	if len(hash) > 12 {
		hash = hash[:12]
	}
	line := fmt.Sprintf("📚 %s **%s** `%s` — %s (passages +%d ~%d −%d) · sha256 `%s`", who, r.Action, codeText(r.Doc),
		escapeMarkdown(cutText(r.Title, 120)), r.Passages.Added, r.Passages.Updated, r.Passages.Removed, hash)
	if r.Source != "" {
		line += " · from " + escapeMarkdown(cutText(r.Source, 200))
	}
	return line + " · via " + r.Via + " " + r.Command
}

// postAudit posts the records to the audit channel, when there is one, in as few
// messages as fit. A failure is logged: the audit log on disk is the record.
func (m *Moderation) postAudit(ctx context.Context, recs []curate.AuditRecord) {
	if m.rest == nil || len(recs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	var chunks []string
	var b strings.Builder
	for _, r := range recs {
		line := cutText(auditLine(r), maxContent)
		if b.Len() > 0 && discordLen(b.String())+1+discordLen(line) > maxContent {
			chunks = append(chunks, b.String())
			b.Reset()
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	chunks = append(chunks, b.String())
	for _, c := range chunks {
		err := restPolicy{}.do(ctx, restCall{deadline: time.Now().Add(messageWindow)}, func(opts ...discordgo.RequestOption) error {
			_, err := m.rest.ChannelMessageSendComplex(m.cfg.AuditChannelID,
				&discordgo.MessageSend{Content: c, AllowedMentions: noMentions()}, opts...)
			return err
		})
		if err != nil {
			m.log.Error("posting to the audit channel failed", "channel", m.cfg.AuditChannelID, "err", err)
		}
	}
}

// codeText makes s safe inside a `code span`.
func codeText(s string) string { return strings.ReplaceAll(s, "`", "'") }
