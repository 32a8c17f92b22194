package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// userLimiter allows each user a burst of requests and then one every interval. It forgets
// users whose allowance is full again, so that it stays small. Of the requests refused
// in a row, only the first is to be told so (tell), so that a flood gets one "too fast".
type userLimiter struct {
	every time.Duration // zero: no limit
	burst int
	now   func() time.Time

	mu    sync.Mutex
	users map[string]*userRate
	calls int
}

// userRate is one user's allowance, and until when they have been told they are too fast.
type userRate struct {
	lim  *rate.Limiter
	told time.Time
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
	return &userLimiter{every: every, burst: burst, now: now, users: map[string]*userRate{}}
}

// allow takes one request from user's allowance. When none is left it returns false, how
// long until one is, and whether this is the first refusal since the user was last
// allowed or told (then tell is true, and the user should be told once).
func (l *userLimiter) allow(user string) (wait time.Duration, ok, tell bool) {
	if l.every <= 0 {
		return 0, true, false
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.calls%1024 == 0 {
		l.sweep(now)
	}
	u, found := l.users[user]
	if !found {
		u = &userRate{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.users[user] = u
	}
	wait = l.every
	r := u.lim.ReserveN(now, 1)
	if r.OK() {
		if wait = r.DelayFrom(now); wait <= 0 {
			return 0, true, false
		}
		r.CancelAt(now)
	}
	tell = !now.Before(u.told)
	if tell {
		u.told = now.Add(wait)
	}
	return wait, false, tell
}

// sweep forgets users whose allowance is full: they are as good as new.
func (l *userLimiter) sweep(now time.Time) {
	for user, u := range l.users {
		if u.lim.TokensAt(now) >= float64(l.burst) && !now.Before(u.told) {
			delete(l.users, user)
		}
	}
}
