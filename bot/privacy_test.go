package bot_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
)

// TestLogsKeepHashesAndArePruned is finding 2 (second part): the feedback log keeps a
// member's keyed hash, never the id (older lines in clear are rewritten), the key is made
// 0600 in the data folder, and lines older than STANDOFF_RETENTION_DAYS are removed from
// both logs when the bot starts.
func TestLogsKeepHashesAndArePruned(t *testing.T) {
	srv := discordtest.New()
	t.Cleanup(srv.Close)
	data := t.TempDir()
	now := time.Unix(1_750_000_000, 0).UTC() // the harness's clock
	old, recent := now.AddDate(0, 0, -31), now.AddDate(0, 0, -29)
	write := func(name string, lines ...any) {
		var b strings.Builder
		for _, l := range lines {
			j, _ := json.Marshal(l)
			b.Write(j)
			b.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(data, name), []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(bot.FeedbackFile,
		bot.Vote{Time: old, User: "700000000000000099", Guild: guildID, Message: "1", Question: "an old vote", Vote: "up"},
		bot.Vote{Time: recent, User: alice.ID, Guild: guildID, Message: "2", Question: "a recent vote", Vote: "down"})
	write(bot.QuestionsFile,
		bot.QuestionRecord{Time: old, Guild: guildID, Question: "an old question"},
		bot.QuestionRecord{Time: recent, Guild: guildID, Question: "a recent question"})

	h := start(t, srv, testAnswerer{Answerer: realIndex}, data, bot.Options{})
	call, p := h.ask(t, alice, "what is breakout time?")
	if len(p.Embeds) == 0 {
		t.Fatalf("no answer: %s", p.Sprint())
	}
	h.click(t, alice, call.MessageID, "vote:up")
	h.stop()

	raw, err := os.ReadFile(filepath.Join(data, bot.FeedbackFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), alice.ID) || strings.Contains(string(raw), "700000000000000099") {
		t.Errorf("the feedback log holds a member id:\n%s", raw)
	}
	votes := readLines[bot.Vote](t, filepath.Join(data, bot.FeedbackFile))
	if len(votes) != 2 {
		t.Fatalf("%d votes, want the recent one and the new one:\n%s", len(votes), raw)
	}
	if votes[0].Question != "a recent vote" || votes[0].User != votes[1].User || !strings.HasPrefix(votes[0].User, "h:") {
		t.Errorf("votes %+v: want the recent vote kept, and alice's two votes under one hash", votes)
	}
	qs := readLines[bot.QuestionRecord](t, filepath.Join(data, bot.QuestionsFile))
	if len(qs) != 2 || qs[0].Question != "a recent question" || qs[1].Question != "what is breakout time?" {
		t.Errorf("questions log %+v, want the recent question and the new one", qs)
	}
	fi, err := os.Stat(filepath.Join(data, bot.JournalKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != 32 {
		t.Errorf("journal key: %v %v, want 32 bytes, 0600", err, fi)
	}
}
