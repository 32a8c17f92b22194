package bot_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus/curate"
)

// TestPreviewsLimitedAndSwept is finding 5: a moderator may keep only a few previews
// waiting, and all moderators together a few more; expired previews are removed by a
// timer, without a restart, which frees the places.
func TestPreviewsLimitedAndSwept(t *testing.T) {
	content := newContentServer(t)
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	dataDir := t.TempDir()
	h := startModerationIn(t, nil, seedCorpus(t), dataDir, []string{"127.0.0.1"}, clock, []string{guildID},
		func(o *bot.ModerationOptions) {
			o.MaxPendingPerMember, o.MaxPending, o.SweepEvery = 2, 3, 10*time.Millisecond
		})
	file := func(n int) discordtest.Opt {
		names := []string{"memo.md", "other.md", "near.md"}
		return discordtest.Opt{Name: "file", Value: discordtest.Attachment{ID: fmt.Sprintf("50000000000000000%d", n),
			Filename: names[n%3], Size: 300, URL: content.srv.URL + "/files/" + names[n%3]}}
	}
	pending := func() int {
		entries, _ := os.ReadDir(filepath.Join(dataDir, curate.PendingDir))
		return len(entries) / 2
	}
	h.preview(t, modPerm, file(0))
	h.preview(t, modPerm, file(1))
	_, p := h.corpusCmd(t, modPerm, "add", file(2))
	if !strings.Contains(p.Content, "2 of your previews are waiting") {
		t.Errorf("third preview of one moderator: %q, want a refusal", p.Content)
	}
	h.preview(t, modRoleMember, file(2))
	_, p = h.corpusCmd(t, modRoleMember, "add", file(0))
	if !strings.Contains(p.Content, "3 previews are waiting for moderators") {
		t.Errorf("a preview over the total: %q, want a refusal", p.Content)
	}
	if n := pending(); n != 3 {
		t.Errorf("%d previews wait, want 3", n)
	}
	clock.Advance(2 * time.Hour)
	if !h.srv.WaitUntil(10*time.Second, func() bool { return pending() == 0 }) {
		t.Fatalf("%d expired previews are still there", pending())
	}
	h.preview(t, modPerm, file(0))
}
