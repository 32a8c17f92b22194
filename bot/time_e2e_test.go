package bot_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/index"
)

// TestTimeQuestionsEndToEnd asks questions about time through the fake Discord, on the
// test corpus of dated passages with the index's clock at 3 December 2026: the newest
// passage first with its date in the footer and the line that says it is old, nothing
// presented as this year's that is not, how far the corpus reaches when nothing
// answers, and in /help.
func TestTimeQuestionsEndToEnd(t *testing.T) {
	ctx := context.Background()
	c, err := corpus.Load(ctx, os.DirFS("../testdata/dated"))
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	ix, err := index.Open(ctx, index.Config{Now: func() time.Time { return today }}, c)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	h := start(t, nil, ix, "", bot.Options{Version: "test"})

	t.Run("the present: newest first, dated, and said to be old", func(t *testing.T) {
		_, p := h.ask(t, alice, "who is iran's supreme leader now?")
		if !strings.Contains(p.Content, "The newest passage on this is dated 8 March 2026; the corpus may not know what happened since.") {
			t.Errorf("no line about the newest passage's date:\n%s", p.Sprint())
		}
		if len(p.Embeds) == 0 || p.Embeds[0].Footer == nil || !strings.Contains(p.Embeds[0].Footer.Text, "dated 8 March 2026") ||
			!strings.Contains(p.Embeds[0].Description, "Mojtaba Khamenei") {
			t.Errorf("the succession of 8 March 2026 is not first, with its date:\n%s", p.Sprint())
		}
	})

	t.Run("this year is 2026", func(t *testing.T) {
		_, p := h.ask(t, alice, "did israel strike iran again this year")
		if len(p.Embeds) == 0 || !strings.Contains(p.Embeds[0].Footer.Text, "dated 28 February 2026") {
			t.Errorf("the strikes of 28 February 2026 are not first:\n%s", p.Sprint())
		}
	})

	t.Run("the latest news is not covered, and the reply says how far the corpus reaches", func(t *testing.T) {
		_, p := h.ask(t, alice, "what is the latest news?")
		if !strings.Contains(p.Content, "found no passage") || !strings.Contains(p.Content, "The corpus reaches to 1 July 2026") {
			t.Errorf("the not-covered reply does not say how far the corpus reaches:\n%s", p.Sprint())
		}
	})

	t.Run("an undated passage does not answer a question about now", func(t *testing.T) {
		_, p := h.ask(t, alice, "how is the president's health now")
		if !strings.Contains(p.Content, "Closest match") || !strings.Contains(p.Content, "No passage on this is dated") {
			t.Errorf("answered from an undated passage:\n%s", p.Sprint())
		}
	})

	t.Run("help says how far the corpus reaches", func(t *testing.T) {
		_, p, err := h.srv.Response(timeout, h.srv.Slash(alice, inGuild, "help"))
		if err != nil || len(p.Embeds) != 1 || !strings.Contains(p.Embeds[0].Description, "The corpus reaches to 1 July 2026") {
			t.Errorf("/help: %v\n%s", err, p.Sprint())
		}
	})
}
