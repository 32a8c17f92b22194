package bot_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus/curate"
)

// otherGuild is a guild the bot is in that is not an admin guild.
const otherGuild = "800000000000000009"

var inOther = discordtest.Place{GuildID: otherGuild, ChannelID: "800000000000000010"}

// hasCommand reports whether cmds has a command called name.
func hasCommand(cmds []map[string]any, name string) bool {
	for _, c := range cmds {
		if c["name"] == name {
			return true
		}
	}
	return false
}

// TestCorpusOnlyInAdminGuilds is finding 1: a member with Manage Server (or
// Administrator) of a guild that is not an admin guild can neither see /corpus (it is
// registered only in the admin guild, never globally) nor use it through a stale
// registration: remove, add, list, gaps, autocomplete and the preview buttons are all
// refused with nothing changed; so is a direct message.
func TestCorpusOnlyInAdminGuilds(t *testing.T) {
	content := newContentServer(t)
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	dataDir := t.TempDir()
	h := startModeration(t, nil, seedCorpus(t), dataDir, []string{"127.0.0.1"}, clock)
	srv := h.srv

	if !hasCommand(srv.Commands(guildID), "corpus") {
		t.Errorf("/corpus is not registered in the admin guild")
	}
	if !hasCommand(srv.Commands(guildID), "ask") {
		t.Errorf("/ask is not registered in the guild")
	}
	for _, g := range []string{"", otherGuild} {
		if hasCommand(srv.Commands(g), "corpus") {
			t.Errorf("/corpus is registered in %q, want the admin guild only", g)
		}
	}

	outsider := discordtest.Member{User: discordtest.User{ID: "700000000000000021", Name: "eve"},
		Permissions: discordtest.PermManageServer | discordtest.PermAdministrator, Roles: []string{modRole}}
	memo := discordtest.Attachment{ID: "500000000000000001", Filename: "memo.md", Size: 300, URL: content.srv.URL + "/files/memo.md"}
	before := corpusFiles(t, h.corpusDir)
	hits := content.hits.Load()

	for _, tc := range []struct {
		name string
		opts []discordtest.Opt
	}{
		{"remove", []discordtest.Opt{{Name: "doc", Value: "glossary"}}},
		{"add", []discordtest.Opt{{Name: "file", Value: memo}}},
		{"add", []discordtest.Opt{{Name: "url", Value: content.srv.URL + "/article.html"}}},
		{"refresh", nil}, {"list", nil}, {"gaps", nil},
	} {
		for _, place := range []discordtest.Place{inOther, inDM} {
			id := srv.Subcommand(outsider, place, "corpus", tc.name, tc.opts...)
			_, p, err := srv.Response(timeout, id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Type != 4 || !strings.Contains(p.Content, "Nothing was changed") && !strings.Contains(p.Content, "not in direct messages") {
				t.Errorf("/corpus %s from %q: type %d %q, want a refusal", tc.name, place.GuildID, p.Type, p.Content)
			}
			if len(p.Embeds) > 0 {
				t.Errorf("/corpus %s from %q showed %s", tc.name, place.GuildID, p.Sprint())
			}
		}
	}
	id := srv.SubcommandAutocomplete(outsider, inOther, "corpus", "remove", "doc", "g")
	if _, p, err := srv.Response(timeout, id); err != nil || len(p.Choices) != 0 {
		t.Errorf("autocomplete from another guild: %v, %d choices, want none", err, len(p.Choices))
	}

	// A preview made in the admin guild cannot be confirmed from elsewhere, even by a
	// click carrying its custom id.
	p, _ := h.preview(t, modPerm, discordtest.Opt{Name: "file", Value: memo})
	ok, _ := p.Button("corpus:ok:")
	hits = content.hits.Load()
	for _, place := range []discordtest.Place{inOther, inDM} {
		who := outsider
		who.User = modPerm.User // the same person, in another guild
		cid := srv.ClickFrom(who, place, ok.CustomID)
		if _, p, err := srv.Response(timeout, cid); err != nil || !strings.Contains(p.Content, "Nothing was changed") && !strings.Contains(p.Content, "not in direct messages") {
			t.Errorf("Confirm from %q: %v %q, want a refusal", place.GuildID, err, p.Content)
		}
	}
	if after := corpusFiles(t, h.corpusDir); after != before {
		t.Errorf("the corpus folder changed:\n%s\nwas\n%s", after, before)
	}
	if n := content.hits.Load() - hits; n != 0 {
		t.Errorf("%d downloads made for refused commands", n)
	}
	if recs, _ := bot.ReadAudit(filepath.Join(dataDir, curate.AuditFile)); len(recs) != 0 {
		t.Errorf("the audit log has %d records after refusals, want none", len(recs))
	}
	if entries, _ := os.ReadDir(filepath.Join(dataDir, curate.PendingDir)); len(entries) != 2 {
		t.Errorf("pending folder holds %d files, want the one preview's 2", len(entries))
	}
	if got := h.askDocs(t, "what is breakout time?"); len(got) == 0 || got[0] != "glossary" {
		t.Errorf("/ask cites %v, want the glossary", got)
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("breaches of Discord's rules: %v", v)
	}
}

// TestCorpusOffWithoutAdminGuild: with no admin guild, /corpus is registered nowhere and
// refused everywhere, while /ask stays.
func TestCorpusOffWithoutAdminGuild(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	h := startModerationIn(t, nil, seedCorpus(t), t.TempDir(), nil, clock, nil)
	if hasCommand(h.srv.Commands(guildID), "corpus") || hasCommand(h.srv.Commands(""), "corpus") {
		t.Errorf("/corpus is registered without an admin guild")
	}
	if !hasCommand(h.srv.Commands(guildID), "ask") {
		t.Errorf("/ask is not registered")
	}
	id := h.srv.Subcommand(modPerm, inGuild, "corpus", "remove", discordtest.Opt{Name: "doc", Value: "glossary"})
	if _, p, err := h.srv.Response(timeout, id); err != nil || !strings.Contains(p.Content, "Nothing was changed") {
		t.Errorf("/corpus remove without an admin guild: %v %q", err, p.Content)
	}
	if got := h.askDocs(t, "what is breakout time?"); len(got) == 0 || got[0] != "glossary" {
		t.Errorf("/ask cites %v, want the glossary", got)
	}
}

// TestConfirmBelongsToItsModerator is finding 12 (first part): another moderator cannot
// confirm or cancel someone else's preview; its owner still can.
func TestConfirmBelongsToItsModerator(t *testing.T) {
	content := newContentServer(t)
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	h := startModeration(t, nil, seedCorpus(t), t.TempDir(), []string{"127.0.0.1"}, clock)
	memo := discordtest.Attachment{ID: "500000000000000001", Filename: "memo.md", Size: 300, URL: content.srv.URL + "/files/memo.md"}
	p, msg := h.preview(t, modPerm, discordtest.Opt{Name: "file", Value: memo})
	before := corpusFiles(t, h.corpusDir)
	for _, prefix := range []string{"corpus:ok:", "corpus:no:"} {
		b, _ := p.Button(prefix)
		_, got := h.clickAs(t, modRoleMember, msg, b.CustomID)
		if !strings.Contains(got.Content, "only the moderator who made this preview") {
			t.Errorf("%s by another moderator: %q, want a polite no", prefix, got.Content)
		}
	}
	if after := corpusFiles(t, h.corpusDir); after != before {
		t.Errorf("another moderator's click changed the corpus")
	}
	ok, _ := p.Button("corpus:ok:")
	_, done := h.clickAs(t, modPerm, msg, ok.CustomID)
	if !strings.Contains(done.Content, "Document added") {
		t.Errorf("the owner's Confirm: %s", done.Sprint())
	}
}
