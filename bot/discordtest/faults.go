package discordtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"
)

// This file: fault injection. Discord fails in ordinary ways — a 500 or 503, a 429 with
// a long retry_after, a connection reset, a slow answer, an event delivered twice, a
// connection that stops acknowledging heartbeats, a token revoked — and these let a
// test make it fail so, on one kind of call or on the gateway.

// Fault is what the server does with one REST call instead of answering it as usual.
type Fault struct {
	// Status answers the call with this status (500, 502, 503, 504, 429…) and a Discord
	// error body, without handling it.
	Status int
	// RetryAfter, with Status 429, is the retry_after of the body and the Retry-After
	// header; with another status, the Retry-After header alone.
	RetryAfter time.Duration
	// Reset cuts the connection without an answer. With Handled, the call is handled
	// first (the interaction is acknowledged, the message created) and only its answer is
	// lost, as when a connection drops on the way back.
	Reset   bool
	Handled bool
	// Hold keeps the call waiting until the channel is closed (a slow Discord); the call
	// is then handled as usual, and judged by when it arrived.
	Hold <-chan struct{}
}

// faultRule is a fault waiting for the calls of one kind.
type faultRule struct {
	kind  CallKind
	left  int
	fault Fault
}

// FailNext makes the server apply f to the next n REST calls of kind, one after the
// other, before it answers calls of that kind as usual again.
func (s *Server) FailNext(kind CallKind, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultRule{kind: kind, left: n, fault: f})
}

// takeFault returns the fault to apply to a call of kind, if one waits, or one drawn at
// random (see WithFaults).
func (s *Server) takeFault(kind CallKind) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chaos > 0 && kind != KindGateway && s.chaosRand.Float64() < s.chaos {
		s.faulted++
		switch s.chaosRand.IntN(3) {
		case 0:
			return Fault{Status: http.StatusInternalServerError}, true
		case 1:
			return Fault{Status: http.StatusServiceUnavailable}, true
		default:
			return Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Duration(1+s.chaosRand.IntN(200)) * time.Millisecond}, true
		}
	}
	for i, r := range s.faults {
		if r.kind != kind || r.left <= 0 {
			continue
		}
		r.left--
		if r.left == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		s.faulted++
		s.notifyLocked()
		return r.fault, true
	}
	return Fault{}, false
}

// Faults returns how many REST calls a fault was applied to so far.
func (s *Server) Faults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faulted
}

// applyFault does what f says with a call; it reports whether the call is dealt with
// (answered, refused or cut) so that the normal handling must not run.
func applyFault(w *statusWriter, f Fault, handle func(http.ResponseWriter)) bool {
	if f.Hold != nil {
		<-f.Hold
	}
	switch {
	case f.Reset:
		if f.Handled {
			handle(httptest.NewRecorder())
		}
		w.status = 0 // recorded as no answer
		if hj, ok := w.ResponseWriter.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				if tc, ok := conn.(interface{ SetLinger(int) error }); ok {
					tc.SetLinger(0) // a reset, not an orderly close
				}
				conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	case f.Status == http.StatusTooManyRequests:
		secs := f.RetryAfter.Seconds()
		w.Header().Set("Retry-After", strconv.FormatFloat(secs, 'f', -1, 64))
		w.Header().Set("X-RateLimit-Scope", "shared")
		writeJSON(w, f.Status, map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": false})
		return true
	case f.Status != 0:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter.Seconds()+0.999)))
		}
		discordError(w, f.Status, 0, fmt.Sprintf("%d: %s", f.Status, http.StatusText(f.Status)))
		return true
	}
	return false
}

// LimitRate makes the calls of kind share one rate limit, as a route of Discord's (or a
// proxy in front of it) would: burst at once, then one every every; a call over it is
// answered 429 with the retry_after after which it would pass.
func (s *Server) LimitRate(kind CallKind, every time.Duration, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits[kind] = rate.NewLimiter(rate.Every(every), burst)
}

// overLimit reports whether a call of kind is over its rate limit, and how long until it
// would not be.
func (s *Server) overLimit(kind CallKind) (time.Duration, bool) {
	s.mu.Lock()
	lim := s.limits[kind]
	s.mu.Unlock()
	if lim == nil {
		return 0, false
	}
	now := time.Now()
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, true
	}
	return 0, false
}

// StopHeartbeatAcks makes the gateway stop acknowledging heartbeats while keeping every
// connection open: a zombie connection, as a half-dead network leaves it. A new
// connection is acknowledged again.
func (s *Server) StopHeartbeatAcks() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sh := range s.shards {
		if sh.conn != nil {
			sh.conn.noAck = true
		}
	}
}

// UnackedHeartbeats returns how many heartbeats went unacknowledged since
// StopHeartbeatAcks.
func (s *Server) UnackedHeartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.unacked
}

// CloseGateway closes every gateway connection with a close frame of code and reason,
// as Discord does when it ends a session (4000 unknown error, 4004 authentication
// failed, 4014 disallowed intents…). After a code Discord does not allow a RESUME for
// (4004, 4010 to 4014), the sessions are over.
func (s *Server) CloseGateway(code int, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sh := range s.shards {
		if sh.conn != nil {
			sh.conn.closeWith(code, reason)
			sh.conn = nil
		}
		if code == 4004 || code >= 4010 && code <= 4014 {
			sh.sessionID = ""
		}
	}
	s.notifyLocked()
}

// DisallowIntents makes the gateway refuse, with close 4014, an IDENTIFY or RESUME of a
// session that asks for any of the intents in mask, and closes the connections of such
// sessions with 4014: the application lost the right to them.
func (s *Server) DisallowIntents(mask int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.disallowed = mask
	for _, sh := range s.shards {
		if sh.conn != nil && sh.intents&mask != 0 {
			sh.conn.closeWith(4014, "Disallowed intent(s).")
			sh.conn = nil
		}
	}
	s.notifyLocked()
}

// RevokeToken makes the server refuse the bot's token from now on, as when it is reset
// in the Developer Portal: every gateway connection is closed with 4004, a new IDENTIFY
// or RESUME is refused with 4004, and REST calls that need the token get 401.
func (s *Server) RevokeToken() {
	s.mu.Lock()
	s.Token = "revoked-" + s.Token
	s.mu.Unlock()
	s.CloseGateway(4004, "Authentication failed.")
}

// InvalidSession sends op 9 INVALID_SESSION to every connected shard; resumable is its
// d. A resumable session stays open on the server, so that a RESUME succeeds.
func (s *Server) InvalidSession(resumable bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sh := range s.shards {
		if sh.conn == nil {
			continue
		}
		if !resumable {
			sh.sessionID = ""
		}
		sh.conn.write(outFrame{Op: 9, D: resumable})
	}
}

// ReplayOnResume makes the next RESUME send again the last n events the
// bot had already received, before the ones it missed: Discord may deliver an event
// twice around a resume.
func (s *Server) ReplayOnResume(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replay = n
}

func (c *gwConn) closeWith(code int, reason string) {
	c.wm.Lock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	c.wm.Unlock()
	c.ws.Close()
}
