package bot_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
)

// startModerationRepo is startModeration with the corpus folder kept in a git
// repository.
func startModerationRepo(t *testing.T, corpusDir, dataDir string, allow []string, clock *fakeClock) (*modHarness, *gitcorpus.Repo) {
	t.Helper()
	repo, err := gitcorpus.Open(context.Background(), gitcorpus.Config{Dir: corpusDir})
	if err != nil {
		t.Fatal(err)
	}
	h := startModerationIn(t, nil, corpusDir, dataDir, allow, clock, []string{guildID},
		func(o *bot.ModerationOptions) { o.Repo = repo })
	return h, repo
}

// TestCorpusHistoryUndo adds a document with /corpus add, finds the commit in /corpus
// history, undoes it with /corpus undo and Confirm, and is refused a second undo.
func TestCorpusHistoryUndo(t *testing.T) {
	ctx := context.Background()
	content := newContentServer(t)
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	dataDir := t.TempDir()
	h, repo := startModerationRepo(t, seedCorpus(t), dataDir, []string{"127.0.0.1"}, clock)
	memo := discordtest.Attachment{ID: "500000000000000001", Filename: "memo.md", Size: 300, URL: content.srv.URL + "/files/memo.md"}
	const memoID = "added/2026-11-26-isfahan-memo-yellowcake"
	const question = "what is the Isfahan memorandum on yellowcake?"

	p, msg := h.preview(t, modPerm, discordtest.Opt{Name: "file", Value: memo})
	ok, _ := p.Button("corpus:ok:")
	h.clickAs(t, modPerm, msg, ok.CustomID)
	if got := h.askDocs(t, question); len(got) == 0 || got[0] != memoID {
		t.Fatalf("/ask cites %v, want %s first", got, memoID)
	}

	// The commit says what the audit log says, by whom.
	hist, err := repo.History(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	added := hist[0]
	if want := "corpus add: added " + memoID + " — Isfahan memo: yellowcake"; added.Subject != want {
		t.Errorf("commit subject %q, want %q", added.Subject, want)
	}
	if added.Author != "morgan" || !slices.Contains(added.Trailers, gitcorpus.Trailer{Key: "Discord-User", Value: "morgan (" + modPerm.ID + ")"}) {
		t.Errorf("commit author %q, trailers %v", added.Author, added.Trailers)
	}
	recs, err := bot.ReadAudit(filepath.Join(dataDir, curate.AuditFile))
	if err != nil || len(recs) != 1 || recs[0].Doc != memoID || recs[0].Path != added.Files[0].Path {
		t.Errorf("audit %+v (%v) does not agree with the commit's files %v", recs, err, added.Files)
	}

	_, p = h.corpusCmd(t, modPerm, "history")
	if len(p.Embeds) == 0 || !strings.Contains(p.Embeds[0].Description, added.Short) || !strings.Contains(p.Embeds[0].Description, "morgan") {
		t.Fatalf("/corpus history:\n%s", p.Sprint())
	}
	_, p = h.corpusCmd(t, member, "history")
	if !strings.Contains(p.Content, "only moderators") {
		t.Errorf("/corpus history by a member: %q", p.Content)
	}

	call, p := h.corpusCmd(t, modPerm, "undo", discordtest.Opt{Name: "change", Value: added.Short})
	confirm, found := p.Button("corpus:undo:")
	if !found || len(p.Embeds) == 0 || !strings.Contains(p.Embeds[0].Description, "remove `"+memoID+".md`") {
		t.Fatalf("undo preview:\n%s", p.Sprint())
	}
	if got := h.askDocs(t, question); len(got) == 0 || got[0] != memoID {
		t.Fatalf("the preview changed the corpus: /ask cites %v", got)
	}
	_, done := h.clickAs(t, modPerm, call.MessageID, confirm.CustomID)
	if !strings.Contains(done.Content, "Undone") {
		t.Fatalf("undo confirm:\n%s", done.Sprint())
	}
	if got := h.askDocs(t, question); slices.Contains(got, memoID) {
		t.Errorf("/ask still cites %s after the undo: %v", memoID, got)
	}
	hist, _ = repo.History(ctx, 1)
	if !strings.HasPrefix(hist[0].Subject, "corpus undo: add: added "+memoID) || hist[0].Author != "morgan" {
		t.Errorf("undo commit %q by %q", hist[0].Subject, hist[0].Author)
	}

	// A second undo of the same change is refused: the document changed since.
	call, p = h.corpusCmd(t, modPerm, "undo", discordtest.Opt{Name: "change", Value: added.ID})
	confirm, _ = p.Button("corpus:undo:")
	_, done = h.clickAs(t, modPerm, call.MessageID, confirm.CustomID)
	if !strings.Contains(done.Content, "Not undone") || !strings.Contains(done.Content, "Nothing was changed") {
		t.Errorf("second undo: %q", done.Content)
	}
	for _, bad := range []string{"0000000", "not-a-commit"} {
		_, p = h.corpusCmd(t, modPerm, "undo", discordtest.Opt{Name: "change", Value: bad})
		if !strings.Contains(p.Content, "no change") || len(p.Buttons()) != 0 {
			t.Errorf("/corpus undo %s: %s", bad, p.Sprint())
		}
	}

	id := h.srv.Slash(alice, inGuild, "about")
	_, p, err = h.srv.Response(timeout, id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := field(p, "Corpus commit"), "`"+repo.Head()[:10]+"`"; got != want {
		t.Errorf("/about corpus commit %q, want %q", got, want)
	}
}

// TestUndoPreviewOwnedAndExpiring is finding 9 of issue 17: the Confirm of /corpus undo
// names a stored preview, not the change, so that only the moderator who was shown it can
// confirm it, before it expires. Another moderator's click, a forged click that names the
// change itself, and a click after the preview expired are refused, with nothing changed;
// the preview's own moderator then undoes the change with a fresh one.
func TestUndoPreviewOwnedAndExpiring(t *testing.T) {
	ctx := context.Background()
	content := newContentServer(t)
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	h, repo := startModerationRepo(t, seedCorpus(t), t.TempDir(), []string{"127.0.0.1"}, clock)
	memo := discordtest.Attachment{ID: "500000000000000001", Filename: "memo.md", Size: 300, URL: content.srv.URL + "/files/memo.md"}
	const memoID = "added/2026-11-26-isfahan-memo-yellowcake"
	const question = "what is the Isfahan memorandum on yellowcake?"
	p, msg := h.preview(t, modPerm, discordtest.Opt{Name: "file", Value: memo})
	ok, _ := p.Button("corpus:ok:")
	h.clickAs(t, modPerm, msg, ok.CustomID)
	hist, err := repo.History(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	added, head := hist[0], repo.Head()
	unchanged := func(what string) {
		t.Helper()
		if repo.Head() != head {
			t.Fatalf("%s: the corpus's history moved", what)
		}
		if got := h.askDocs(t, question); len(got) == 0 || got[0] != memoID {
			t.Fatalf("%s: /ask cites %v, want %s first: the change was undone", what, got, memoID)
		}
	}

	call, p := h.corpusCmd(t, modPerm, "undo", discordtest.Opt{Name: "change", Value: added.Short})
	confirm, found := p.Button("corpus:undo:")
	cancel, _ := p.Button("corpus:undo-no:")
	if !found || strings.Contains(confirm.CustomID, added.ID) || strings.Contains(confirm.CustomID, added.Short) ||
		!strings.Contains(p.Content, "The preview expires <t:") {
		t.Fatalf("undo preview:\n%s", p.Sprint())
	}
	for _, click := range []struct {
		who      discordtest.Member
		customID string
		want     string
	}{
		{modRoleMember, confirm.CustomID, "only the moderator who made this preview"},
		{modRoleMember, cancel.CustomID, "only the moderator who made this preview"},
		{modRoleMember, "corpus:undo:" + added.ID, "already confirmed or cancelled, or is unknown"},
		{modPerm, "corpus:undo:" + added.Short, "already confirmed or cancelled, or is unknown"},
		{modPerm, "corpus:undo:" + strings.Repeat("0", 16), "already confirmed or cancelled, or is unknown"},
		{member, confirm.CustomID, "only moderators"},
	} {
		var got discordtest.Payload
		if click.customID == confirm.CustomID || click.customID == cancel.CustomID {
			_, got = h.clickAs(t, click.who, call.MessageID, click.customID)
		} else { // a forged button, on no message of the bot's
			var err error
			if _, got, err = h.srv.Response(20*time.Second, h.srv.ClickFrom(click.who, inGuild, click.customID)); err != nil {
				t.Fatal(err)
			}
		}
		if !strings.Contains(got.Content, click.want) {
			t.Errorf("%s pressing %s: %q, want %q", click.who.Name, click.customID, got.Content, click.want)
		}
		unchanged(click.who.Name + " pressing " + click.customID)
	}

	clock.Advance(2 * time.Hour)
	_, got := h.clickAs(t, modPerm, call.MessageID, confirm.CustomID)
	if !strings.Contains(got.Content, "This preview has expired") || !strings.Contains(got.Content, "nothing was undone") {
		t.Errorf("Confirm after the preview expired: %q", got.Content)
	}
	unchanged("Confirm after the preview expired")

	call, p = h.corpusCmd(t, modPerm, "undo", discordtest.Opt{Name: "change", Value: added.Short})
	confirm, _ = p.Button("corpus:undo:")
	_, done := h.clickAs(t, modPerm, call.MessageID, confirm.CustomID)
	if !strings.Contains(done.Content, "Undone") {
		t.Fatalf("undo confirm:\n%s", done.Sprint())
	}
	if got := h.askDocs(t, question); slices.Contains(got, memoID) {
		t.Errorf("/ask still cites %s after the undo: %v", memoID, got)
	}
	// The preview is spent: a second press (of a stale copy of the message) changes
	// nothing more.
	head = repo.Head()
	_, again, err := h.srv.Response(20*time.Second, h.srv.ClickFrom(modPerm, inGuild, confirm.CustomID))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(again.Content, "already confirmed") || repo.Head() != head {
		t.Errorf("a second Confirm: %q, head moved %v", again.Content, repo.Head() != head)
	}
}
