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
		if _, ok, _ := l.allow("a"); !ok {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	wait, ok, tell := l.allow("a")
	if ok || wait != 10*time.Second || !tell {
		t.Fatalf("third request: ok=%v wait=%v tell=%v", ok, wait, tell)
	}
	if _, ok, tell := l.allow("a"); ok || tell {
		t.Errorf("fourth request at once: ok=%v tell=%v, want refused without telling again", ok, tell)
	}
	if _, ok, _ := l.allow("b"); !ok {
		t.Error("another user is limited too")
	}
	clock.Advance(4 * time.Second)
	if wait, ok, tell := l.allow("a"); ok || tell || wait < 5900*time.Millisecond || wait > 6*time.Second {
		t.Errorf("after 4 s: ok=%v wait=%v tell=%v, want refused and not told again within the window", ok, wait, tell)
	}
	clock.Advance(6 * time.Second)
	if _, ok, _ := l.allow("a"); !ok {
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
		if _, ok, _ := off.allow("x"); !ok {
			t.Fatal("limit off still limits")
		}
	}
}
