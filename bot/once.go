package bot

import "sync"

// recentEvents is how many event ids the bot remembers: far more than Discord redelivers
// around a resume (the events of a few seconds).
const recentEvents = 4096

// seenIDs remembers the ids of the latest events the bot handled, so that an event the
// gateway delivers twice (Discord may, around a resume) is handled once. It keeps at most
// its capacity, forgetting the oldest first.
type seenIDs struct {
	mu   sync.Mutex
	ids  map[string]struct{}
	ring []string
	next int
}

// newSeenIDs returns a record of at most n ids.
func newSeenIDs(n int) *seenIDs {
	return &seenIDs{ids: make(map[string]struct{}, n), ring: make([]string, n)}
}

// first records id and reports whether it was not seen before.
func (s *seenIDs) first(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.ids[id]; dup {
		return false
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.ids, old)
	}
	s.ring[s.next] = id
	s.next = (s.next + 1) % len(s.ring)
	s.ids[id] = struct{}{}
	return true
}
