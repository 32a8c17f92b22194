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
type restPolicy struct {
	// wait waits d or until ctx is done; nil waits on a timer. Tests record the waits.
	wait func(ctx context.Context, d time.Duration) error
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
}

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
