package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/standoff-bot/standoff"

	"github.com/bwmarrin/discordgo"
)

// What a member is told when something fails; the detail goes to the log.
const (
	msgSearchFailed = "Sorry — I couldn't search the sources just now. Please try again in a moment."
	msgTooSlow      = "Sorry — the search took too long. Please try again in a moment."
	msgPanic        = "Sorry — something went wrong on my side. It has been logged; please try again."
	msgOldButton    = "This button is from an older answer I can't read any more; please ask again with `/ask`."
	msgNoQuestion   = "Ask me a question, for example `/ask question: what is breakout time?`"
	msgNoText       = "That message has no text I can look up sources for."
	msgUnknownCmd   = "I don't know this command any more; it may be left over from an older version."
	msgPassageGone  = "This passage has changed since the answer was given; please ask again."
	msgNotAsker     = "Only the member who asked can remove this answer."
)

// userError is an error with the short reason a member is shown.
type userError struct {
	msg string
	err error
}

func (e *userError) Error() string { return e.err.Error() }
func (e *userError) Unwrap() error { return e.err }

// reason returns what to tell a member about err.
func reason(err error) string {
	var ue *userError
	if errors.As(err, &ue) {
		return ue.msg
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return msgTooSlow
	}
	return msgPanic
}

// rateText is the friendly reply to a member over the rate limit.
func rateText(wait time.Duration) string {
	s := int(math.Ceil(wait.Seconds()))
	if s < 1 {
		s = 1
	}
	return fmt.Sprintf("You're asking faster than I can keep up — try again in %d s.", s)
}

// responder answers one interaction, remembering whether it has been acknowledged.
type responder struct {
	b     *Bot
	s     *discordgo.Session
	i     *discordgo.Interaction
	log   *slog.Logger
	start time.Time // when the interaction arrived

	mu    sync.Mutex
	state ackState
}

type ackState int

const (
	unacked  ackState = iota
	deferred          // a deferred response was sent; the answer comes as an edit
	answered          // the response was sent (or its sending failed)
)

func (r *responder) setState(s ackState) {
	r.mu.Lock()
	r.state = s
	r.mu.Unlock()
}

func (r *responder) getState() ackState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state
}

// userID is the member or user who interacted.
func userOf(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// displayName is the name the member who interacted goes by: their server nickname,
// else their global name, else their user name.
func displayName(i *discordgo.Interaction) string {
	u := i.User
	if i.Member != nil {
		if i.Member.Nick != "" {
			return i.Member.Nick
		}
		u = i.Member.User
	}
	switch {
	case u == nil:
		return "a member"
	case u.GlobalName != "":
		return u.GlobalName
	default:
		return u.Username
	}
}

// send responds with m: a new message, or (update) a new version of the message the
// button is on.
func (r *responder) send(ctx context.Context, update bool, m message) {
	typ := discordgo.InteractionResponseChannelMessageWithSource
	if update {
		typ = discordgo.InteractionResponseUpdateMessage
	}
	data := m.responseData()
	if update {
		data.Flags = 0 // an update cannot change whether the message is ephemeral
	}
	r.setState(answered)
	err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
		return r.s.InteractionRespond(r.i, &discordgo.InteractionResponse{Type: typ, Data: data}, opts...)
	})
	if err != nil {
		r.log.Error("responding to an interaction failed", "err", err)
	}
}

// fail tells the member, briefly and privately, that the request failed, and logs err.
func (r *responder) fail(ctx context.Context, err error) {
	r.log.Error("request failed", "err", err)
	text := reason(err)
	switch r.getState() {
	case unacked:
		r.send(ctx, false, notice(text))
	case deferred:
		r.setState(answered)
		if r.i.Type == discordgo.InteractionMessageComponent {
			// The deferred update left the message as it was: say why in a private follow-up.
			err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
				_, err := r.s.FollowupMessageCreate(r.i, true, notice(text).webhookParams(), opts...)
				return err
			})
			if err != nil {
				r.log.Error("sending the failure notice failed", "err", err)
			}
			return
		}
		// The deferred "thinking…" message becomes the notice.
		err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
			_, err := r.s.InteractionResponseEdit(r.i, notice(text).webhookEdit(), opts...)
			return err
		})
		if err != nil {
			r.log.Error("sending the failure notice failed", "err", err)
		}
	}
}

// respond answers with what produce makes. When produce is quick, that is the one
// response; when it takes longer than AckAfter, the interaction is first deferred (so it
// is acknowledged within Discord's three seconds) and the answer then replaces the
// deferred response. ephemeral must match the answer's own flag. It returns produce's
// error (a panic in produce is one), after the member has been told.
func (r *responder) respond(ctx context.Context, update, ephemeral bool, produce func(context.Context) (message, error)) error {
	type result struct {
		m   message
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				r.b.metrics.panics.Inc()
				r.log.Error("panic while answering", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				done <- result{err: fmt.Errorf("panic: %v", p)}
			}
		}()
		m, err := produce(ctx)
		done <- result{m, err}
	}()
	t := time.NewTimer(r.ackAfter())
	defer t.Stop()
	var res result
	select {
	case res = <-done:
		if res.err != nil {
			r.fail(ctx, res.err)
			return res.err
		}
		r.send(ctx, update, res.m)
		return nil
	case <-t.C:
	}

	typ := discordgo.InteractionResponseDeferredChannelMessageWithSource
	if update {
		typ = discordgo.InteractionResponseDeferredMessageUpdate
	}
	data := &discordgo.InteractionResponseData{AllowedMentions: noMentions()}
	if ephemeral && !update {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	r.setState(deferred)
	err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
		return r.s.InteractionRespond(r.i, &discordgo.InteractionResponse{Type: typ, Data: data}, opts...)
	})
	if err != nil {
		r.setState(answered)
		r.log.Error("deferring an interaction failed", "err", err)
	}
	r.log.Debug("answer is slow: interaction deferred", "after", r.b.opts.AckAfter)
	res = <-done
	if res.err != nil {
		r.fail(ctx, res.err)
		return res.err
	}
	r.setState(answered)
	err = callREST(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := r.s.InteractionResponseEdit(r.i, res.m.webhookEdit(), opts...)
		return err
	})
	if err != nil {
		r.log.Error("editing the deferred response failed", "err", err)
	}
	return nil
}

// ackAfter is how long an answer may still take before the interaction is deferred:
// AckAfter, less the time the interaction spent reaching the bot. Discord's three seconds
// run from the interaction's creation, which its snowflake id tells; an interaction
// replayed after a gateway reconnection may arrive a second or two old. An age below
// zero or above Discord's window says more about the clock than the interaction and is
// ignored.
func (r *responder) ackAfter() time.Duration {
	wait := r.b.opts.AckAfter
	created, err := discordgo.SnowflakeTimestamp(r.i.ID)
	if err != nil {
		return wait
	}
	if age := r.start.Sub(created); age > 0 && age < 3*time.Second {
		wait -= age
	}
	return max(wait, 0)
}

// onInteraction handles every interaction: commands, autocomplete and buttons. A panic is
// recovered, logged, and the member told, so that the bot keeps going.
func (b *Bot) onInteraction(s *discordgo.Session, ev *discordgo.InteractionCreate) {
	if ev == nil || ev.Interaction == nil || !b.track() {
		return
	}
	defer b.wg.Done()
	start := time.Now()
	ctx, cancel := context.WithTimeout(b.handlerContext(), b.opts.AnswerTimeout+10*time.Second)
	defer cancel()
	i := ev.Interaction
	log := b.log.With("request_id", i.ID, "user", userOf(i), "type", i.Type.String(), "shard", s.ShardID)
	r := &responder{b: b, s: s, i: i, log: log, start: start}
	defer func() {
		if p := recover(); p != nil {
			b.metrics.panics.Inc()
			r.log.Error("panic in interaction handler", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
				r.fail(ctx, fmt.Errorf("panic: %v", p))
			}
		}
	}()

	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		b.onCommand(ctx, r, ev)
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.onAutocomplete(ctx, r, ev)
	case discordgo.InteractionMessageComponent:
		b.onComponent(ctx, r, ev)
	default:
		r.log.Warn("interaction of a type the bot does not handle")
	}
}

func (b *Bot) onCommand(ctx context.Context, r *responder, ev *discordgo.InteractionCreate) {
	data := ev.ApplicationCommandData()
	r.log = r.log.With("command", data.Name)
	switch data.Name {
	case cmdAsk:
		var q string
		var private bool
		if o := data.GetOption(optQuestion); o != nil && o.Type == discordgo.ApplicationCommandOptionString {
			q = o.StringValue()
		}
		if o := data.GetOption(optPrivate); o != nil && o.Type == discordgo.ApplicationCommandOptionBoolean {
			private = o.BoolValue()
		}
		b.ask(ctx, r, kindAsk, q, private, "ask", false)
	case cmdFindSources:
		var text string
		if data.Resolved != nil && data.Resolved.Messages != nil {
			if m := data.Resolved.Messages[data.TargetID]; m != nil {
				text = stripMentions(m.Content)
			}
		}
		if text == "" {
			r.send(ctx, false, notice(msgNoText))
			return
		}
		b.ask(ctx, r, kindFind, text, true, "find_sources", false)
	case cmdAbout:
		up, down := 0, 0
		b.mu.Lock()
		fb := b.feedback
		b.mu.Unlock()
		if fb != nil {
			up, down = fb.Counts()
		}
		msg := aboutMessage(b.a.Stats(), b.opts.Version, up, down)
		if b.opts.CorpusCommit != nil {
			msg = withCorpusCommit(msg, b.opts.CorpusCommit())
		}
		r.send(ctx, false, msg)
	case cmdHelp:
		r.send(ctx, false, helpMessage(b.botUser(), coverageOf(b.a)))
	default:
		if c, ok := b.extra[data.Name]; ok {
			if err := c.Handle(ctx, r.s, ev); err != nil {
				r.log.Error("command failed", "err", err)
			}
			return
		}
		r.send(ctx, false, notice(msgUnknownCmd))
	}
}

// ask answers question q from offset 0 for an interaction: rate limit, search, render,
// respond in time.
func (b *Bot) ask(ctx context.Context, r *responder, kind questionKind, q string, private bool, source string, update bool) {
	q = cutQuestion(q)
	if q == "" {
		r.send(ctx, false, notice(msgNoQuestion))
		return
	}
	if wait, ok, tell := b.limiter.allow(userOf(r.i)); !ok {
		b.tooFast(ctx, r, wait, tell)
		b.endQuestion(r.log, source, q, r.start, OutcomeRateLimited, 0)
		return
	}
	var ans standoff.Answer
	err := r.respond(ctx, update, private, func(ctx context.Context) (message, error) {
		a, err := b.answer(ctx, standoff.Request{Question: q, Related: kind == kindFind}, source, r.i.GuildID)
		if err != nil {
			return message{}, err
		}
		ans = a
		v := view{Kind: kind, Question: q, Answer: a, Private: private}
		if !private {
			v.Asker = userOf(r.i)
		}
		return renderAnswer(v, b.opts.Split), nil
	})
	b.endQuestion(r.log, source, q, r.start, outcome(ans, err), len(ans.Results))
}

// outcome names how a question ended: with an error, answered, or not answered.
func outcome(ans standoff.Answer, err error) string {
	switch {
	case err != nil:
		return OutcomeError
	case ans.Answered && len(ans.Results) > 0:
		return OutcomeAnswered
	default:
		return OutcomeNotAnswered
	}
}

// endQuestion counts a question's outcome and latency (from arrival to reply) and logs
// the one line every question ends with. The question's text is logged at debug level
// only: members' words stay out of the log at info.
func (b *Bot) endQuestion(log *slog.Logger, source, q string, start time.Time, outcome string, results int) {
	took := time.Since(start)
	b.metrics.observeQuestion(outcome, took)
	log.Info("question", "source", source, "outcome", outcome,
		"latency_ms", float64(took.Microseconds())/1000, "results", results)
	log.Debug("question text", "question", q)
}

// answer asks the index, bounded by AnswerTimeout. A new question (source not empty) is
// counted and written to the questions log with its outcome; pages of an answer are not.
func (b *Bot) answer(ctx context.Context, req standoff.Request, source, guild string) (standoff.Answer, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.AnswerTimeout)
	defer cancel()
	if req.K == 0 {
		req.K = standoff.DefaultK
	}
	start := time.Now()
	ans, err := b.a.Answer(ctx, req)
	took := time.Since(start)
	if source != "" {
		b.recordQuestion(source, guild, req.Question, ans, err, took)
	}
	if err != nil {
		msg := msgSearchFailed
		if errors.Is(err, context.DeadlineExceeded) {
			msg = msgTooSlow
		}
		// The question's text stays out of the error, which is logged at error level.
		return ans, &userError{msg: msg, err: fmt.Errorf("answer (offset %d): %w", req.Offset, err)}
	}
	b.log.Debug("answered", "question", req.Question, "offset", req.Offset, "results", len(ans.Results), "answered", ans.Answered, "took", took)
	return ans, nil
}

func (b *Bot) onAutocomplete(ctx context.Context, r *responder, ev *discordgo.InteractionCreate) {
	data := ev.ApplicationCommandData()
	if _, ok, _ := b.cheap.allow(userOf(r.i)); !ok {
		r.log.Debug("autocomplete over the rate limit: no suggestions")
		b.sendChoices(ctx, r, []*discordgo.ApplicationCommandOptionChoice{})
		return
	}
	if c, ok := b.extra[data.Name]; ok {
		if err := c.Handle(ctx, r.s, ev); err != nil {
			r.log.Error("autocomplete failed", "err", err)
		}
		return
	}
	b.metrics.completes.Inc()
	var typed string
	for _, o := range data.Options {
		if o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
			typed = o.StringValue()
		}
	}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	choices := completionChoices(b.a.Complete(cctx, strings.TrimSpace(typed), maxChoices))
	b.sendChoices(ctx, r, choices)
}

// sendChoices answers an autocomplete request with choices.
func (b *Bot) sendChoices(ctx context.Context, r *responder, choices []*discordgo.ApplicationCommandOptionChoice) {
	// discordgo's response type drops an empty choices list (omitempty); Discord wants
	// the list, so send the payload as it should be.
	payload := struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data struct {
			Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
		} `json:"data"`
	}{Type: discordgo.InteractionApplicationCommandAutocompleteResult}
	payload.Data.Choices = choices
	r.setState(answered)
	endpoint := discordgo.EndpointInteractionResponse(r.i.ID, r.i.Token)
	err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := r.s.RequestWithBucketID("POST", endpoint, payload, endpoint, opts...)
		return err
	})
	if err != nil {
		r.log.Error("answering autocomplete failed", "err", err)
	}
}

// completionChoices turns completions into at most 25 distinct choices of 1 to 100
// characters.
func completionChoices(list []string) []*discordgo.ApplicationCommandOptionChoice {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	seen := map[string]bool{}
	for _, s := range list {
		s = strings.Join(strings.Fields(s), " ")
		if s == "" {
			continue
		}
		s = cutText(s, maxChoiceLen)
		if seen[strings.ToLower(s)] {
			continue
		}
		seen[strings.ToLower(s)] = true
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: s, Value: s})
		if len(choices) == maxChoices {
			break
		}
	}
	return choices
}

func (b *Bot) onComponent(ctx context.Context, r *responder, ev *discordgo.InteractionCreate) {
	data := ev.MessageComponentData()
	r.log = r.log.With("button", customIDKind(data.CustomID))
	for _, c := range b.extra {
		if c.ComponentPrefix != "" && strings.HasPrefix(data.CustomID, c.ComponentPrefix) {
			if err := c.Handle(ctx, r.s, ev); err != nil {
				r.log.Error("component failed", "err", err)
			}
			return
		}
	}
	a, err := parseAction(data.CustomID)
	if err != nil {
		r.fail(ctx, &userError{msg: msgOldButton, err: err})
		return
	}
	msg := r.i.Message
	if msg == nil {
		r.fail(ctx, &userError{msg: msgOldButton, err: errors.New("button interaction without its message")})
		return
	}
	private := msg.Flags&discordgo.MessageFlagsEphemeral != 0
	switch a.Kind {
	case actAsk:
		b.ask(ctx, r, kindAsk, a.Term, private, "suggestion", true)
	case actPage, actPost:
		kind, q, ok := parseQuestion(msg.Content)
		if !ok {
			r.fail(ctx, &userError{msg: msgOldButton, err: errors.New("no question in the message")})
			return
		}
		if wait, ok, tell := b.limiter.allow(userOf(r.i)); !ok {
			b.tooFast(ctx, r, wait, tell)
			return
		}
		b.metrics.pages.Inc()
		v := view{Kind: kind, Question: q, Offset: a.Offset, Private: private, Asker: a.Asker}
		update := true
		switch {
		case a.Kind == actPost:
			// A new, public message in the channel, saying who shared it.
			v.Private, v.SharedBy, v.Asker, update = false, displayName(r.i), userOf(r.i), false
		case !private && a.Asker != "" && a.Asker != userOf(r.i):
			// Someone else's public answer: they get the page privately, and the answer
			// stays as its asker left it.
			v.Private, v.Asker, update = true, "", false
		}
		r.respond(ctx, update, v.Private, func(ctx context.Context) (message, error) {
			ans, err := b.answer(ctx, standoff.Request{Question: q, Offset: a.Offset, Related: kind == kindFind}, "", r.i.GuildID)
			if err != nil {
				return message{}, err
			}
			v.Answer = ans
			m := renderAnswer(v, b.opts.Split)
			if len(ans.Results) == 0 && a.Offset > 0 {
				return message{}, &userError{msg: m.Content, err: errors.New("no passages at this offset any more")}
			}
			return m, nil
		})
	case actFull:
		kind, q, ok := parseQuestion(msg.Content)
		if !ok {
			r.fail(ctx, &userError{msg: msgOldButton, err: errors.New("no question in the message")})
			return
		}
		if wait, ok, tell := b.limiter.allow(userOf(r.i)); !ok {
			b.tooFast(ctx, r, wait, tell)
			return
		}
		r.respond(ctx, false, true, func(ctx context.Context) (message, error) {
			ans, err := b.answer(ctx, standoff.Request{Question: q, Offset: a.Offset, K: 1, Related: kind == kindFind}, "", r.i.GuildID)
			if err != nil {
				return message{}, err
			}
			if len(ans.Results) == 0 || a.Ref != "" && passageKey(ans.Results[0]) != a.Ref {
				return message{}, &userError{msg: msgPassageGone, err: errors.New("the passage is no longer at this rank")}
			}
			return renderFull(ans.Results[0], b.opts.Split), nil
		})
	case actDelete:
		b.remove(ctx, r, a)
	case actVote:
		b.vote(ctx, r, a.Up)
	}
}

// tooFast answers a request over the rate limit: with a private "too fast" when tell,
// else, for a button, by acknowledging it without a word (a command must be answered).
func (b *Bot) tooFast(ctx context.Context, r *responder, wait time.Duration, tell bool) {
	if tell || r.i.Type != discordgo.InteractionMessageComponent {
		r.send(ctx, false, notice(rateText(wait)))
		return
	}
	r.setState(answered)
	err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
		return r.s.InteractionRespond(r.i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}, opts...)
	})
	if err != nil {
		r.log.Error("acknowledging a button over the rate limit failed", "err", err)
	}
}

// vote records a 👍 or 👎 on the passages of the message the button is on.
func (b *Bot) vote(ctx context.Context, r *responder, up bool) {
	if wait, ok, tell := b.votes.allow(userOf(r.i)); !ok {
		b.tooFast(ctx, r, wait, tell)
		return
	}
	msg := r.i.Message
	_, q, _ := parseQuestion(msg.Content)
	b.mu.Lock()
	key := b.hashKey
	b.mu.Unlock()
	v := Vote{
		Time: time.Now().UTC(), User: memberHash(key, userOf(r.i)), Guild: r.i.GuildID, Channel: r.i.ChannelID,
		Message: msg.ID, Question: q, Passages: []string{}, Vote: "down",
	}
	if up {
		v.Vote = "up"
	}
	v.Passages = append(v.Passages, shownPassages(msg)...)
	b.mu.Lock()
	fb := b.feedback
	b.mu.Unlock()
	if fb == nil {
		r.fail(ctx, errors.New("vote before the feedback log is open"))
		return
	}
	changed, err := fb.Record(v)
	if err != nil {
		r.fail(ctx, &userError{msg: "Sorry — I couldn't record your vote just now. Please try again.", err: err})
		return
	}
	emoji := "👎"
	if up {
		emoji = "👍"
	}
	text := "Thanks — your " + emoji + " is recorded. It tells the moderators which passages answer and which don't."
	if changed {
		b.metrics.observeVote(up)
	} else {
		text = "You have already given this answer a " + emoji + " — thanks!"
	}
	r.log.Info("vote", "vote", v.Vote, "message", v.Message, "changed", changed)
	r.send(ctx, false, notice(text))
}

// customIDKind is the part of a custom id before its first colon ("page", "vote", "ask"):
// enough to log, without the suggested term an ask: button carries.
func customIDKind(id string) string {
	kind, _, _ := strings.Cut(id, ":")
	return cutText(kind, 32)
}

// shownPassages reads which passages a message shows, "doc#paragraph", from the custom
// ids of its 📄 buttons; answers from before them name the passages in their footers.
func shownPassages(msg *discordgo.Message) []string {
	var out []string
	for _, row := range msg.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if bt, ok := c.(*discordgo.Button); ok {
				if a, err := parseAction(bt.CustomID); err == nil && a.Kind == actFull && a.Ref != "" {
					out = append(out, a.Ref)
				}
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, e := range msg.Embeds {
		if e != nil && e.Footer != nil {
			if ref, ok := passageRef(e.Footer.Text); ok {
				out = append(out, ref)
			}
		}
	}
	return out
}

// remove deletes a public answer at the request of the member who asked it; anyone else
// is told, privately, that only the asker can.
func (b *Bot) remove(ctx context.Context, r *responder, a action) {
	if a.Asker == "" || a.Asker != userOf(r.i) {
		r.send(ctx, false, notice(msgNotAsker))
		return
	}
	r.setState(answered)
	err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
		return r.s.InteractionRespond(r.i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}, opts...)
	})
	if err == nil {
		err = callREST(ctx, func(opts ...discordgo.RequestOption) error {
			return r.s.InteractionResponseDelete(r.i, opts...)
		})
	}
	if err != nil {
		r.log.Error("removing an answer failed", "err", err)
		return
	}
	r.log.Info("answer removed by its asker", "message", r.i.Message.ID)
}
