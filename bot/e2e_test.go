package bot_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/standoff-bot/standoff"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/index"
)

// The real index of the default corpus, built once for the whole test binary.
var (
	realIndex *index.Index
	splitter  *corpus.Splitter
)

// defaultDocuments is how many documents the embedded default corpus holds, as /help,
// /about and /metrics count them.
func defaultDocuments() int { return len(realIndex.Documents()) }

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "standoff-bot-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		ctx := context.Background()
		c, err := corpus.Load(ctx, corpus.Default())
		if err != nil {
			fmt.Fprintln(os.Stderr, "load corpus:", err)
			return 1
		}
		splitter = c.Splitter()
		realIndex, err = index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index")}, c)
		if err != nil {
			fmt.Fprintln(os.Stderr, "open index:", err)
			return 1
		}
		defer realIndex.Close()
		return m.Run()
	}()
	os.Exit(code)
}

// Words in a question that make testAnswerer misbehave, to test the bot's failures.
const (
	wordPanic    = "PANICNOW"
	wordSlow     = "SLOWNOW"
	wordFail     = "FAILNOW"
	wordClosest  = "CLOSESTNOW" // the answer is given as closest passages
	wordLateBoom = "LATEBOOM"   // a panic once the answer is slow
)

// testAnswerer is the real index, except for questions with one of the words above.
type testAnswerer struct {
	bot.Answerer
	slow time.Duration
}

func (a testAnswerer) Answer(ctx context.Context, req standoff.Request) (standoff.Answer, error) {
	switch {
	case strings.Contains(req.Question, wordLateBoom):
		time.Sleep(a.slow)
		panic("injected late panic for a test")
	case strings.Contains(req.Question, wordPanic):
		panic("injected panic for a test")
	case strings.Contains(req.Question, wordFail):
		return standoff.Answer{}, errors.New("injected index failure")
	case strings.Contains(req.Question, wordSlow):
		select {
		case <-time.After(a.slow):
		case <-ctx.Done():
			return standoff.Answer{}, ctx.Err()
		}
		req.Question = strings.ReplaceAll(req.Question, wordSlow, "")
	case strings.Contains(req.Question, wordClosest):
		req.Question = strings.ReplaceAll(req.Question, wordClosest, "")
		ans, err := a.Answerer.Answer(ctx, req)
		ans.Answered, ans.Closest = false, len(ans.Results) > 0
		return ans, err
	}
	return a.Answerer.Answer(ctx, req)
}

// Documents lists the documents of the real index, for /help.
func (a testAnswerer) Documents() []standoff.Document {
	if l, ok := a.Answerer.(interface{ Documents() []standoff.Document }); ok {
		return l.Documents()
	}
	return nil
}

func (a testAnswerer) Complete(ctx context.Context, prefix string, n int) []string {
	if strings.Contains(prefix, wordPanic) {
		panic("injected panic in autocomplete")
	}
	return a.Answerer.Complete(ctx, prefix, n)
}

// fakeClock moves only when told; it drives the rate limit.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu      sync.Mutex
	b       strings.Builder
	changed chan struct{} // closed and replaced on every write (see waitFor)
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return s.b.Write(p)
}

// waitFor blocks until the log holds n lines with text, or timeout passes; it reports
// whether it does. It wakes on writes, not on a clock.
func (s *syncBuffer) waitFor(timeout time.Duration, text string, n int) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if strings.Count(s.b.String(), text) >= n {
			s.mu.Unlock()
			return true
		}
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return false
		}
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const (
	guildID   = "800000000000000001"
	channelID = "800000000000000002"
	dmChannel = "800000000000000003"
	timeout   = 10 * time.Second
)

var (
	inGuild = discordtest.Place{GuildID: guildID, ChannelID: channelID}
	inDM    = discordtest.Place{ChannelID: dmChannel}
	alice   = discordtest.User{ID: "700000000000000001", Name: "alice"}
)

// harness is a bot running against a fake Discord.
type harness struct {
	srv     *discordtest.Server
	bot     *bot.Bot
	clock   *fakeClock
	dataDir string
	logs    *syncBuffer
	stop    func()
}

// start runs a bot with the answerer a against srv (a new fake Discord when nil); it is
// stopped at the end of the test, before the server.
func start(t testing.TB, srv *discordtest.Server, a bot.Answerer, dataDir string, opts bot.Options) *harness {
	t.Helper()
	if srv == nil {
		srv = discordtest.New(discordtest.WithHeartbeatInterval(time.Second))
		t.Cleanup(srv.Close)
	}
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	h := &harness{srv: srv, clock: &fakeClock{t: time.Unix(1_750_000_000, 0)}, dataDir: dataDir, logs: &syncBuffer{}}
	if opts.Now == nil {
		opts.Now = h.clock.Now
	}
	if opts.Split == nil {
		opts.Split = splitter.Split
	}
	cfg := bot.Config{
		Token: discordtest.DefaultToken, APIURL: srv.URL, DataDir: dataDir,
		GuildIDs: []string{guildID}, ShardCount: 1, LogLevel: slog.LevelInfo,
	}
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b, err := bot.New(cfg, a, logger, opts)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = b
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	mark := srv.Mark()
	go func() { done <- b.Run(ctx) }()
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Error("Run did not return after its context was cancelled")
			}
		})
	}
	t.Cleanup(h.stop)
	if _, ok := srv.WaitCall(timeout, mark, func(c discordtest.Call) bool { return c.Kind == discordtest.KindCommands }); !ok {
		t.Fatalf("the bot registered no commands; logs:\n%s", h.logs.String())
	}
	return h
}

// ask dispatches /ask and returns the payload that answered it.
func (h *harness) ask(t *testing.T, u discordtest.User, q string, opts ...discordtest.Opt) (discordtest.Call, discordtest.Payload) {
	t.Helper()
	id := h.srv.Slash(u, inGuild, "ask", append([]discordtest.Opt{{Name: "question", Value: q}}, opts...)...)
	call, p, err := h.srv.Response(timeout, id)
	if err != nil {
		t.Fatalf("/ask %q: %v\nlogs:\n%s", q, err, h.logs.String())
	}
	return call, p
}

// click presses a button and returns the payload that answered it.
func (h *harness) click(t *testing.T, u discordtest.User, messageID, customID string) (discordtest.Call, discordtest.Payload) {
	t.Helper()
	id, err := h.srv.Click(u, messageID, customID)
	if err != nil {
		t.Fatal(err)
	}
	call, p, err := h.srv.Response(timeout, id)
	if err != nil {
		t.Fatalf("click %s: %v\nlogs:\n%s", customID, err, h.logs.String())
	}
	return call, p
}

// docs returns the document ids of the passages p shows, from the custom ids of its 📄
// buttons ("full:<offset>:<doc>#<paragraph>").
func docs(p discordtest.Payload) []string {
	var out []string
	for _, b := range p.Buttons() {
		if rest, ok := strings.CutPrefix(b.CustomID, "full:"); ok {
			_, ref, _ := strings.Cut(rest, ":")
			doc, _, _ := strings.Cut(ref, "#")
			out = append(out, doc)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func readLines[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	return out
}

// TestEndToEnd runs one bot, on the real index of the default corpus, against a fake
// Discord, and goes through everything a member can do. The subtests share the bot and
// run in order.
func TestEndToEnd(t *testing.T) {
	h := start(t, nil, testAnswerer{Answerer: realIndex, slow: 1200 * time.Millisecond}, "", bot.Options{
		Version: "test", RateBurst: 3, RateEvery: 10 * time.Second, AckAfter: 500 * time.Millisecond,
		Commands: []bot.Command{{
			Definition: &discordgo.ApplicationCommand{Name: "extra", Description: "A command another part of standoff adds"},
			Handle: func(ctx context.Context, s *discordgo.Session, i *discordgo.InteractionCreate) error {
				return s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
					Type: discordgo.InteractionResponseChannelMessageWithSource,
					Data: &discordgo.InteractionResponseData{
						Content: "extra here", Flags: discordgo.MessageFlagsEphemeral,
						AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
					},
				})
			},
		}},
	})
	srv := h.srv
	var askMessage string // the message that answered "what is breakout time?"

	t.Run("commands and intents", func(t *testing.T) {
		cmds := srv.Commands(guildID)
		names := map[string]bool{}
		for _, c := range cmds {
			names[fmt.Sprint(c["name"])] = true
		}
		for _, n := range []string{"ask", "Find sources", "about", "help", "extra"} {
			if !names[n] {
				t.Errorf("command %q not registered in the guild; got %v", n, names)
			}
		}
		if got := srv.Commands(""); got != nil {
			t.Errorf("global commands registered although DISCORD_GUILD_IDS is set: %v", got)
		}
		const messageContent = 1 << 15
		intents := srv.Intents()
		if intents&messageContent != 0 || intents != 1<<9|1<<12 {
			t.Errorf("intents %b: want guild messages and direct messages only", intents)
		}
		if !srv.WaitUntil(timeout, func() bool { return srv.Heartbeats() >= 1 }) {
			t.Error("no heartbeat")
		}
	})

	t.Run("ask breakout time", func(t *testing.T) {
		start := time.Now()
		call, p := h.ask(t, alice, "what is breakout time?")
		if took := time.Since(start); took > time.Second {
			t.Errorf("answer took %s, want under a second", took)
		}
		if p.Type != 4 || p.Flags&64 != 0 {
			t.Errorf("callback type %d flags %d: want a public message (4)", p.Type, p.Flags)
		}
		if !strings.HasPrefix(p.Content, "**❓ what is breakout time?**") {
			t.Errorf("the question is not restated: %q", p.Content)
		}
		// The definition, and what another document says.
		if d := docs(p); !contains(d, "glossary") || !slices.ContainsFunc(d, func(doc string) bool { return doc != "glossary" }) {
			t.Errorf("embeds cite %v: want the glossary and another document\n%s", d, p.Sprint())
		}
		e := p.Embeds[0]
		if !strings.Contains(e.Description, "**Breakout time**") {
			t.Errorf("matched terms not in bold: %q", e.Description)
		}
		if strings.Contains(e.Description, "**time**") || strings.Contains(e.Description, "**Iran") {
			t.Errorf("common words in bold: %q", e.Description)
		}
		// The glossary's definition links its sources; it says whose words they are.
		if e.Title != "1 · Breakout time · Glossary" || !strings.Contains(e.Description, "](https://armscontrol.org/node/7135)") ||
			e.Footer == nil || !strings.Contains(e.Footer.Text, "own summary") || strings.Contains(e.Footer.Text, "glossary") {
			t.Errorf("glossary passage without its sources or citation: %s", p.Sprint())
		}
		for _, e := range p.Embeds {
			if n := utf8.RuneCountInString(e.Description); n > 1400 {
				t.Errorf("passage of %d characters: too long for a phone", n)
			}
		}
		for _, b := range p.Buttons() {
			if (b.CustomID == "vote:up" || b.CustomID == "vote:down") && b.Label != "" {
				t.Errorf("vote button with a label %q: want an emoji only", b.Label)
			}
		}
		if _, ok := p.Button("vote:up"); !ok {
			t.Error("no 👍 button")
		}
		if _, ok := p.Button("post:"); ok {
			t.Error("a public answer offers Post to channel")
		}
		askMessage = call.MessageID
	})

	t.Run("more pages on", func(t *testing.T) {
		if askMessage == "" {
			t.Skip("no answer to page")
		}
		first, _ := srv.StoredMessage(askMessage)
		more, ok := first.Button("page:")
		if !ok {
			t.Fatalf("no More button: %s", first.Sprint())
		}
		_, p := h.click(t, alice, askMessage, more.CustomID)
		if p.Type != 7 {
			t.Errorf("More answered with type %d, want 7 (update the message)", p.Type)
		}
		if !strings.HasPrefix(p.Content, "**❓ what is breakout time?**") || !strings.Contains(p.Content, "Passages 4") {
			t.Errorf("page 2 content %q", p.Content)
		}
		if len(p.Embeds) == 0 || !strings.HasPrefix(p.Embeds[0].Title, "4 · ") {
			t.Errorf("page 2 does not start at passage 4: %s", p.Sprint())
		}
		if _, ok := p.Button("Back"); !ok {
			t.Error("page 2 has no Back button")
		}
		// Back to the first page.
		back, _ := p.Button("Back")
		_, p = h.click(t, alice, askMessage, back.CustomID)
		if len(p.Embeds) == 0 || !strings.HasPrefix(p.Embeds[0].Title, "1 · ") {
			t.Errorf("Back does not return to passage 1: %s", p.Sprint())
		}
		// More and Back are counted as the page button, and nothing else is.
		if got := metric(t, h.bot.Handler(), `standoff_answer_buttons_total{button="page"}`); got != 2 {
			t.Errorf(`standoff_answer_buttons_total{button="page"} = %v after More and Back, want 2`, got)
		}
		if got := metric(t, h.bot.Handler(), `standoff_answer_buttons_total{button="post"}`); got != 0 {
			t.Errorf(`standoff_answer_buttons_total{button="post"} = %v, want 0`, got)
		}
	})

	t.Run("someone else pages privately", func(t *testing.T) {
		if askMessage == "" {
			t.Skip("no answer to page")
		}
		before, _ := srv.StoredMessage(askMessage)
		more, ok := before.Button("page:")
		if !ok {
			t.Fatalf("no More button: %s", before.Sprint())
		}
		gina := discordtest.User{ID: "700000000000000007", Name: "gina"}
		_, p := h.click(t, gina, askMessage, more.CustomID)
		if p.Type != 4 || p.Flags&64 == 0 || len(p.Embeds) == 0 || !strings.HasPrefix(p.Embeds[0].Title, "4 · ") {
			t.Errorf("another member's More: type %d flags %d, want a private page 2\n%s", p.Type, p.Flags, p.Sprint())
		}
		if after, _ := srv.StoredMessage(askMessage); after.Sprint() != before.Sprint() {
			t.Errorf("another member's More changed the asker's answer:\n%s", after.Sprint())
		}
		if _, ok := p.Button("del:"); ok {
			t.Error("a private page offers 🗑")
		}
	})

	t.Run("full passage", func(t *testing.T) {
		if askMessage == "" {
			t.Skip("no answer")
		}
		h.clock.Advance(time.Minute)
		_, p := h.click(t, alice, askMessage, "full:0:glossary#1")
		if p.Flags&64 == 0 || len(p.Embeds) != 1 {
			t.Fatalf("📄 reply: want one private embed\n%s", p.Sprint())
		}
		if d := p.Embeds[0].Description; !strings.Contains(d, "one to two more years") || !strings.Contains(d, "https://armscontrol.org/node/7135") {
			t.Errorf("📄 does not show the whole passage and its sources: %q", d)
		}
	})

	t.Run("only the asker removes an answer", func(t *testing.T) {
		h.clock.Advance(time.Minute)
		call, p := h.ask(t, alice, "what is snapback?")
		del, ok := p.Button("del:")
		if !ok {
			t.Fatalf("no 🗑 button: %s", p.Sprint())
		}
		bob := discordtest.User{ID: "700000000000000002", Name: "bob"}
		_, n := h.click(t, bob, call.MessageID, del.CustomID)
		if n.Flags&64 == 0 || !strings.Contains(n.Content, "Only the member who asked") {
			t.Errorf("🗑 by another member: %s", n.Sprint())
		}
		if _, ok := srv.StoredMessage(call.MessageID); !ok {
			t.Fatal("another member removed the answer")
		}
		id, err := srv.Click(alice, call.MessageID, del.CustomID)
		if err != nil {
			t.Fatal(err)
		}
		if !srv.WaitUntil(timeout, func() bool { _, ok := srv.StoredMessage(call.MessageID); return !ok }) {
			t.Errorf("the asker's 🗑 did not remove the answer (interaction %s)\n%s", id, h.logs.String())
		}
	})

	t.Run("closest passages", func(t *testing.T) {
		h.clock.Advance(time.Minute)
		_, p := h.ask(t, alice, "what is breakout time "+wordClosest)
		if len(p.Embeds) == 0 || !strings.Contains(p.Content, "Closest match, may not answer your question") || p.Embeds[0].Color == 0x3B6EA5 {
			t.Errorf("closest passages not told apart:\n%s", p.Sprint())
		}
	})

	t.Run("thumbs up is recorded and counted", func(t *testing.T) {
		h.clock.Advance(time.Minute)
		if askMessage == "" {
			t.Skip("no answer to vote on")
		}
		_, p := h.click(t, alice, askMessage, "vote:up")
		if p.Flags&64 == 0 || !strings.Contains(p.Content, "recorded") {
			t.Errorf("vote reply %q (flags %d): want a private thank-you", p.Content, p.Flags)
		}
		_, p = h.click(t, alice, askMessage, "vote:up")
		if !strings.Contains(p.Content, "already") {
			t.Errorf("second 👍: %q", p.Content)
		}
		if st := h.bot.Stats(); st.VotesUp != 1 || st.VotesDown != 0 {
			t.Errorf("counts 👍%d 👎%d, want 1/0", st.VotesUp, st.VotesDown)
		}
		votes := readLines[bot.Vote](t, filepath.Join(h.dataDir, bot.FeedbackFile))
		if len(votes) != 1 {
			t.Fatalf("%d votes in the log, want 1", len(votes))
		}
		v := votes[0]
		if !strings.HasPrefix(v.User, "h:") || strings.Contains(v.User, alice.ID) || v.Vote != "up" || v.Question != "what is breakout time?" || v.Message != askMessage || len(v.Passages) == 0 || !strings.HasPrefix(v.Passages[0], "glossary#") {
			t.Errorf("vote line %+v", v)
		}
	})

	t.Run("autocomplete", func(t *testing.T) {
		for _, typed := range []string{"brea", "", "a"} {
			id := srv.Autocomplete(alice, inGuild, "ask", "question", typed)
			_, p, err := srv.Response(timeout, id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Type != 8 || len(p.Choices) > 25 {
				t.Errorf("%q: type %d with %d choices", typed, p.Type, len(p.Choices))
			}
			if typed == "brea" {
				found := false
				for _, c := range p.Choices {
					found = found || strings.Contains(strings.ToLower(c.Name), "breakout")
				}
				if !found {
					t.Errorf("%q: no choice about breakout: %+v", typed, p.Choices)
				}
			}
		}
	})

	t.Run("mention", func(t *testing.T) {
		bob := discordtest.User{ID: "700000000000000002", Name: "bob"}
		id := srv.Post(bob, inGuild, "<@"+discordtest.BotUserID+"> what is breakout time?", true)
		_, p, err := srv.Reply(timeout, id)
		if err != nil {
			t.Fatalf("%v\n%s", err, h.logs.String())
		}
		if !contains(docs(p), "glossary") || !strings.HasPrefix(p.Content, "**❓ what is breakout time?**") {
			t.Errorf("mention reply: %s", p.Sprint())
		}
		// A message that does not mention the bot gets no reply.
		mark := srv.Mark()
		srv.Post(bob, inGuild, "just chatting about breakout time", false)
		if _, ok := srv.WaitCall(300*time.Millisecond, mark, func(c discordtest.Call) bool { return c.Kind == discordtest.KindChannelMessage }); ok {
			t.Error("the bot answered a message that did not mention it")
		}
	})

	t.Run("direct message", func(t *testing.T) {
		carol := discordtest.User{ID: "700000000000000003", Name: "carol"}
		id := srv.Post(carol, inDM, "what is snapback?", false)
		_, p, err := srv.Reply(timeout, id)
		if err != nil {
			t.Fatalf("%v\n%s", err, h.logs.String())
		}
		if len(p.Embeds) == 0 && !strings.Contains(p.Content, "found no passage") {
			t.Errorf("DM reply: %s", p.Sprint())
		}
	})

	t.Run("find sources and post to channel", func(t *testing.T) {
		dave := discordtest.User{ID: "700000000000000004", Name: "dave"}
		target := srv.Post(dave, inGuild, "Iran enriched uranium to 60 percent", false)
		id, err := srv.MessageCommand(dave, inGuild, "Find sources", target)
		if err != nil {
			t.Fatal(err)
		}
		call, p, err := srv.Response(timeout, id)
		if err != nil {
			t.Fatalf("%v\n%s", err, h.logs.String())
		}
		if p.Flags&64 == 0 || !strings.HasPrefix(p.Content, "🔎 Sources about: “Iran enriched uranium to 60 percent”") || len(p.Embeds) == 0 {
			t.Fatalf("Find sources reply: flags %d\n%s", p.Flags, p.Sprint())
		}
		post, ok := p.Button("post:")
		if !ok {
			t.Fatal("a private answer has no Post to channel button")
		}
		_, pub := h.click(t, dave, call.MessageID, post.CustomID)
		if pub.Type != 4 || pub.Flags&64 != 0 || !strings.Contains(pub.Content, "Shared by dave ·") || strings.Contains(pub.Content, "<@") || len(pub.Embeds) == 0 {
			t.Errorf("posted answer: type %d flags %d\n%s", pub.Type, pub.Flags, pub.Sprint())
		}
		if _, ok := pub.Button("post:"); ok {
			t.Error("the public copy still offers Post to channel")
		}
	})

	t.Run("private ask", func(t *testing.T) {
		erin := discordtest.User{ID: "700000000000000005", Name: "erin"}
		_, p := h.ask(t, erin, "what is snapback?", discordtest.Opt{Name: "private", Value: true})
		if p.Flags&64 == 0 {
			t.Error("private: true gave a public reply")
		}
	})

	t.Run("nothing answers", func(t *testing.T) {
		frank := discordtest.User{ID: "700000000000000006", Name: "frank"}
		q := "what temperature bakes sourdough bread?" // shares no term with the corpus: no closest passage
		call, p := h.ask(t, frank, q)
		if len(p.Embeds) != 0 || !strings.Contains(p.Content, "found no passage") || !strings.Contains(p.Content, "/help") {
			t.Errorf("unanswered reply:\n%s", p.Sprint())
		}
		// The question is logged once its reply went through: wait for the line.
		var recs []bot.QuestionRecord
		srv.WaitUntil(timeout, func() bool {
			recs = readLines[bot.QuestionRecord](t, filepath.Join(h.dataDir, bot.QuestionsFile))
			return slices.ContainsFunc(recs, func(r bot.QuestionRecord) bool { return r.Question == q })
		})
		found := false
		for _, r := range recs {
			if r.Question == q {
				found = true
				if r.Answered {
					t.Errorf("questions log says %q was answered", q)
				}
			}
			if r.Question == "what is breakout time?" && (!r.Answered || r.TopDoc == "" || r.TopScore == 0) {
				t.Errorf("questions log line %+v", r)
			}
		}
		if !found {
			t.Errorf("%q is not in the questions log", q)
		}
		// A suggestion button, when there is one, asks it in place.
		if b, ok := p.Button("ask:"); ok {
			_, p2 := h.click(t, frank, call.MessageID, b.CustomID)
			if p2.Type != 7 || !strings.Contains(p2.Content, strings.TrimPrefix(b.CustomID, "ask:")) {
				t.Errorf("suggestion %q: type %d\n%s", b.CustomID, p2.Type, p2.Sprint())
			}
		} else {
			t.Logf("no suggestion offered for %q", q)
		}
	})

	t.Run("a request is told what the bot does, a correction is shown", func(t *testing.T) {
		grace := discordtest.User{ID: "700000000000000007", Name: "grace"}
		h.clock.Advance(time.Minute)
		_, p := h.ask(t, grace, "write me a poem about fordow")
		if len(p.Embeds) != 0 || !strings.Contains(p.Content, "I only quote passages of the corpus") || strings.Contains(p.Content, "found no passage") {
			t.Errorf("a request is not told what the bot does:\n%s", p.Sprint())
		}
		h.clock.Advance(time.Minute)
		_, p = h.ask(t, grace, "centrifuge cascaed")
		if len(p.Embeds) == 0 || !strings.Contains(p.Content, "Showing results for *centrifuge cascade*") {
			t.Errorf("the correction is not shown:\n%s", p.Sprint())
		}
		h.clock.Advance(time.Minute)
	})

	t.Run("rate limit kicks in and recovers", func(t *testing.T) {
		gina := discordtest.User{ID: "700000000000000007", Name: "gina"}
		for i := range 3 {
			if _, p := h.ask(t, gina, "what is snapback?"); strings.Contains(p.Content, "try again") {
				t.Fatalf("question %d refused within the burst", i+1)
			}
		}
		_, p := h.ask(t, gina, "what is snapback?")
		if p.Flags&64 == 0 || p.Content != "You're asking faster than I can keep up — try again in 10 s." {
			t.Errorf("over the limit: %q (flags %d)", p.Content, p.Flags)
		}
		// The limit holds for mentions too; gina was told already, so it is not said again.
		limited := h.bot.Stats().RateLimited
		id := srv.Post(gina, inGuild, "<@"+discordtest.BotUserID+"> what is snapback?", true)
		if !srv.WaitUntil(timeout, func() bool { return h.bot.Stats().RateLimited == limited+1 }) {
			t.Errorf("a mention over the limit was not limited")
		} else if _, p, err := srv.Reply(100*time.Millisecond, id); err == nil {
			t.Errorf("mention over the limit, already told: replied %q", p.Content)
		}
		h.clock.Advance(10 * time.Second)
		if _, p := h.ask(t, gina, "what is snapback?"); strings.Contains(p.Content, "try again") {
			t.Error("not recovered after 10 s")
		}
	})

	t.Run("panic does not kill the bot", func(t *testing.T) {
		before := h.bot.Stats().Panics
		_, p := h.ask(t, alice, "please "+wordPanic)
		if p.Flags&64 == 0 || !strings.Contains(p.Content, "went wrong") {
			t.Errorf("after a panic: %q (flags %d)", p.Content, p.Flags)
		}
		if h.bot.Stats().Panics != before+1 {
			t.Error("the panic was not counted")
		}
		if !strings.Contains(h.logs.String(), "injected panic for a test") {
			t.Error("the panic was not logged")
		}
		// A panic in the handler's own goroutine: a mention, and autocomplete.
		h.clock.Advance(time.Minute)
		id := srv.Post(alice, inGuild, "<@"+discordtest.BotUserID+"> "+wordPanic, true)
		if _, p, err := srv.Reply(timeout, id); err != nil || !strings.Contains(p.Content, "went wrong") {
			t.Errorf("mention that panics: %q %v", p.Content, err)
		}
		srv.Autocomplete(alice, inGuild, "ask", "question", wordPanic)
		if !srv.WaitUntil(timeout, func() bool { return h.bot.Stats().Panics == before+3 }) {
			t.Errorf("panics counted: %d, want %d", h.bot.Stats().Panics, before+3)
		}
		h.clock.Advance(time.Minute)
		if _, p := h.ask(t, alice, "what is breakout time?"); len(p.Embeds) == 0 {
			t.Error("no answer after a panic")
		}
	})

	t.Run("index failure is explained", func(t *testing.T) {
		h.clock.Advance(time.Minute)
		_, p := h.ask(t, alice, "what is "+wordFail)
		if p.Flags&64 == 0 || !strings.Contains(p.Content, "couldn't search") {
			t.Errorf("failure reply %q", p.Content)
		}
		if !strings.Contains(h.logs.String(), "injected index failure") {
			t.Error("the failure's detail is not in the log")
		}
	})

	t.Run("slow answer is deferred then edited", func(t *testing.T) {
		h.clock.Advance(time.Minute)
		call, p := h.ask(t, alice, "what is breakout time? "+wordSlow)
		if call.Kind != discordtest.KindEditOriginal || len(p.Embeds) == 0 {
			t.Errorf("slow answer came as %s:\n%s", call.Kind, p.Sprint())
		}
	})

	t.Run("a panic after the answer was deferred is told in its place", func(t *testing.T) {
		h.clock.Advance(time.Minute)
		before := h.bot.Stats()
		call, p := h.ask(t, alice, "what is breakout time? "+wordLateBoom)
		if call.Kind != discordtest.KindEditOriginal || !strings.Contains(p.Content, "went wrong") {
			t.Errorf("late panic came as %s: %q", call.Kind, p.Content)
		}
		if !srv.WaitUntil(timeout, func() bool { return h.bot.Stats().Failures == before.Failures+1 }) {
			t.Errorf("the question that panicked was not counted as an error")
		}
		if got, want := h.bot.Stats().Panics, before.Panics+1; got != want {
			t.Errorf("panics counted %d, want %d", got, want)
		}
	})

	t.Run("a command added by another package", func(t *testing.T) {
		_, p, err := srv.Response(timeout, srv.Slash(alice, inGuild, "extra"))
		if err != nil || p.Content != "extra here" {
			t.Errorf("/extra: %q %v", p.Content, err)
		}
	})

	t.Run("about and help", func(t *testing.T) {
		_, p, err := srv.Response(timeout, srv.Slash(alice, inGuild, "about"))
		if err != nil {
			t.Fatal(err)
		}
		docs := defaultDocuments()
		if p.Flags&64 == 0 || len(p.Embeds) != 1 || !strings.Contains(fmt.Sprint(p.Embeds[0].Fields), fmt.Sprintf("Documents %d", docs)) {
			t.Errorf("/about: %+v", p.Embeds)
		}
		_, p, err = srv.Response(timeout, srv.Slash(alice, inGuild, "help"))
		if err != nil || len(p.Embeds) != 1 {
			t.Fatalf("/help: %v %+v", err, p.Embeds)
		}
		for _, want := range []string{"Find sources", "/ask question: what is breakout time?", fmt.Sprintf("%d documents", docs), "English", standoff.Reach(realIndex.Stats().AsOf), "publisher · date · section · ¶"} {
			if !strings.Contains(p.Embeds[0].Description, want) {
				t.Errorf("/help does not say %q:\n%s", want, p.Embeds[0].Description)
			}
		}
	})

	t.Run("dropped gateway is resumed", func(t *testing.T) {
		h.clock.Advance(time.Minute)
		resumes, identifies := srv.Resumes(), len(srv.Identifies())
		srv.DropConnection()
		// The question goes out while the bot is away; Discord replays it on RESUME.
		id := srv.Slash(alice, inGuild, "ask", discordtest.Opt{Name: "question", Value: "what is breakout time?"})
		_, p, err := srv.Response(timeout, id)
		if err != nil {
			t.Fatalf("%v\n%s", err, h.logs.String())
		}
		if len(p.Embeds) == 0 {
			t.Errorf("after the resume: %s", p.Sprint())
		}
		// At least one RESUME: on a loaded machine a late heartbeat ACK may close the
		// connection once more, and that too must resume.
		if srv.Resumes() == resumes || len(srv.Identifies()) != identifies {
			t.Errorf("resumes %d→%d, identifies %d→%d: want a RESUME and no new IDENTIFY", resumes, srv.Resumes(), identifies, len(srv.Identifies()))
		}
		if !srv.WaitUntil(timeout, func() bool { return h.bot.Stats().Connected }) {
			t.Error("the bot does not say it is connected again")
		}
	})

	t.Run("every payload within limits and pinging no one", func(t *testing.T) {
		h.stop()
		if v := srv.Violations(); len(v) > 0 {
			t.Errorf("breaches of Discord's rules:\n%s", strings.Join(v, "\n"))
		}
		n := 0
		for _, c := range srv.Calls() {
			if c.Status >= 300 {
				t.Errorf("call %s %s refused with %d: %s", c.Method, c.Path, c.Status, c.Body)
			}
			var raw json.RawMessage
			switch c.Kind {
			case discordtest.KindCallback:
				var cb struct {
					Type int             `json:"type"`
					Data json.RawMessage `json:"data"`
				}
				json.Unmarshal(c.Body, &cb)
				if cb.Type != 4 && cb.Type != 7 {
					continue
				}
				raw = cb.Data
			case discordtest.KindChannelMessage, discordtest.KindFollowup, discordtest.KindEditOriginal:
				raw = c.Body
			default:
				continue
			}
			n++
			if probs := discordtest.CheckMessage(raw); len(probs) > 0 {
				t.Errorf("%s %s: %v", c.Kind, c.Path, probs)
			}
		}
		if n < 20 {
			t.Errorf("only %d message payloads checked", n)
		}
		if strings.Contains(h.logs.String(), discordtest.DefaultToken) {
			t.Error("the token is in the log")
		}
	})
}

// TestButtonsSurviveRestart answers with one bot, stops it, and presses the answer's
// buttons with a new bot on the same data folder: More and 👍 still work, and votes
// counted before the restart still count.
func TestButtonsSurviveRestart(t *testing.T) {
	srv := discordtest.New()
	t.Cleanup(srv.Close)
	data := t.TempDir()
	a := testAnswerer{Answerer: realIndex}
	h1 := start(t, srv, a, data, bot.Options{})
	call, p := h1.ask(t, alice, "what is breakout time?")
	if len(p.Embeds) == 0 {
		t.Fatalf("no answer: %s", p.Sprint())
	}
	h1.click(t, alice, call.MessageID, "vote:up")
	h1.stop()

	h2 := start(t, srv, a, data, bot.Options{})
	more, ok := p.Button("page:")
	if !ok {
		t.Fatal("no More button")
	}
	_, p2 := h2.click(t, alice, call.MessageID, more.CustomID)
	if !strings.Contains(p2.Content, "what is breakout time?") || len(p2.Embeds) == 0 || !strings.HasPrefix(p2.Embeds[0].Title, "4 · ") {
		t.Errorf("More after a restart:\n%s", p2.Sprint())
	}
	if st := h2.bot.Stats(); st.VotesUp != 1 {
		t.Errorf("votes before the restart: 👍 %d, want 1", st.VotesUp)
	}
	bob := discordtest.User{ID: "700000000000000002", Name: "bob"}
	h2.click(t, bob, call.MessageID, "vote:up")
	if st := h2.bot.Stats(); st.VotesUp != 2 {
		t.Errorf("👍 %d, want 2", st.VotesUp)
	}
	h2.stop()
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("breaches of Discord's rules:\n%s", strings.Join(v, "\n"))
	}
}

// TestRunFailsClearly checks that a bot that cannot connect says why, without its token.
func TestRunFailsClearly(t *testing.T) {
	srv := discordtest.New()
	defer srv.Close()
	srv.Token = "another-token"
	cfg := bot.Config{Token: "wrong-token-value", APIURL: srv.URL, DataDir: t.TempDir(), ShardCount: 1}
	b, err := bot.New(cfg, realIndex, slog.New(slog.NewTextHandler(io.Discard, nil)), bot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = b.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "Authentication failed") {
		t.Errorf("Run = %v, want an authentication failure", err)
	}
	if err != nil && strings.Contains(err.Error(), "wrong-token-value") {
		t.Error("the error shows the token")
	}
}
