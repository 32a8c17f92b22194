package bot

// This file: the one responder: how every interaction (the bot's and /corpus's) is answered,
// in time, and what a member is told when something fails.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

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
	msgMalformed    = "Sorry — I couldn't read this request. Please try again."
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

// responder answers one interaction, remembering whether it has been acknowledged. It
// serves the bot's own commands and buttons and those of /corpus (private: every reply
// ephemeral).
type responder struct {
	b       *Bot // nil for /corpus, which uses no question settings
	s       *discordgo.Session
	i       *discordgo.Interaction
	log     *slog.Logger
	start   time.Time  // when the interaction arrived
	private bool       // every new message it sends is ephemeral
	rest    restPolicy // how it calls Discord

	mu      sync.Mutex
	state   ackState
	ack     *time.Timer // defers the interaction when the answer is slow
	settled bool        // no deferral may happen any more
	lost    error       // why a reply did not reach the member, when one did not
}

type ackState int

const (
	unacked  ackState = iota
	deferred          // a deferred response was sent; the answer comes as an edit
	answered          // the response was sent (or its sending failed after the acknowledgement)
	lost              // the first response failed: nothing more can reach the member
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

// userOf is the member or user who interacted.
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

// created is when Discord made the interaction, which its snowflake id tells: Discord's
// windows run from then, and an interaction replayed after a gateway reconnection may
// arrive a second or two old. An age below zero or beyond the three seconds says more
// about the clock than the interaction: the arrival time stands for it then.
func (r *responder) created() time.Time {
	start := r.start
	if start.IsZero() {
		start = time.Now()
	}
	t, err := discordgo.SnowflakeTimestamp(r.i.ID)
	if err != nil {
		return start
	}
	if age := start.Sub(t); age < 0 || age >= responseWindow {
		return start
	}
	return t
}

// firstCall bounds the interaction's first response: Discord's three seconds.
func (r *responder) firstCall() restCall {
	return restCall{deadline: r.created().Add(responseWindow), first: true}
}

// respond sends the interaction's first response, within Discord's three seconds. When
// it fails, the interaction is lost: the member can be told nothing more through it.
func (r *responder) respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	err := r.rest.do(ctx, r.firstCall(), func(opts ...discordgo.RequestOption) error {
		return r.s.InteractionRespond(r.i, resp, opts...)
	})
	if err != nil {
		r.mu.Lock()
		r.state = lost
		r.mu.Unlock()
		r.noteLost(err)
	}
	return err
}

// withToken makes a call with the interaction's token (an edit, a follow-up), within the
// token's 15 minutes.
func (r *responder) withToken(ctx context.Context, fn func(opts ...discordgo.RequestOption) error) error {
	err := r.rest.do(ctx, restCall{deadline: r.created().Add(tokenWindow)}, fn)
	if err != nil {
		r.noteLost(err)
	}
	return err
}

// noteLost records the first reply that did not reach the member.
func (r *responder) noteLost(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lost == nil {
		r.lost = err
	}
}

// undelivered returns, marked with errUndelivered, why a reply did not reach the member,
// or nil when every reply did.
func (r *responder) undelivered() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lost == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", errUndelivered, r.lost)
}

// send responds with m: a new message, or (update) a new version of the message the
// button is on.
func (r *responder) send(ctx context.Context, update bool, m message) {
	r.settle()
	typ := discordgo.InteractionResponseChannelMessageWithSource
	if update {
		typ = discordgo.InteractionResponseUpdateMessage
	}
	if r.private {
		m.Ephemeral = !update
	}
	data := m.responseData()
	if update {
		data.Flags = 0 // an update cannot change whether the message is ephemeral
	}
	r.setState(answered)
	if err := r.respond(ctx, &discordgo.InteractionResponse{Type: typ, Data: data}); err != nil {
		r.log.Error("responding to an interaction failed", "err", err)
	}
}

// fail tells the member, briefly and privately, that the request failed, and logs err.
func (r *responder) fail(ctx context.Context, err error) {
	r.settle()
	r.log.Error("request failed", "err", err)
	text := reason(err)
	switch r.getState() {
	case unacked:
		r.send(ctx, false, notice(text))
	case deferred:
		r.setState(answered)
		if r.i.Type == discordgo.InteractionMessageComponent {
			// The deferred update left the message as it was: say why in a private follow-up.
			err := r.withToken(ctx, func(opts ...discordgo.RequestOption) error {
				_, err := r.s.FollowupMessageCreate(r.i, true, notice(text).webhookParams(), opts...)
				return err
			})
			if err != nil {
				r.log.Error("sending the failure notice failed", "err", err)
			}
			return
		}
		// The deferred "thinking…" message becomes the notice.
		err := r.withToken(ctx, func(opts ...discordgo.RequestOption) error {
			_, err := r.s.InteractionResponseEdit(r.i, notice(text).webhookEdit(), opts...)
			return err
		})
		if err != nil {
			r.log.Error("sending the failure notice failed", "err", err)
		}
	}
}

// deliver answers with what produce makes (see outlet). produce runs in the caller's
// goroutine, so that a panic in it reaches the bot's one recovery (recover.go), which
// tells the member through fail. When produce takes longer than AckAfter, the
// interaction is first deferred (so it is acknowledged within Discord's three seconds)
// and the answer then replaces the deferred response. ephemeral must match the answer's
// own flag. It returns produce's error, else, marked with errUndelivered, why the answer
// did not reach the member.
func (r *responder) deliver(ctx context.Context, update, ephemeral bool, produce func(context.Context) (message, error)) error {
	r.mu.Lock()
	r.ack = time.AfterFunc(r.ackAfter(), func() { r.deferNow(ctx, update, ephemeral) })
	r.mu.Unlock()
	m, err := produce(ctx)
	if err != nil {
		r.fail(ctx, err)
		return err
	}
	r.settle()
	switch r.getState() {
	case unacked:
		r.send(ctx, update, m)
		if r.getState() == lost {
			return r.toldBusy(ctx)
		}
		return r.undelivered()
	case lost:
		// The deferral failed: an edit could only be refused.
		return r.toldBusy(ctx)
	}
	r.setState(answered)
	err = r.withToken(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := r.s.InteractionResponseEdit(r.i, m.webhookEdit(), opts...)
		return err
	})
	if err != nil {
		r.log.Error("editing the deferred response failed", "err", err)
	}
	return r.undelivered()
}

// toldBusy ends an answer whose first response Discord did not take: the interaction is
// lost, so the member is told in the channel (with the others of the same burst) to ask
// again. It returns, marked with errBusy, why the answer was lost when the notice went
// out, else, marked with errUndelivered, why neither reached the member.
func (r *responder) toldBusy(ctx context.Context) error {
	lost := r.undelivered()
	if r.b == nil || lost == nil {
		return lost
	}
	if err := r.b.busy.tell(ctx, r.s, r.i.ChannelID); err != nil {
		return fmt.Errorf("%w (%w)", lost, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Errorf("%w: %w", errBusy, r.lost)
}

// deferNow acknowledges the interaction with a deferred response, unless it is
// settled: the answer came first.
func (r *responder) deferNow(ctx context.Context, update, ephemeral bool) {
	r.mu.Lock()
	defer r.mu.Unlock() // held while Discord is told: settle waits for it
	if r.settled || r.state != unacked {
		return
	}
	typ := discordgo.InteractionResponseDeferredChannelMessageWithSource
	if update {
		typ = discordgo.InteractionResponseDeferredMessageUpdate
	}
	data := &discordgo.InteractionResponseData{AllowedMentions: noMentions()}
	if ephemeral && !update {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	r.state = deferred
	// respond takes the lock to record a failure: the lock is held, so record it here.
	err := r.rest.do(ctx, r.firstCall(), func(opts ...discordgo.RequestOption) error {
		return r.s.InteractionRespond(r.i, &discordgo.InteractionResponse{Type: typ, Data: data}, opts...)
	})
	if err != nil {
		r.state = lost
		if r.lost == nil {
			r.lost = err
		}
		r.log.Error("deferring an interaction failed", "err", err)
	}
	r.log.Debug("answer is slow: interaction deferred", "after", r.ackAfter())
}

// settle stops a pending deferral, waiting for one under way, so that the state no
// longer changes behind the caller's back.
func (r *responder) settle() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.settled = true
	if r.ack != nil {
		r.ack.Stop()
	}
}

// ackAfter is how long an answer may still take before the interaction is deferred:
// AckAfter, less the time the interaction spent reaching the bot (see created).
func (r *responder) ackAfter() time.Duration {
	return max(r.b.opts.AckAfter-r.start.Sub(r.created()), 0)
}

// tooFast answers a request over the rate limit: with a private "too fast" when tell,
// else, for a button, by acknowledging it without a word (a command must be answered).
func (r *responder) tooFast(ctx context.Context, wait time.Duration, tell bool) {
	if tell || r.i.Type != discordgo.InteractionMessageComponent {
		r.send(ctx, false, notice(rateText(wait)))
		return
	}
	r.setState(answered)
	if err := r.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}); err != nil {
		r.log.Error("acknowledging a button over the rate limit failed", "err", err)
	}
}

// deferReply acknowledges a command with an ephemeral "thinking…"; it reports whether
// Discord took it.
func (r *responder) deferReply(ctx context.Context) bool {
	return r.deferAs(ctx, discordgo.InteractionResponseDeferredChannelMessageWithSource,
		&discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()})
}

// deferUpdate acknowledges a button; the message it is on is edited later.
func (r *responder) deferUpdate(ctx context.Context) bool {
	return r.deferAs(ctx, discordgo.InteractionResponseDeferredMessageUpdate, nil)
}

func (r *responder) deferAs(ctx context.Context, typ discordgo.InteractionResponseType, data *discordgo.InteractionResponseData) bool {
	r.setState(deferred)
	if err := r.respond(ctx, &discordgo.InteractionResponse{Type: typ, Data: data}); err != nil {
		r.log.Error("deferring an interaction failed", "err", err)
		return false
	}
	return true
}

// edit replaces the deferred response (or the message a deferred button is on) with m.
// It runs even when ctx is done, for a few seconds: the work it reports is done.
func (r *responder) edit(ctx context.Context, m message) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	r.setState(answered)
	err := r.withToken(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := r.s.InteractionResponseEdit(r.i, m.webhookEdit(), opts...)
		return err
	})
	if err != nil {
		r.log.Error("editing the response to an interaction failed", "err", err)
	}
}

// choices answers an autocomplete request. discordgo's response type drops an empty list
// (omitempty); Discord wants it, so the payload is sent as it should be.
func (r *responder) choices(ctx context.Context, choices []*discordgo.ApplicationCommandOptionChoice) error {
	payload := struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data struct {
			Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
		} `json:"data"`
	}{Type: discordgo.InteractionApplicationCommandAutocompleteResult}
	payload.Data.Choices = choices
	r.setState(answered)
	endpoint := discordgo.EndpointInteractionResponse(r.i.ID, r.i.Token)
	err := r.rest.do(ctx, r.firstCall(), func(opts ...discordgo.RequestOption) error {
		_, err := r.s.RequestWithBucketID("POST", endpoint, payload, endpoint, opts...)
		return err
	})
	if err != nil {
		r.setState(lost)
	}
	return err
}
