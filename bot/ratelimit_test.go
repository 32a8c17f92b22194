package bot

import (
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told.
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

func TestUserLimiter(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := newUserLimiter(10*time.Second, 2, clock.Now)
	for i := range 2 {
		if _, ok := l.allow("a"); !ok {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	wait, ok := l.allow("a")
	if ok || wait != 10*time.Second {
		t.Fatalf("third request: ok=%v wait=%v", ok, wait)
	}
	if _, ok := l.allow("b"); !ok {
		t.Error("another user is limited too")
	}
	clock.Advance(4 * time.Second)
	if wait, ok := l.allow("a"); ok || wait < 5900*time.Millisecond || wait > 6*time.Second {
		t.Errorf("after 4 s: ok=%v wait=%v", ok, wait)
	}
	clock.Advance(6 * time.Second)
	if _, ok := l.allow("a"); !ok {
		t.Error("not recovered after 10 s")
	}
	if got := rateText(5200 * time.Millisecond); got != "You're asking faster than I can keep up — try again in 6 s." {
		t.Errorf("rateText = %q", got)
	}
	clock.Advance(time.Hour)
	l.sweep(clock.Now())
	if len(l.users) != 0 {
		t.Errorf("sweep kept %d users", len(l.users))
	}
	off := newUserLimiter(0, 1, nil)
	for range 100 {
		if _, ok := off.allow("x"); !ok {
			t.Fatal("limit off still limits")
		}
	}
}
