package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
)

// This file: Discord failing in the ordinary ways, through the fake's fault injection;
// every question still gets its answer once, or is counted as not delivered.

// waits records how long the bot was told to wait before it tried again, and returns
// at once: tests see the back-off without spending it.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) wait(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.d)
}

// delivered waits for a call of kind about interaction id that Discord took (2xx).
func delivered(t *testing.T, srv *discordtest.Server, id string, kind discordtest.CallKind) (discordtest.Call, bool) {
	t.Helper()
	return srv.WaitCall(timeout, 0, func(c discordtest.Call) bool {
		return c.InteractionID == id && c.Kind == kind && c.Status >= 200 && c.Status < 300
	})
}

// repliesTo returns the channel messages Discord took in reply to message id.
func repliesTo(srv *discordtest.Server, id string) []discordtest.Call {
	var out []discordtest.Call
	for _, c := range srv.Calls() {
		if c.Kind != discordtest.KindChannelMessage || c.Status != 200 {
			continue
		}
		if p, err := c.Payload(); err == nil && p.Reference != nil && p.Reference.MessageID == id {
			out = append(out, c)
		}
	}
	return out
}

// TestRESTFaultsRetried: a 500, a 503 or a connection reset on the callback, on the edit
// of a deferred answer and on a mention's reply is retried with back-off inside the
// call's window, and the member gets the answer once.
func TestRESTFaultsRetried(t *testing.T) {
	w := &waits{}
	h := start(t, nil, testAnswerer{Answerer: realIndex, slow: 300 * time.Millisecond}, "",
		bot.Options{Wait: w.wait, AckAfter: 50 * time.Millisecond, NoRateLimit: true})
	srv := h.srv
	faults := map[string]discordtest.Fault{
		"500":            {Status: 500},
		"503":            {Status: 503, RetryAfter: time.Second},
		"reset":          {Reset: true},
		"reset, handled": {Reset: true, Handled: true},
	}
	for _, name := range []string{"500", "503", "reset", "reset, handled"} {
		f := faults[name]
		t.Run("callback "+name, func(t *testing.T) {
			srv.FailNext(discordtest.KindCallback, 1, f)
			before := h.bot.Stats().Answered
			id := srv.Slash(alice, inGuild, "ask", discordtest.Opt{Name: "question", Value: "what is breakout time?"})
			if f.Handled {
				// The first callback went through; its answer was lost on the way back.
				if !srv.WaitUntil(timeout, func() bool { return h.bot.Stats().Answered == before+1 }) {
					t.Fatalf("stats %+v after a %s; logs:\n%s", h.bot.Stats(), name, h.logs.String())
				}
				return
			}
			if _, ok := delivered(t, srv, id, discordtest.KindCallback); !ok {
				t.Fatalf("the answer never reached Discord after a %s; logs:\n%s", name, h.logs.String())
			}
		})
		t.Run("edit "+name, func(t *testing.T) {
			srv.FailNext(discordtest.KindEditOriginal, 1, f)
			id := srv.Slash(alice, inGuild, "ask", discordtest.Opt{Name: "question", Value: "what is " + wordSlow + " breakout time?"})
			c, ok := delivered(t, srv, id, discordtest.KindEditOriginal)
			if !ok {
				t.Fatalf("the deferred answer was never edited in after a %s; logs:\n%s", name, h.logs.String())
			}
			if p, ok := srv.StoredMessage(c.MessageID); !ok || len(p.Embeds) == 0 {
				t.Errorf("the answer's message holds no passage: %s", p.Sprint())
			}
		})
		t.Run("mention "+name, func(t *testing.T) {
			srv.FailNext(discordtest.KindChannelMessage, 1, f)
			id := srv.Post(alice, inGuild, "<@"+discordtest.BotUserID+"> what is breakout time?", true)
			if _, _, err := srv.Reply(timeout, id); err != nil {
				t.Fatalf("no reply after a %s: %v; logs:\n%s", name, err, h.logs.String())
			}
			srv.WaitUntil(timeout, func() bool { return h.bot.Stats().Answered >= 1 })
			// The call is recorded once its handler returns, after the reply was stored.
			srv.WaitUntil(timeout, func() bool { return len(repliesTo(srv, id)) > 0 })
			made := map[string]bool{}
			for _, c := range repliesTo(srv, id) {
				made[c.MessageID] = true
			}
			if len(made) != 1 {
				t.Errorf("%d replies to one mention, want 1", len(made))
			}
		})
	}
	if len(w.all()) < 12 {
		t.Errorf("the bot waited %d times before trying again, want one per fault: %v", len(w.all()), w.all())
	}
	for _, d := range w.all() {
		if d <= 0 || d > 2*time.Second {
			t.Errorf("waited %s before trying again, want a short back-off (Retry-After 1 s at most)", d)
		}
	}
	st := h.bot.Stats()
	if st.Undelivered != 0 || st.Answered != 12 {
		t.Errorf("%d answered and %d undelivered of 12 questions, want all answered", st.Answered, st.Undelivered)
	}
	// The retry of a callback that went through is refused as acknowledged already,
	// which the fake notes; nothing else may be.
	for _, v := range srv.Violations() {
		if !strings.Contains(v, "answered twice") {
			t.Errorf("breach of Discord's rules: %s", v)
		}
	}
}

// TestRateLimitedEditWaitsItsWindow: a 429 with a retry_after of 3 s on the edit of a
// deferred answer is waited out (an interaction token lives 15 minutes), not given up.
func TestRateLimitedEditWaitsItsWindow(t *testing.T) {
	w := &waits{}
	h := start(t, nil, testAnswerer{Answerer: realIndex, slow: 300 * time.Millisecond}, "",
		bot.Options{Wait: w.wait, AckAfter: 50 * time.Millisecond})
	h.srv.FailNext(discordtest.KindEditOriginal, 1, discordtest.Fault{Status: 429, RetryAfter: 3 * time.Second})
	id := h.srv.Slash(alice, inGuild, "ask", discordtest.Opt{Name: "question", Value: "what is " + wordSlow + " breakout time?"})
	if _, ok := delivered(t, h.srv, id, discordtest.KindEditOriginal); !ok {
		t.Fatalf("the answer stayed \"thinking…\" after a 429 on its edit; logs:\n%s", h.logs.String())
	}
	if got := w.all(); len(got) != 1 || got[0] < 3*time.Second {
		t.Errorf("waits %v, want one of retry_after's 3 s", got)
	}
}

// TestRateLimitPastTheWindow: a 429 whose retry_after would land the deferral after
// Discord's three seconds is not waited for: no late callback, no edit that can only be
// refused. The member is told in the channel to ask again, and the question counted as
// busy; when the channel refuses the notice too, the question is counted as not
// delivered, with a dead letter saying what was asked and never who asked.
func TestRateLimitPastTheWindow(t *testing.T) {
	for _, tc := range []struct {
		name         string
		noticeFails  bool
		wantOutcome  func(bot.Stats) bool
		wantNotices  int
		wantDeadMail bool
	}{
		{name: "told busy", wantOutcome: func(st bot.Stats) bool { return st.Busy == 1 && st.Undelivered == 0 }, wantNotices: 1},
		{name: "notice refused", noticeFails: true, wantOutcome: func(st bot.Stats) bool { return st.Undelivered == 1 && st.Busy == 0 }, wantDeadMail: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, nil, testAnswerer{Answerer: realIndex, slow: 2 * time.Second}, "", bot.Options{})
			h.srv.FailNext(discordtest.KindCallback, 1, discordtest.Fault{Status: 429, RetryAfter: 1800 * time.Millisecond})
			if tc.noticeFails {
				h.srv.FailNext(discordtest.KindChannelMessage, 1, discordtest.Fault{Status: 403})
			}
			q := "what is " + wordSlow + " breakout time?"
			id := h.srv.Slash(alice, inGuild, "ask", discordtest.Opt{Name: "question", Value: q})
			if !h.srv.WaitUntil(timeout, func() bool { return h.bot.Stats().Questions == 1 }) {
				t.Fatalf("the question did not end: %+v; logs:\n%s", h.bot.Stats(), h.logs.String())
			}
			if st := h.bot.Stats(); !tc.wantOutcome(st) {
				t.Errorf("counted %+v", st)
			}
			notices := 0
			for _, c := range h.srv.Calls() {
				if c.InteractionID == id && c.Status != 429 {
					t.Errorf("%s %s after the 429 that left no time: %d", c.Method, c.Kind, c.Status)
				}
				if c.Kind == discordtest.KindChannelMessage && c.Status == 200 && c.ChannelID == inGuild.ChannelID {
					notices++
				}
			}
			if notices != tc.wantNotices {
				t.Errorf("%d busy notices in the channel, want %d", notices, tc.wantNotices)
			}
			if v := h.srv.Violations(); len(v) > 0 {
				t.Errorf("breaches of Discord's rules: %v", v)
			}
			var dead string
			for _, l := range strings.Split(h.logs.String(), "\n") {
				if strings.Contains(l, "level=WARN") && strings.Contains(l, "reply not delivered") {
					dead = l
				}
			}
			switch {
			case tc.wantDeadMail && (!strings.Contains(dead, wordSlow) || strings.Contains(dead, alice.ID)):
				t.Errorf("dead letter %q: want the question and no member id", dead)
			case !tc.wantDeadMail && dead != "":
				t.Errorf("dead letter %q for a member who was told", dead)
			}
			recs := readLines[bot.QuestionRecord](t, filepath.Join(h.dataDir, bot.QuestionsFile))
			if len(recs) != 1 || recs[0].Answered || recs[0].Undelivered != tc.noticeFails || recs[0].Busy == tc.noticeFails || recs[0].Error == "" {
				t.Errorf("questions log %+v, want one question, busy or undelivered, with its reason", recs)
			}
		})
	}
}

// TestReplyFailureCounted: a reply Discord keeps failing within its window is counted
// as undelivered, in the metrics and the questions log, never as answered.
func TestReplyFailureCounted(t *testing.T) {
	w := &waits{}
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{Wait: w.wait})
	h.srv.FailNext(discordtest.KindChannelMessage, 100, discordtest.Fault{Status: 503})
	id := h.srv.Post(alice, inGuild, "<@"+discordtest.BotUserID+"> what is breakout time?", true)
	if !h.srv.WaitUntil(timeout, func() bool { return h.bot.Stats().Undelivered == 1 }) {
		t.Fatalf("stats %+v, want one undelivered question; logs:\n%s", h.bot.Stats(), h.logs.String())
	}
	if st := h.bot.Stats(); st.Answered != 0 {
		t.Errorf("%d answered, want 0: the reply never reached the member", st.Answered)
	}
	if n := len(repliesTo(h.srv, id)); n != 0 {
		t.Errorf("%d replies went through, want 0", n)
	}
	if got := len(w.all()); got < 2 {
		t.Errorf("%d retries, want several within the reply's window", got)
	}
	recs := readLines[bot.QuestionRecord](t, filepath.Join(h.dataDir, bot.QuestionsFile))
	if len(recs) != 1 || recs[0].Answered || !recs[0].Undelivered {
		t.Errorf("questions log %+v, want one undelivered question", recs)
	}
}

// TestRegistrationRetried: registering the commands at start through 503s and a reset
// is retried with back-off, and the bot is not ready until it went through.
func TestRegistrationRetried(t *testing.T) {
	srv := discordtest.New(discordtest.WithHeartbeatInterval(time.Second))
	t.Cleanup(srv.Close)
	srv.FailNext(discordtest.KindCommands, 2, discordtest.Fault{Status: 503})
	srv.FailNext(discordtest.KindCommands, 1, discordtest.Fault{Reset: true})
	hold := make(chan struct{})
	srv.FailNext(discordtest.KindCommands, 1, discordtest.Fault{Hold: hold})
	w := &waits{}
	h := start(t, srv, realIndex, "", bot.Options{Wait: w.wait})
	if !srv.WaitUntil(timeout, func() bool { return srv.Faults() == 4 }) {
		t.Fatalf("%d attempts to register, want 4; logs:\n%s", srv.Faults(), h.logs.String())
	}
	if ok, reason := h.bot.Health(); ok || !strings.Contains(reason, "commands not registered") {
		t.Errorf("while registering: ready %v %q, want not ready, commands not registered", ok, reason)
	}
	close(hold)
	if !srv.WaitUntil(timeout, func() bool { ok, _ := h.bot.Health(); return ok }) {
		_, reason := h.bot.Health()
		t.Fatalf("not ready after the commands went through: %s", reason)
	}
	if len(srv.Commands(guildID)) == 0 {
		t.Error("no commands registered")
	}
	if len(w.all()) != 3 {
		t.Errorf("waits %v, want 3 back-offs", w.all())
	}
}

// TestSlowReplyHoldsNoOther: a reply to a mention that hangs does not hold back the
// reply to another mention in the same channel.
func TestSlowReplyHoldsNoOther(t *testing.T) {
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{NoRateLimit: true})
	hold := make(chan struct{})
	h.srv.FailNext(discordtest.KindChannelMessage, 1, discordtest.Fault{Hold: hold})
	first := h.srv.Post(alice, inGuild, "<@"+discordtest.BotUserID+"> what is breakout time?", true)
	if !h.srv.WaitUntil(timeout, func() bool { return h.srv.Faults() == 1 }) {
		t.Fatal("the first reply never reached Discord")
	}
	// Replies in a channel share a few rate-limit buckets: ask until one uses another
	// bucket than the held reply's.
	bob := discordtest.User{ID: "700000000000000002", Name: "bob"}
	var others []string
	second := ""
	for second == "" && len(others) < 50 {
		id := h.srv.Post(bob, inGuild, "<@"+discordtest.BotUserID+"> what is snapback?", true)
		others = append(others, id)
		if bot.ReplyLane(id) != bot.ReplyLane(first) {
			second = id
		}
	}
	if _, _, err := h.srv.Reply(timeout, second); err != nil {
		t.Errorf("the second reply waited for the first: %v", err)
	}
	close(hold)
	for _, id := range append(others, first) {
		if _, _, err := h.srv.Reply(timeout, id); err != nil {
			t.Errorf("reply to %s after the hold: %v", id, err)
		}
	}
}

// TestEventsHandledOnce: an INTERACTION_CREATE and a MESSAGE_CREATE that the gateway
// delivers again after a resume are handled once: one callback, one public reply.
func TestEventsHandledOnce(t *testing.T) {
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{NoRateLimit: true})
	srv := h.srv
	msg := srv.Post(alice, inGuild, "<@"+discordtest.BotUserID+"> what is breakout time?", true)
	if _, _, err := srv.Reply(timeout, msg); err != nil {
		t.Fatal(err)
	}
	inter := srv.Slash(alice, inGuild, "ask", discordtest.Opt{Name: "question", Value: "what is snapback?"})
	if _, _, err := srv.Response(timeout, inter); err != nil {
		t.Fatal(err)
	}
	srv.WaitUntil(timeout, func() bool { return h.bot.Stats().Answered == 2 })
	resumes := srv.Resumes()
	srv.ReplayOnResume(2)
	srv.DropConnection()
	if !srv.WaitUntil(timeout, func() bool { return srv.Resumes() > resumes }) {
		t.Fatal("the bot did not resume")
	}
	callbacks := func() int {
		n := 0
		for _, c := range srv.Calls() {
			if c.InteractionID == inter && c.Kind == discordtest.KindCallback {
				n++
			}
		}
		return n
	}
	// Wait until both events came back and were set aside, or handled again.
	srv.WaitUntil(timeout, func() bool {
		logs := h.logs.String()
		again := strings.Contains(logs, "interaction delivered again") && strings.Contains(logs, "message delivered again")
		return again || callbacks() > 1 || len(repliesTo(srv, msg)) > 1
	})
	if n := callbacks(); n != 1 {
		t.Errorf("%d callbacks to one interaction, want 1", n)
	}
	if n := len(repliesTo(srv, msg)); n != 1 {
		t.Errorf("%d replies to one message, want 1", n)
	}
	if st := h.bot.Stats(); st.Questions != 2 {
		t.Errorf("%d questions counted, want 2", st.Questions)
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("breaches of Discord's rules: %v", v)
	}
}

// TestBurstOnALimitedRoute: 50 /ask at once while Discord lets through 10 callbacks a
// second (10 at once): every member whose answer fits in Discord's three seconds gets
// it, retried after each 429's retry_after; the others are told in the channel, in one
// notice for the burst that pings no one, to ask again, and are counted as busy. Nothing
// is counted as answered that Discord did not take, and no question is lost unsaid.
func TestBurstOnALimitedRoute(t *testing.T) {
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{NoRateLimit: true})
	srv := h.srv
	srv.LimitRate(discordtest.KindCallback, 100*time.Millisecond, 10)
	const n = 50
	ids := make([]string, n)
	for i := range ids {
		ids[i] = srv.Slash(alice, inGuild, "ask", discordtest.Opt{Name: "question", Value: "what is breakout time?"})
	}
	// Each question ends within its window and its search's time-out: generous on a
	// loaded machine.
	if !srv.WaitUntil(2*time.Minute, func() bool { return h.bot.Stats().Questions == n }) {
		t.Fatalf("%d of %d questions ended: %+v", h.bot.Stats().Questions, n, h.bot.Stats())
	}
	took := 0
	for _, id := range ids {
		for _, c := range srv.Calls() {
			if c.InteractionID == id && c.Kind == discordtest.KindCallback && c.Status == 204 {
				took++
				break
			}
		}
	}
	limited := 0
	told, notices := 0, 0
	for _, c := range srv.Calls() {
		switch {
		case c.Kind == discordtest.KindCallback && c.Status == 429:
			limited++
		case c.Kind == discordtest.KindChannelMessage && c.Status == 200:
			p, err := c.Payload()
			if err != nil {
				t.Fatal(err)
			}
			notices++
			told += noticeCount(t, p.Content)
			if p.AllowedMentions == nil || p.AllowedMentions.Parse == nil || len(*p.AllowedMentions.Parse) > 0 {
				t.Errorf("busy notice may ping: allowed_mentions %+v", p.AllowedMentions)
			}
		}
	}
	st := h.bot.Stats()
	t.Logf("%d of %d answers went through, %d told busy in %d notices, %d counted undelivered, %d callbacks answered 429",
		took, n, st.Busy, notices, st.Undelivered, limited)
	if took == n {
		t.Fatalf("every callback went through: the rate limit did not bite")
	}
	// Never counted as answered what Discord did not take. (An answer Discord took may
	// still count as busy or undelivered when its acknowledgement was lost on the way
	// back, as on a loaded machine: the bot cannot know.)
	if int(st.Answered+st.Unanswered) > took {
		t.Errorf("%d counted as answered, but Discord took %d answers", st.Answered+st.Unanswered, took)
	}
	if st.Undelivered != 0 {
		t.Errorf("%d questions lost without a word, want every member told (channel messages are not limited)", st.Undelivered)
	}
	if int(st.Busy) < n-took {
		t.Errorf("%d counted busy, want at least the %d that Discord did not take", st.Busy, n-took)
	}
	if told != int(st.Busy) {
		t.Errorf("the notices speak of %d questions, want the %d counted busy", told, st.Busy)
	}
	// One burst, one channel: a notice for the burst, not one a member.
	if notices == 0 || notices > 2 {
		t.Errorf("%d busy notices in the channel, want one or two for one burst", notices)
	}
}

// noticeCount is how many questions a busy notice says it is about.
func noticeCount(t *testing.T, content string) int {
	t.Helper()
	if strings.Contains(content, "answer one question in time") {
		return 1
	}
	var k int
	if i := strings.Index(content, "answer "); i < 0 {
		t.Fatalf("not a busy notice: %q", content)
	} else if _, err := fmt.Sscanf(content[i:], "answer %d questions", &k); err != nil {
		t.Fatalf("busy notice without its count: %q", content)
	}
	return k
}

// TestMalformedInteractionsDoNotPanic: an interaction whose data does not fit its type
// (a command or a button without data) is set aside with a warning, without a panic.
func TestMalformedInteractionsDoNotPanic(t *testing.T) {
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{})
	base := func(id string, typ int) map[string]any {
		return map[string]any{"id": id, "application_id": discordtest.AppID, "type": typ, "token": "itoken-" + id,
			"version": 1, "channel_id": channelID, "guild_id": guildID,
			"member": map[string]any{"user": map[string]any{"id": alice.ID, "username": alice.Name}, "permissions": "0"}}
	}
	command := base("1578100000000000001", 2) // no data
	button := base("1578100000000000002", 3)  // no data
	for _, ev := range []map[string]any{command, button} {
		if err := h.srv.Dispatch("INTERACTION_CREATE", ev); err != nil {
			t.Fatal(err)
		}
	}
	if !h.srv.WaitUntil(timeout, func() bool { return strings.Count(h.logs.String(), "malformed interaction") == 2 }) {
		t.Errorf("%d malformed interactions set aside, want 2; logs:\n%s", strings.Count(h.logs.String(), "malformed interaction"), h.logs.String())
	}
	if st := h.bot.Stats(); st.Panics != 0 {
		t.Errorf("%d panics, want none", st.Panics)
	}
}

// TestInvalidSessionResumable: an op 9 INVALID_SESSION with d=true is answered by a
// RESUME of the session, not a new IDENTIFY, and the next question is answered; an op 9
// with d=false is answered by an IDENTIFY.
func TestInvalidSessionResumable(t *testing.T) {
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{NoRateLimit: true})
	srv := h.srv
	resumes, identifies := srv.Resumes(), len(srv.Identifies())
	srv.InvalidSession(true)
	if !srv.WaitUntil(timeout, func() bool { return srv.Resumes() > resumes || len(srv.Identifies()) > identifies }) {
		t.Fatalf("neither a resume nor an identify after op 9 d=true; logs:\n%s", h.logs.String())
	}
	t.Logf("after op 9 d=true: %d resumes, %d identifies", srv.Resumes()-resumes, len(srv.Identifies())-identifies)
	if got := srv.Resumes() - resumes; got < 1 { // a late heartbeat ACK on a loaded machine may add one
		t.Errorf("%d resumes after op 9 d=true, want 1", got)
	}
	if got := len(srv.Identifies()) - identifies; got != 0 {
		t.Errorf("%d identifies after op 9 d=true, want 0: the session could be resumed", got)
	}
	id := srv.Slash(alice, inGuild, "ask", discordtest.Opt{Name: "question", Value: "what is breakout time?"})
	if _, _, err := srv.Response(timeout, id); err != nil {
		t.Errorf("no answer after the resume: %v", err)
	}

	resumes, identifies = srv.Resumes(), len(srv.Identifies())
	srv.InvalidSession(false)
	if !srv.WaitUntil(timeout, func() bool { return len(srv.Identifies()) > identifies }) {
		t.Fatalf("no identify after op 9 d=false; logs:\n%s", h.logs.String())
	}
	if got := srv.Resumes() - resumes; got != 0 {
		t.Errorf("%d resumes after op 9 d=false, want 0", got)
	}
	id = srv.Slash(alice, inGuild, "ask", discordtest.Opt{Name: "question", Value: "what is snapback?"})
	if _, _, err := srv.Response(timeout, id); err != nil {
		t.Errorf("no answer after the new session: %v", err)
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("breaches of Discord's rules: %v", v)
	}
}
