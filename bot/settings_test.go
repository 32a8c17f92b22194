package bot_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
)

// Channels of the settings tests.
const (
	offChannel     = "800000000000000101"
	threadChannel  = "800000000000000102"
	privateChannel = "800000000000000103"
	noThreadsChan  = "800000000000000104"
	refusedChannel = "800000000000000105"
)

// settingsBot runs a bot whose channel settings live in corpusDir, a git repository, and
// are saved through the moderation of that folder; it answers from the default corpus.
func settingsBot(t *testing.T, srv *discordtest.Server, corpusDir, dataDir string, repo *gitcorpus.Repo) *harness {
	t.Helper()
	ctx := context.Background()
	c, err := corpus.LoadDir(ctx, corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := bot.Config{Token: discordtest.DefaultToken, APIURL: srv.URL, DataDir: dataDir, CorpusDir: corpusDir, AdminGuildIDs: []string{guildID}}
	rebuild := func(context.Context, *corpus.Corpus) (standoff.Stats, error) { return realIndex.Stats(), nil }
	mod, err := bot.NewModeration(cfg, c, realIndex.Stats(), rebuild, nil, bot.ModerationOptions{Repo: repo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mod.Close() })
	return start(t, srv, testAnswerer{Answerer: realIndex}, dataDir, bot.Options{NoRateLimit: true,
		Settings: bot.NewSettings(corpusDir, mod.SaveSettings, nil)})
}

// settingsCmd runs /settings sub as m in place p and returns the reply.
func settingsCmd(t *testing.T, h *harness, m discordtest.Member, p discordtest.Place, sub string, opts ...discordtest.Opt) discordtest.Payload {
	t.Helper()
	id := h.srv.Subcommand(m, p, "settings", sub, opts...)
	_, pl, err := h.srv.Response(timeout, id)
	if err != nil {
		t.Fatalf("/settings %s: %v\nlogs:\n%s", sub, err, h.logs.String())
	}
	if pl.Flags&64 == 0 {
		t.Errorf("/settings %s answered publicly: %s", sub, pl.Content)
	}
	return pl
}

// askIn dispatches /ask in channel and returns the reply.
func askIn(t *testing.T, h *harness, channel, q string, opts ...discordtest.Opt) discordtest.Payload {
	t.Helper()
	id := h.srv.Slash(alice, discordtest.Place{GuildID: guildID, ChannelID: channel}, "ask", append([]discordtest.Opt{{Name: "question", Value: q}}, opts...)...)
	_, p, err := h.srv.Response(timeout, id)
	if err != nil {
		t.Fatalf("/ask in %s: %v", channel, err)
	}
	return p
}

// dmMessages are the messages the bot sent to alice in a direct message.
func dmMessages(h *harness) []string {
	ch, ok := h.srv.DMChannel(alice.ID)
	if !ok {
		return nil
	}
	return h.srv.ChannelMessages(ch)
}

// /settings changes a guild's channels for members with Manage Server only, is stored
// in the corpus folder's settings.json and committed, is listed by /settings show, is
// honoured by /ask, mentions and Find sources, and still holds after a restart.
func TestChannelSettings(t *testing.T) {
	srv := discordtest.New(discordtest.WithHeartbeatInterval(timeout))
	t.Cleanup(srv.Close)
	corpusDir, dataDir := seedCorpus(t), t.TempDir()
	repo, err := gitcorpus.Open(context.Background(), gitcorpus.Config{Dir: corpusDir})
	if err != nil {
		t.Fatal(err)
	}
	h := settingsBot(t, srv, corpusDir, dataDir, repo)
	admin := discordtest.Member{User: discordtest.User{ID: "700000000000000009", Name: "admin"}, Permissions: discordtest.PermManageServer}
	member := discordtest.Member{User: alice}
	set := func(m discordtest.Member, p discordtest.Place, channel, replies string, private bool) discordtest.Payload {
		opts := []discordtest.Opt{{Name: "channel", Value: channel}, {Name: "replies", Value: replies}}
		if private {
			opts = append(opts, discordtest.Opt{Name: "private-by-default", Value: true})
		}
		return settingsCmd(t, h, m, p, "channel", opts...)
	}
	file := filepath.Join(corpusDir, corpus.SettingsFile)

	// Refused without Manage Server, and in a direct message.
	if p := set(member, inGuild, offChannel, "off", false); !strings.Contains(p.Content, "Only members with the Manage Server permission") {
		t.Errorf("a member without Manage Server: %q", p.Content)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("a refused /settings wrote %s: %v", file, err)
	}

	for _, s := range []struct {
		channel, replies string
		private          bool
	}{{offChannel, "off", false}, {threadChannel, "thread", false}, {privateChannel, "inline", true},
		{noThreadsChan, "thread", false}} {
		if p := set(admin, inGuild, s.channel, s.replies, s.private); !strings.HasPrefix(p.Content, "Done: in <#"+s.channel+">") {
			t.Errorf("/settings channel %s replies %s: %q", s.channel, s.replies, p.Content)
		}
	}
	// An admin of another guild changes that guild only.
	set(admin, discordtest.Place{GuildID: otherGuild, ChannelID: channelID}, offChannel, "thread", false)

	// Stored in the corpus folder, a file of its own, and committed.
	if data, err := os.ReadFile(file); err != nil || !strings.Contains(string(data), `"`+offChannel+`": {`) {
		t.Fatalf("settings.json: %v\n%s", err, data)
	}
	hist, err := repo.History(context.Background(), 10)
	if err != nil || len(hist) == 0 || !strings.HasPrefix(hist[0].Subject, "settings: replies thread in channel "+offChannel+" of guild "+otherGuild) {
		t.Errorf("the last commit of the corpus: %+v, %v", hist, err)
	}
	if p := settingsCmd(t, h, admin, inGuild, "show"); !strings.Contains(p.Content, "<#"+offChannel+">: no answers") ||
		!strings.Contains(p.Content, "<#"+threadChannel+">: mentions are answered in a thread") ||
		!strings.Contains(p.Content, "<#"+privateChannel+">: answers in the channel; /ask answers privately") {
		t.Errorf("/settings show:\n%s", p.Content)
	}

	// Off: /ask and Find sources get a private hint; a mention gets silence.
	if p := askIn(t, h, offChannel, "what is breakout time?"); p.Flags&64 == 0 || !strings.Contains(p.Content, "turned my answers off in this channel") {
		t.Errorf("/ask in a channel set to off: %s", p.Sprint())
	}
	offPlace := discordtest.Place{GuildID: guildID, ChannelID: offChannel}
	target := srv.Post(alice, offPlace, "what is snapback", false)
	fid, err := srv.MessageCommand(alice, offPlace, "Find sources", target)
	if err != nil {
		t.Fatal(err)
	}
	if _, p, err := srv.Response(timeout, fid); err != nil || !strings.Contains(p.Content, "turned my answers off") {
		t.Errorf("Find sources in a channel set to off: %v %s", err, p.Sprint())
	}
	mention := "<@" + discordtest.BotUserID + "> "
	srv.Post(alice, offPlace, mention+"what is breakout time?", true)
	if !h.logs.waitFor(timeout, "mention not answered: answers are off", 1) {
		t.Error("a mention in a channel set to off was not passed over")
	}
	if msgs := srv.ChannelMessages(offChannel); len(msgs) != 0 {
		t.Errorf("the bot wrote in a channel set to off: %q", msgs)
	}

	// Private by default: /ask answers privately, unless asked otherwise.
	if p := askIn(t, h, privateChannel, "what is breakout time?"); p.Flags&64 == 0 || len(p.Embeds) == 0 {
		t.Errorf("/ask in a private-by-default channel: %s", p.Sprint())
	}
	if p := askIn(t, h, privateChannel, "what is breakout time?", discordtest.Opt{Name: "private", Value: false}); p.Flags&64 != 0 {
		t.Errorf("/ask private:false in a private-by-default channel answered privately")
	}

	// Thread: a mention is answered in a thread opened on it, and a follow-up in the
	// thread leans on it.
	threadPlace := discordtest.Place{GuildID: guildID, ChannelID: threadChannel}
	id := srv.Post(alice, threadPlace, mention+"what did the United States do to Fordow?", true)
	var thread string
	if !srv.WaitUntil(timeout, func() bool {
		for _, c := range srv.Calls() {
			if c.Kind == discordtest.KindChannelMessage {
				if parent, ok := srv.ThreadParent(c.ChannelID); ok && parent == threadChannel {
					thread = c.ChannelID
					return true
				}
			}
		}
		return false
	}) {
		t.Fatalf("no answer in a thread on the mention %s; logs:\n%s", id, h.logs.String())
	}
	follow := srv.Post(alice, discordtest.Place{GuildID: guildID, ChannelID: thread}, mention+"when was that?", true)
	call, p, err := srv.Reply(timeout, follow)
	if err != nil {
		t.Fatal(err)
	}
	if call.ChannelID != thread || !strings.Contains(p.Content, "Reading this as: when was that (United States to Fordow)?") {
		t.Errorf("the follow-up in the thread (channel %s): %q", call.ChannelID, p.Content)
	}

	// A missing permission is told once, privately, which one.
	srv.RefuseThreads(noThreadsChan)
	noThreads := discordtest.Place{GuildID: guildID, ChannelID: noThreadsChan}
	for range 2 {
		id := srv.Post(alice, noThreads, mention+"what is breakout time?", true)
		if call, _, err := srv.Reply(timeout, id); err != nil || call.ChannelID != noThreadsChan {
			t.Fatalf("without Create Public Threads, no answer in the channel: %v", err)
		}
	}
	if dms := dmMessages(h); len(dms) != 1 || !strings.Contains(dms[0], "**Create Public Threads**") || !strings.Contains(dms[0], "<#"+noThreadsChan+">") {
		t.Errorf("direct messages about the missing permission: %q", dms)
	}
	srv.RefuseMessages(refusedChannel)
	refused := discordtest.Place{GuildID: guildID, ChannelID: refusedChannel}
	for n := 1; n <= 2; n++ {
		srv.Post(alice, refused, mention+"what is breakout time?", true)
		if !h.logs.waitFor(timeout, "replying to a message failed", n) {
			t.Fatal("the refused reply was not logged")
		}
	}
	if !srv.WaitUntil(timeout, func() bool { return len(dmMessages(h)) >= 2 }) {
		t.Fatalf("the member was not told of the missing Send Messages: %q", dmMessages(h))
	}
	if dms := dmMessages(h); len(dms) != 2 || !strings.Contains(dms[1], "**Send Messages") {
		t.Errorf("direct messages about the missing permissions: %q", dms)
	}

	// After a restart, the settings still hold.
	h.stop()
	h = settingsBot(t, srv, corpusDir, dataDir, repo)
	if p := askIn(t, h, offChannel, "what is breakout time?"); !strings.Contains(p.Content, "turned my answers off") {
		t.Errorf("after a restart, /ask in a channel set to off: %s", p.Sprint())
	}
	if p := settingsCmd(t, h, admin, inGuild, "show"); !strings.Contains(p.Content, "<#"+offChannel+">: no answers") {
		t.Errorf("after a restart, /settings show:\n%s", p.Content)
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("Discord's rules broken: %v", v)
	}
}

// A settings file changed by another process (a sync from the corpus remote) is read
// again; a broken one leaves every channel inline.
func TestSettingsFollowTheFile(t *testing.T) {
	dir := t.TempDir()
	a, b := bot.NewSettings(dir, nil, nil), bot.NewSettings(dir, nil, nil)
	if got := b.Channel(guildID, offChannel); got.Replies != bot.RepliesInline {
		t.Fatalf("with no file: %+v", got)
	}
	if err := a.Set(context.Background(), curate.Actor{ID: alice.ID, Name: alice.Name, Via: "discord"}, guildID, offChannel, bot.ChannelSetting{Replies: bot.RepliesOff}); err != nil {
		t.Fatal(err)
	}
	if got := b.Channel(guildID, offChannel); got.Replies != bot.RepliesOff {
		t.Errorf("another process's change is not read: %+v", got)
	}
	for _, bad := range []string{"{", `{"guilds":{"x":{"1":{"replies":"off"}}}}`, `{"guilds":{"1":{"2":{"replies":"loud"}}}}`} {
		if err := os.WriteFile(filepath.Join(dir, corpus.SettingsFile), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := b.Channel(guildID, offChannel); got.Replies != bot.RepliesInline {
			t.Errorf("settings %q: %+v, want inline", bad, got)
		}
	}
}

// A member over the rate limit in a channel whose answers go to a thread is told in the
// channel, and no thread is opened for them.
func TestThreadNotOpenedOverTheRateLimit(t *testing.T) {
	dir := t.TempDir()
	settings := bot.NewSettings(dir, nil, nil)
	who := curate.Actor{ID: alice.ID, Name: alice.Name, Via: "discord"}
	if err := settings.Set(context.Background(), who, guildID, threadChannel, bot.ChannelSetting{Replies: bot.RepliesThread}); err != nil {
		t.Fatal(err)
	}
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{RateBurst: 1, Settings: settings})
	place := discordtest.Place{GuildID: guildID, ChannelID: threadChannel}
	mention := "<@" + discordtest.BotUserID + "> "
	first := h.srv.Post(alice, place, mention+"what is breakout time?", true)
	if !h.srv.WaitUntil(timeout, func() bool { return len(threadStarts(h.srv)) == 1 }) {
		t.Fatalf("no thread for the first mention %s", first)
	}
	second := h.srv.Post(alice, place, mention+"what is snapback?", true)
	call, p, err := h.srv.Reply(timeout, second)
	if err != nil {
		t.Fatal(err)
	}
	if call.ChannelID != threadChannel || !strings.Contains(p.Content, "faster than I can keep up") {
		t.Errorf("over the limit, the member was told in %s: %q", call.ChannelID, p.Content)
	}
	if n := len(threadStarts(h.srv)); n != 1 {
		t.Errorf("%d threads opened, want 1", n)
	}
}

// threadStarts are the threads the bot opened.
func threadStarts(srv *discordtest.Server) []discordtest.Call {
	var out []discordtest.Call
	for _, c := range srv.Calls() {
		if c.Kind == discordtest.KindThreadStart {
			out = append(out, c)
		}
	}
	return out
}
