package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
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

const (
	unacked  ackState = iota
	deferred          // a deferred response was sent; the answer comes as an edit
	answered          // the response was sent (or its sending failed)
)
