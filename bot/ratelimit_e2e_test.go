package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
)

// TestRateLimitsCoverEverything is finding 6: empty mentions, votes and autocomplete are
// rate limited like questions, and "too fast" is said once a window, not to every
// message of a flood.
func TestRateLimitsCoverEverything(t *testing.T) {
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{RateEvery: 10 * time.Second, RateBurst: 2})
	srv := h.srv
	mallory := discordtest.User{ID: "700000000000000031", Name: "mallory"}

	t.Run("empty mentions", func(t *testing.T) {
		var ids []string
		for range 6 {
			ids = append(ids, srv.Post(mallory, inGuild, "<@"+discordtest.BotUserID+">", true))
		}
		if !srv.WaitUntil(timeout, func() bool { return h.bot.Stats().RateLimited == 4 }) {
			t.Fatalf("%d mentions limited, want 4 of 6", h.bot.Stats().RateLimited)
		}
		var how, fast int
		count := func() int {
			how, fast = 0, 0
			for _, id := range ids {
				_, p, err := srv.Reply(0, id)
				switch {
				case err != nil:
				case strings.Contains(p.Content, "try again in"):
					fast++
				case strings.Contains(p.Content, "Ask me a question"):
					how++
				}
			}
			return how + fast
		}
		srv.WaitUntil(timeout, func() bool { return count() >= 3 })
		count()
		if how != 2 || fast != 1 {
			t.Errorf("%d explanations and %d \"too fast\" replies to 6 bare mentions, want 2 and 1", how, fast)
		}
	})

	t.Run("votes", func(t *testing.T) {
		h.clock.Advance(time.Minute)
		call, p := h.ask(t, alice, "what is breakout time?")
		if len(p.Embeds) == 0 {
			t.Fatalf("no answer: %s", p.Sprint())
		}
		told, silent := 0, 0
		for i := range 8 {
			button := []string{"vote:up", "vote:down"}[i%2]
			id, err := srv.Click(mallory, call.MessageID, button)
			if err != nil {
				t.Fatal(err)
			}
			c, ok := srv.WaitCall(timeout, 0, func(c discordtest.Call) bool {
				return c.InteractionID == id && c.Kind == discordtest.KindCallback
			})
			if !ok {
				t.Fatalf("vote %d not answered", i+1)
			}
			p, _ := c.Payload()
			switch {
			case p.Type == 6:
				silent++
			case strings.Contains(p.Content, "try again in"):
				told++
			}
		}
		votes := readLines[bot.Vote](t, h.dataDir+"/"+bot.FeedbackFile)
		if len(votes) != 2 || told != 1 || silent != 5 {
			t.Errorf("8 alternating votes: %d recorded, told %d times, %d acknowledged silently; want 2, 1 and 5", len(votes), told, silent)
		}
	})

	t.Run("autocomplete", func(t *testing.T) {
		empty := 0
		for range 15 {
			id := srv.Autocomplete(mallory, inGuild, "ask", "question", "breakout")
			_, p, err := srv.Response(timeout, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Choices) == 0 {
				empty++
			}
		}
		if empty != 5 {
			t.Errorf("%d of 15 autocompletes without suggestions, want the 5 over the burst of 10", empty)
		}
	})
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("breaches of Discord's rules: %v", v)
	}
}
