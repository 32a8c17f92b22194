package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/corpus"
)

// AuditFile is the JSON-lines log of every change of the corpus, in the data folder.
const AuditFile = "audit.jsonl"

// AuditRecord is one line of AuditFile: one document added, updated or removed.
type AuditRecord struct {
	Time     time.Time `json:"time"`
	Actor    string    `json:"actor"` // Discord user id, "cli:<user>" or "watch"
	Name     string    `json:"name,omitempty"`
	Via      string    `json:"via"` // discord, cli or watch
	Guild    string    `json:"guild,omitempty"`
	Command  string    `json:"command"` // add, remove or refresh: what made the change
	Action   string    `json:"action"`  // added, updated or removed
	Doc      string    `json:"doc"`
	Path     string    `json:"path"`
	Title    string    `json:"title"`
	Hash     string    `json:"hash"` // sha256 of the file written, or of the file removed
	Source   string    `json:"source,omitempty"`
	Passages struct {
		Added   int `json:"added"`
		Updated int `json:"updated"`
		Removed int `json:"removed"`
	} `json:"passages"`
}

// AuditLog appends AuditRecords to AuditFile; it is safe for concurrent use, and for
// several processes appending to the same file (each line is one write).
type AuditLog struct {
	j *journal
}

// OpenAudit opens (creating it if need be) the audit log at path.
func OpenAudit(path string) (*AuditLog, error) {
	j, err := openJournal(path)
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	return &AuditLog{j: j}, nil
}

// Record appends one record for each document that ch added, updated or removed, made by
// who with command at now, and returns them.
func (a *AuditLog) Record(who Actor, command, source string, ch corpus.Changes, now time.Time) ([]AuditRecord, error) {
	var recs []AuditRecord
	add := func(action string, list []corpus.DocChange) {
		for _, d := range list {
			r := AuditRecord{Time: now.UTC(), Actor: who.ID, Name: who.Name, Via: who.Via, Guild: who.Guild,
				Command: command, Action: action, Doc: d.ID, Path: d.Path, Title: d.Title, Hash: d.Hash}
			if action != "removed" {
				r.Source = source
			}
			r.Passages.Added, r.Passages.Updated, r.Passages.Removed = d.PassagesAdded, d.PassagesUpdated, d.PassagesRemoved
			recs = append(recs, r)
		}
	}
	add("added", ch.Added)
	add("updated", ch.Updated)
	add("removed", ch.Removed)
	var errs []error
	for _, r := range recs {
		if err := a.j.write(r); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return recs, fmt.Errorf("record audit: %w", err)
	}
	return recs, nil
}

// Close closes the log.
func (a *AuditLog) Close() error { return a.j.close() }

// auditLine is how a record is posted to the audit channel.
func auditLine(r AuditRecord) string {
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
func (m *Moderation) postAudit(ctx context.Context, recs []AuditRecord) {
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
		err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
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
