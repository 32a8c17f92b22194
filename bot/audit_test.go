package bot_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
)

// auditLines returns the records of the audit log as "phase action doc by actor".
func auditLines(t *testing.T, dataDir string) []string {
	t.Helper()
	recs, err := bot.ReadAuditAll(filepath.Join(dataDir, curate.AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		out = append(out, r.Phase+" "+r.Action+" "+r.Doc+" by "+r.Actor)
	}
	return out
}

// TestAuditIntentBeforeChange is finding 4: a Confirm writes an intent before the file
// and the outcome after; when the audit log cannot be written, Confirm fails with nothing
// changed; a change of synonyms.txt is recorded; a change the command line made and
// recorded while the bot ran is not recorded again by the next refresh, and a hand edit
// is credited to "watch".
func TestAuditIntentBeforeChange(t *testing.T) {
	content := newContentServer(t)
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	dataDir := t.TempDir()
	h := startModeration(t, nil, seedCorpus(t), dataDir, []string{"127.0.0.1"}, clock)
	memo := discordtest.Attachment{ID: "500000000000000001", Filename: "memo.md", Size: 300, URL: content.srv.URL + "/files/memo.md"}

	p, msg := h.preview(t, modPerm, discordtest.Opt{Name: "file", Value: memo})
	ok, _ := p.Button("corpus:ok:")
	h.clickAs(t, modPerm, msg, ok.CustomID)
	id := "added/2026-11-26-isfahan-memo-yellowcake"
	want := []string{"intent added " + id + " by " + modPerm.ID, "done added " + id + " by " + modPerm.ID}
	if got := auditLines(t, dataDir); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log after Confirm:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	recs, _ := bot.ReadAuditAll(filepath.Join(dataDir, curate.AuditFile))
	if len(recs) == 2 && (recs[0].Change == "" || recs[0].Change != recs[1].Change) {
		t.Errorf("intent and outcome are not tied by one change id: %q %q", recs[0].Change, recs[1].Change)
	}

	// The command line adds a document and records it, as `standoff corpus add` does.
	cli := curate.Actor{ID: "cli:ops", Name: "ops", Via: "cli"}
	other, err := curate.OpenAudit(filepath.Join(dataDir, curate.AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := corpus.LoadDir(t.Context(), h.corpusDir)
	doc := "---\ntitle: Kashan depot\n---\n\nThe Kashan storage depot keeps its drums under guard.\n"
	plan := curate.Planned{Action: "added", Doc: "cli/kashan", Path: "cli/kashan.md", Title: "Kashan depot", Hash: corpus.Hash([]byte(doc))}
	change, err := other.Intent(cli, "add", "kashan.md", plan, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := (corpus.Store{Dir: h.corpusDir}).Write(plan.Path, []byte(doc)); err != nil {
		t.Fatal(err)
	}
	after, _ := corpus.LoadDir(t.Context(), h.corpusDir)
	if _, err := other.Record(curate.Recording{Who: cli, Command: "add", Change: change, Plan: &plan, Found: cli, Changes: corpus.Diff(before, after)}, clock.Now()); err != nil {
		t.Fatal(err)
	}
	other.Close()
	// A hand edit, and synonyms.
	if err := os.WriteFile(filepath.Join(h.corpusDir, "hand.md"), []byte("---\ntitle: Hand\n---\n\nWritten by hand about Arak.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.corpusDir, "synonyms.txt"), []byte("breakout, break-out\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, refreshed := h.corpusCmd(t, modRoleMember, "refresh")
	if !strings.Contains(refreshed.Content, "Corpus refreshed") {
		t.Fatalf("refresh: %s", refreshed.Sprint())
	}
	want = append(want, "intent added cli/kashan by cli:ops", "done added cli/kashan by cli:ops",
		"done added hand by watch", "done added synonyms by watch")
	if got := auditLines(t, dataDir); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log after the refresh:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The audit log cannot be written: Confirm changes nothing.
	other2 := discordtest.Attachment{ID: "500000000000000002", Filename: "other.md", Size: 80, URL: content.srv.URL + "/files/other.md"}
	p, msg = h.preview(t, modPerm, discordtest.Opt{Name: "file", Value: other2})
	files := corpusFiles(t, h.corpusDir)
	h.mod.Close() // the audit log's file is closed: every write fails
	ok, _ = p.Button("corpus:ok:")
	_, done := h.clickAs(t, modPerm, msg, ok.CustomID)
	if !strings.Contains(done.Content, "audit log cannot be written") || !strings.Contains(done.Content, "nothing was changed") {
		t.Errorf("Confirm without an audit log: %q", done.Content)
	}
	if got := corpusFiles(t, h.corpusDir); got != files {
		t.Errorf("the corpus folder changed:\n%s\nwas\n%s", got, files)
	}
	if got := h.askDocs(t, "Kashan storage depot guards"); len(got) > 0 && strings.HasPrefix(got[0], "added/") {
		t.Errorf("/ask cites %v: the document that could not be recorded is served", got)
	}
}

// TestAuditReconcile: an intent that a crash left without an outcome is settled when
// moderation starts: done when the file is as intended, aborted otherwise, once.
func TestAuditReconcile(t *testing.T) {
	corpusDir, dataDir := seedCorpus(t), t.TempDir()
	log, err := curate.OpenAudit(filepath.Join(dataDir, curate.AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	who := curate.Actor{ID: "700000000000000012", Via: "discord"}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	doc := []byte("---\ntitle: Made\n---\n\nThis change was made before the crash.\n")
	made := curate.Planned{Action: "added", Doc: "added/made", Path: "added/made.md", Title: "Made", Hash: corpus.Hash(doc)}
	lost := curate.Planned{Action: "added", Doc: "added/lost", Path: "added/lost.md", Title: "Lost", Hash: corpus.Hash([]byte("x"))}
	gone := curate.Planned{Action: "removed", Doc: "glossary", Path: "glossary.md", Title: "Glossary", Hash: "h"}
	for _, p := range []curate.Planned{made, lost, gone} {
		if _, err := log.Intent(who, "add", "", p, now); err != nil {
			t.Fatal(err)
		}
	}
	log.Close()
	if err := (corpus.Store{Dir: corpusDir}).Write(made.Path, doc); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a second start settles nothing more
		h := startModeration(t, nil, corpusDir, dataDir, nil, &fakeClock{t: now})
		h.stop()
	}
	want := []string{
		"intent added added/made by " + who.ID, "intent added added/lost by " + who.ID, "intent removed glossary by " + who.ID,
		"done added added/made by " + who.ID, "aborted added added/lost by " + who.ID, "aborted removed glossary by " + who.ID,
	}
	if got := auditLines(t, dataDir); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
