package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// userLimiter allows each user a burst of requests and then one every interval. It forgets
// users whose allowance is full again, so that it stays small.
type userLimiter struct {
	every time.Duration // zero: no limit
	burst int
	now   func() time.Time

	mu    sync.Mutex
	users map[string]*rate.Limiter
	calls int
}

// newUserLimiter returns a limiter of burst requests, then one every every; every == 0
// turns limiting off.
func newUserLimiter(every time.Duration, burst int, now func() time.Time) *userLimiter {
	if burst < 1 {
		burst = 1
	}
	if now == nil {
		now = time.Now
	}
	return &userLimiter{every: every, burst: burst, now: now, users: map[string]*rate.Limiter{}}
}

// allow takes one request from user's allowance. When none is left it returns false and
// how long until one is.
func (l *userLimiter) allow(user string) (time.Duration, bool) {
	if l.every <= 0 {
		return 0, true
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.calls%1024 == 0 {
		l.sweep(now)
	}
	lim, ok := l.users[user]
	if !ok {
		lim = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.users[user] = lim
	}
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return l.every, false
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// sweep forgets users whose allowance is full: they are as good as new.
func (l *userLimiter) sweep(now time.Time) {
	for user, lim := range l.users {
		if lim.TokensAt(now) >= float64(l.burst) {
			delete(l.users, user)
		}
	}
}
