package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The conversation memory keeps one question per member and channel, forgets it after
// the window, holds at most max conversations (the oldest go first) and cuts long
// questions.
func TestConversationsBounds(t *testing.T) {
	now := time.Unix(1_750_000_000, 0)
	c := newConversations(func() time.Time { return now })
	c.max = 100
	c.remember("u1", "c1", "what is snapback?")
	c.remember("u1", "c1", "what is breakout time?")
	if got := c.previous("u1", "c1"); got != "what is breakout time?" {
		t.Errorf("previous = %q, want the last question", got)
	}
	if got := c.previous("u2", "c1") + c.previous("u1", "c2"); got != "" {
		t.Errorf("another member or channel sees %q", got)
	}
	now = now.Add(followUpWindow)
	if got := c.previous("u1", "c1"); got != "" || c.size() != 0 {
		t.Errorf("after the window: %q, %d remembered", got, c.size())
	}
	for i := range 250 {
		c.remember(fmt.Sprint("u", i), "c", "q")
	}
	if c.size() != 100 || c.previous("u0", "c") != "" || c.previous("u249", "c") != "q" {
		t.Errorf("past the bound: %d remembered; the oldest should go first", c.size())
	}
	c.remember("long", "c", strings.Repeat("é", 5000))
	if got := []rune(c.previous("long", "c")); len(got) != maxRememberedRunes {
		t.Errorf("a long question is remembered with %d runes, want %d", len(got), maxRememberedRunes)
	}
	c.remember("", "c", "q")
	c.remember("u", "", "q")
	if c.previous("", "c") != "" || c.previous("u", "") != "" {
		t.Error("a question without a member or channel was remembered")
	}
}

// BenchmarkConversations measures the memory's cost per question: a previous and a
// remember, with the memory full.
func BenchmarkConversations(b *testing.B) {
	c := newConversations(nil)
	for i := range maxConversations {
		c.remember(fmt.Sprint("u", i), "c", "what did the United States do to Fordow?")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		u := fmt.Sprint("u", i%(2*maxConversations))
		c.previous(u, "c")
		c.remember(u, "c", "when was that (United States to Fordow)?")
	}
}
