package bot

// This file: the one REST policy: how every call to Discord's HTTP API is made, retried
// and bounded, whatever it is for.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// The windows of Discord's calls, from the creation of the interaction they answer.
const (
	// responseWindow is the time Discord gives an interaction's first response.
	responseWindow = 3 * time.Second
	// tokenWindow is how long an interaction's token may edit and follow up.
	tokenWindow = 15 * time.Minute
	// messageWindow bounds a reply to a message: Discord sets no window, but a reply
	// that comes a minute late is no longer an answer.
	messageWindow = time.Minute
	// windowMargin is kept free at the end of a window for the request's own trip: no
	// attempt starts later.
	windowMargin = 150 * time.Millisecond
	// answerGrace is how long after its window an attempt under way may still wait for
	// Discord's answer: Discord judges a call by when it arrived, and only the answer
	// tells whether it went through.
	answerGrace = 2 * time.Second
	// attemptTimeout bounds one attempt of a call, so that a slow request does not hold
	// the route (discordgo holds a route's bucket for the whole request) or the member.
	attemptTimeout = 10 * time.Second
	// maxAttempts bounds the attempts of a call with a window.
	maxAttempts = 5
	// backoffBase and backoffMax shape the wait between attempts after a 5xx or a lost
	// connection: doubling from backoffBase, at most backoffMax, with jitter.
	backoffBase = 200 * time.Millisecond
	backoffMax  = 30 * time.Second
)

// restPolicy calls Discord's HTTP API: each call within its window (3 s for an
// interaction's first response, 15 minutes for its token, a minute for a reply to a
// message, none for the set-up calls, which stop only with their context), retried
// with back-off and jitter after a 429 (after its retry_after), a 500, 502, 503 or 504
// (after their Retry-After, when given) or a lost connection, as long as the retry fits
// in the window; each attempt bounded by attemptTimeout. discordgo's own retry on rate
// limits is off: it sleeps for as long as Discord says, with no bound. The zero value is
// ready to use.
//
// Calls of a paced route (an interaction's first response) line up after a 429: each
// waits for its own turn, one a retry_after, instead of every caller trying again at
// once (Discord counts each refused request against the bot, and bans an address that
// makes too many), and a call whose turn comes after its window gives up at once.
type restPolicy struct {
	// wait waits d or until ctx is done; nil waits on a timer. Tests record the waits.
	wait func(ctx context.Context, d time.Duration) error
	// pace lines up the calls of a rate-limited route; nil: no line.
	pace *routePace
}

// routePace is the line of each route's callers after a 429: next is the turn the
// next caller gets, step the time between turns.
type routePace struct {
	mu   sync.Mutex
	next map[string]time.Time
	step map[string]time.Duration
}

func newRoutePace() *routePace {
	return &routePace{next: map[string]time.Time{}, step: map[string]time.Duration{}}
}

// turn is when a caller of route may try it: now when the route was not refused lately,
// else its place in the line, which it takes unless the turn comes after deadline (not
// zero).
func (p *routePace) turn(route string, now, deadline time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	next, ok := p.next[route]
	if !ok || !next.After(now) {
		delete(p.next, route)
		return now
	}
	if deadline.IsZero() || !next.After(deadline) {
		p.next[route] = next.Add(p.step[route])
	}
	return next
}

// limited records a 429 on route that asks to wait d.
func (p *routePace) limited(route string, now time.Time, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// While a line lasts its step is the longest wait Discord asked for: a 429 that
	// came just before a refill asks for little, and does not speed the line up.
	if next, ok := p.next[route]; !ok || !next.After(now) {
		p.step[route] = d
	} else {
		p.step[route] = max(p.step[route], d)
	}
	if t := now.Add(d); t.After(p.next[route]) {
		p.next[route] = t
	}
}

// restCall is one call's bounds.
type restCall struct {
	// deadline ends the window; zero: none but the context's.
	deadline time.Time
	// attempts bounds the attempts that fail other than by a 429 (429s are bounded by
	// the window); zero: maxAttempts when there is a window, no bound otherwise.
	attempts int
	// first marks an interaction's first response: when an attempt's answer was lost on
	// the way back, a retry refused with 40060 (already acknowledged) means the first one
	// went through.
	first bool
	// route names the calls that share a rate limit and line up after a 429 (see
	// restPolicy); empty: the call does not line up.
	route string
}

// routeFirstResponse is the route of interactions' first responses.
const routeFirstResponse = "interaction response"

// errNoTime wraps the error of a call that could not be retried within its window.
var errNoTime = errors.New("no time left to try again")

// do runs fn, a discordgo call given the request options, under the policy. The error's
// text never holds an interaction token.
func (p restPolicy) do(ctx context.Context, c restCall, fn func(opts ...discordgo.RequestOption) error) error {
	attempts := c.attempts
	if attempts == 0 && !c.deadline.IsZero() {
		attempts = maxAttempts
	}
	lost := false // an earlier attempt's answer never came back
	failures := 0 // attempts that failed other than by a 429, which the window bounds
	for n := 1; ; n++ {
		if err := p.waitTurn(ctx, c); err != nil {
			return err
		}
		actx, cancel := context.WithTimeout(ctx, attemptTimeout)
		if !c.deadline.IsZero() {
			actx, cancel = withDeadline(actx, cancel, c.deadline.Add(answerGrace))
		}
		err := fn(discordgo.WithContext(actx), discordgo.WithRetryOnRatelimit(false))
		cancel()
		if err == nil || c.first && lost && discordCode(err) == discordgo.ErrCodeInteractionHasAlreadyBeenAcknowledged {
			return nil
		}
		if _, limited := errors.AsType[*discordgo.RateLimitError](err); !limited {
			failures++
		}
		wait, retry := retryAfter(err, max(failures, 1))
		if _, limited := errors.AsType[*discordgo.RateLimitError](err); limited && retry && p.pace != nil && c.route != "" {
			p.pace.limited(c.route, time.Now(), wait)
			wait = 0 // the line says when to try again
		}
		lost = lost || isTransport(err)
		if !retry || ctx.Err() != nil || attempts > 0 && failures >= attempts {
			return redactError(err)
		}
		if !c.deadline.IsZero() && time.Now().Add(wait).After(c.deadline.Add(-windowMargin)) {
			return redactError(fmt.Errorf("%w (%w: %s left of the window, Discord asks to wait %s)",
				err, errNoTime, max(time.Until(c.deadline), 0).Round(time.Millisecond), wait.Round(time.Millisecond)))
		}
		if werr := p.sleep(ctx, wait); werr != nil {
			return redactError(err)
		}
	}
}

// waitTurn waits for c's turn on its route, or says that it comes too late.
func (p restPolicy) waitTurn(ctx context.Context, c restCall) error {
	if p.pace == nil || c.route == "" {
		return nil
	}
	var last time.Time
	if !c.deadline.IsZero() {
		last = c.deadline.Add(-windowMargin)
	}
	now := time.Now()
	t := p.pace.turn(c.route, now, last)
	if !last.IsZero() && t.After(last) {
		return fmt.Errorf("%w: the route is rate limited for %s, %s left of the window",
			errNoTime, t.Sub(now).Round(time.Millisecond), max(time.Until(c.deadline), 0).Round(time.Millisecond))
	}
	if d := t.Sub(now); d > 0 {
		return p.sleep(ctx, d)
	}
	return nil
}

// withDeadline narrows ctx, whose cancel is cancel, to deadline.
func withDeadline(ctx context.Context, cancel context.CancelFunc, deadline time.Time) (context.Context, context.CancelFunc) {
	dctx, dcancel := context.WithDeadline(ctx, deadline)
	return dctx, func() { dcancel(); cancel() }
}

// sleep waits d, or until ctx is done.
func (p restPolicy) sleep(ctx context.Context, d time.Duration) error {
	if p.wait != nil {
		return p.wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryAfter says whether err, the n-th attempt's, is worth another attempt, and after
// how long.
func retryAfter(err error, n int) (time.Duration, bool) {
	if rl, ok := errors.AsType[*discordgo.RateLimitError](err); ok && rl.RateLimit != nil && rl.TooManyRequests != nil {
		return rl.RetryAfter + time.Duration(rand.Int64N(int64(25*time.Millisecond))), true
	}
	if re, ok := errors.AsType[*discordgo.RESTError](err); ok && re.Response != nil {
		switch re.Response.StatusCode {
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			wait := backoff(n)
			if s, err := strconv.Atoi(re.Response.Header.Get("Retry-After")); err == nil && s > 0 {
				wait = max(wait, time.Duration(s)*time.Second)
			}
			return wait, true
		}
		return 0, false
	}
	if isTransport(err) {
		return backoff(n), true
	}
	return 0, false
}

// backoff is the wait before attempt n+1: doubling from backoffBase, at most backoffMax,
// a random half of it taken off so that callers do not retry in step.
func backoff(n int) time.Duration {
	d := backoffBase << min(n-1, 16)
	d = min(d, backoffMax)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// isTransport reports whether err is a request that got no answer: a connection refused
// or reset, a time-out.
func isTransport(err error) bool {
	if _, ok := errors.AsType[*url.Error](err); ok {
		return true
	}
	_, ok := errors.AsType[net.Error](err)
	return ok
}

// discordCode is the JSON error code of Discord's answer in err, or 0.
func discordCode(err error) int {
	if re, ok := errors.AsType[*discordgo.RESTError](err); ok && re.Message != nil {
		return re.Message.Code
	}
	return 0
}
