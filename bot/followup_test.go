package bot_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
)

// text is what a payload shows: its content and its embeds' titles, descriptions and
// fields.
func text(p discordtest.Payload) string {
	var b strings.Builder
	b.WriteString(p.Content)
	for _, e := range p.Embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + ": " + f.Value)
		}
	}
	return b.String()
}

// "when was that?" by the same member in the same channel, after a question about
// Fordow, is read with it: the reply says how, and answers with the strikes' date. The
// same words by another member, or after the window, stand alone; More pages on the
// reading.
func TestFollowUpByAsk(t *testing.T) {
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{NoRateLimit: true})
	bob := discordtest.User{ID: "700000000000000002", Name: "bob"}

	_, first := h.ask(t, alice, "what did the United States do to Fordow?")
	if strings.Contains(first.Content, "Reading this as") {
		t.Fatalf("the first question was read as a follow-up: %s", first.Content)
	}
	call, p := h.ask(t, alice, "when was that?")
	if !strings.HasPrefix(p.Content, "**❓ when was that?**\nReading this as: when was that (United States to Fordow)?\n") {
		t.Errorf("the follow-up does not say how it was read: %q", p.Content)
	}
	if !strings.Contains(text(p), "22 June 2025") {
		t.Errorf("the follow-up is not answered with the strikes' date:\n%s", text(p))
	}

	// Another member's "when was that?" leans on nothing of theirs.
	_, other := h.ask(t, bob, "when was that?")
	if strings.Contains(other.Content, "Reading this as") {
		t.Errorf("another member's question was read with alice's: %q", other.Content)
	}

	// More pages on the reading, not on the bare words.
	if more, ok := p.Button("page:"); ok {
		_, page := h.click(t, alice, call.MessageID, more.CustomID)
		if !strings.HasPrefix(page.Content, "**❓ when was that (United States to Fordow)?**") || len(page.Embeds) == 0 {
			t.Errorf("page 2 of the follow-up: %s", page.Sprint())
		}
	} else if call.MessageID != "" {
		t.Logf("the follow-up has one page only")
	}

	// After the window, the same words stand alone.
	h.ask(t, alice, "what is snapback?")
	h.clock.Advance(6 * time.Minute)
	_, late := h.ask(t, alice, "when was it triggered?")
	if strings.Contains(late.Content, "Reading this as") {
		t.Errorf("a question six minutes later was read as a follow-up: %q", late.Content)
	}
	// A stand-alone question right after another is answered as it is.
	h.ask(t, alice, "what is snapback?")
	_, alone := h.ask(t, alice, "what is breakout time?")
	if strings.Contains(alone.Content, "Reading this as") || !strings.Contains(text(alone), "Breakout time") {
		t.Errorf("a stand-alone question was changed: %s", alone.Sprint())
	}
	if v := h.srv.Violations(); len(v) > 0 {
		t.Errorf("Discord's rules broken: %v", v)
	}
	// The conversation is never logged with the member's id.
	for _, line := range strings.Split(h.logs.String(), "\n") {
		if strings.Contains(line, "United States to Fordow") && strings.Contains(line, alice.ID) {
			t.Errorf("the reading of a follow-up is logged with the member's id: %s", line)
		}
	}
}

// The two questions as mentions in a thread: both replies stay in the thread, and the
// second is read with the first. A direct message does the same.
func TestFollowUpByMentionInThread(t *testing.T) {
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{NoRateLimit: true})
	for _, place := range []discordtest.Place{
		{GuildID: guildID, ChannelID: "800000000000000077"}, // a thread: a channel of its own
		inDM,
	} {
		mention := "<@" + discordtest.BotUserID + "> "
		if place.GuildID == "" {
			mention = ""
		}
		id := h.srv.Post(alice, place, mention+"what did the United States do to Fordow?", place.GuildID != "")
		call, _, err := h.srv.Reply(timeout, id)
		if err != nil {
			t.Fatal(err)
		}
		if call.ChannelID != place.ChannelID {
			t.Errorf("the first reply went to channel %s, not %s", call.ChannelID, place.ChannelID)
		}
		id = h.srv.Post(alice, place, mention+"when was that?", place.GuildID != "")
		call, p, err := h.srv.Reply(timeout, id)
		if err != nil {
			t.Fatal(err)
		}
		if call.ChannelID != place.ChannelID {
			t.Errorf("the follow-up's reply went to channel %s, not %s", call.ChannelID, place.ChannelID)
		}
		if !strings.Contains(p.Content, "Reading this as: when was that (United States to Fordow)?") || !strings.Contains(text(p), "22 June 2025") {
			t.Errorf("in %s, the follow-up was not read with the first question:\n%s", place.ChannelID, text(p))
		}
	}
	// A mention in the parent channel leans on nothing said in the thread.
	id := h.srv.Post(alice, inGuild, "<@"+discordtest.BotUserID+"> when was that?", true)
	_, p, err := h.srv.Reply(timeout, id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(p.Content, "Reading this as") {
		t.Errorf("a question in the channel was read with one of the thread: %q", p.Content)
	}
}

// /about lists the permissions of the invite, with Send Messages in Threads, and links
// the invite; the README's invite asks for the same number.
func TestAboutPermissions(t *testing.T) {
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{NoRateLimit: true})
	id := h.srv.Slash(alice, inGuild, "about")
	_, p, err := h.srv.Response(timeout, id)
	if err != nil {
		t.Fatal(err)
	}
	want := strconv.FormatInt(bot.InvitePermissions, 10)
	all := text(p)
	for _, s := range []string{"Send Messages in Threads", "Create Public Threads", "client_id=" + discordtest.AppID, "permissions=" + want} {
		if !strings.Contains(all, s) {
			t.Errorf("/about lacks %q:\n%s", s, all)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "&permissions="+want+"\n") || strings.Contains(string(readme), "permissions=84992") {
		t.Errorf("the README's invite does not ask for permissions=%s", want)
	}
}
