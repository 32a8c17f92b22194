package bot

// This file: follow-up questions. The bot remembers, in memory only, the last question
// of each member in each channel, thread or direct-message channel for a few minutes, and
// hands it to the index with the next question (standoff.Request.Previous); the index
// decides whether the new one leans on it. Nothing of it is written down or logged.

import (
	"container/list"
	"strings"
	"sync"
	"time"
)

// Bounds of the conversation memory.
const (
	// followUpWindow is how long after a question a member's next one may lean on it.
	followUpWindow = 5 * time.Minute
	// maxConversations is how many (member, channel) pairs are remembered at most; past
	// it, the oldest is forgotten first. With questions cut to maxRememberedRunes runes
	// (a reading may be longer than the member's words), the memory is bounded by about
	// maxConversations × 2.7 KB: measured at 15 MB full of two-byte characters, at most
	// about 27 MB of four-byte ones.
	maxConversations = 10000
	// maxRememberedRunes is the most runes of a question that are remembered.
	maxRememberedRunes = 2 * maxQuestionRunes
)

// readAsPrefix opens the line of an answer that says how a follow-up was read; the
// buttons of the answer page on that reading.
const readAsPrefix = "Reading this as: "

// conversations remembers the last question of each member in each channel.
type conversations struct {
	mu     sync.Mutex
	window time.Duration
	max    int
	now    func() time.Time
	order  *list.List // of *turn, the most recent first
	byKey  map[convKey]*list.Element
}

// convKey is one member in one channel (a thread and a direct-message channel are
// channels of their own).
type convKey struct{ user, channel string }

// turn is the last question of a conversation, as the index read it.
type turn struct {
	key      convKey
	question string
	at       time.Time
}

// newConversations returns an empty memory with the bounds above; now is its clock
// (time.Now when nil).
func newConversations(now func() time.Time) *conversations {
	if now == nil {
		now = time.Now
	}
	return &conversations{window: followUpWindow, max: maxConversations, now: now,
		order: list.New(), byKey: map[convKey]*list.Element{}}
}

// previous returns the last question user asked in channel within the window, or "".
func (c *conversations) previous(user, channel string) string {
	if c == nil || user == "" || channel == "" {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expireLocked()
	if e, ok := c.byKey[convKey{user, channel}]; ok {
		return e.Value.(*turn).question
	}
	return ""
}

// remember records q as the last question user asked in channel.
func (c *conversations) remember(user, channel, q string) {
	q = strings.TrimSpace(q)
	if r := []rune(q); len(r) > maxRememberedRunes {
		q = string(r[:maxRememberedRunes])
	}
	if c == nil || user == "" || channel == "" || q == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := convKey{user, channel}
	if e, ok := c.byKey[k]; ok {
		c.order.Remove(e)
	}
	c.byKey[k] = c.order.PushFront(&turn{key: k, question: q, at: c.now()})
	for c.order.Len() > c.max {
		c.dropLocked(c.order.Back())
	}
	c.expireLocked()
}

// carry makes the last question user asked in from also the last one in to (a thread
// opened for its answer), so that a follow-up there leans on it.
func (c *conversations) carry(user, from, to string) {
	if q := c.previous(user, from); q != "" {
		c.remember(user, to, q)
	}
}

// expireLocked forgets the conversations older than the window; the caller holds c.mu.
func (c *conversations) expireLocked() {
	limit := c.now().Add(-c.window)
	for e := c.order.Back(); e != nil && !e.Value.(*turn).at.After(limit); e = c.order.Back() {
		c.dropLocked(e)
	}
}

func (c *conversations) dropLocked(e *list.Element) {
	delete(c.byKey, e.Value.(*turn).key)
	c.order.Remove(e)
}

// size is how many conversations are remembered, for tests.
func (c *conversations) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
