package index

import (
	"sync"

	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// segmentCache keeps what searches read from an index's segments, by key, for the life
// of an index whose segments never change (one opened from its store, or built in
// memory: neither merges), up to max units in all, each value weighing what size says;
// past that it starts again from empty, and a value of more than a quarter of max is not
// kept. It serves the segments it was first given only (what it keeps is numbered as
// theirs), should an index's segments ever change. A nil cache keeps nothing. Safe for
// concurrent use; the values it returns are shared, and read only.
type segmentCache[V any] struct {
	mu       sync.Mutex
	values   map[string]V
	held     int
	max      int
	size     func(V) int
	segments []segment.Segment
}

// newSegmentCache returns an empty cache of max units, values weighing size.
func newSegmentCache[V any](max int, size func(V) int) *segmentCache[V] {
	return &segmentCache[V]{values: map[string]V{}, max: max, size: size}
}

// serves tells whether the cache serves the segments of st, taking them if it has none
// yet; c.mu is held.
func (c *segmentCache[V]) serves(st *segmentTerms) bool {
	if c.segments == nil {
		c.segments = make([]segment.Segment, len(st.segs))
		for i, s := range st.segs {
			c.segments[i] = s.Segment()
		}
		return true
	}
	if len(c.segments) != len(st.segs) {
		return false
	}
	for i, s := range st.segs {
		if c.segments[i] != s.Segment() {
			return false
		}
	}
	return true
}

// get returns the value kept for key in st's segments, if any.
func (c *segmentCache[V]) get(st *segmentTerms, key string) (v V, ok bool) {
	if c == nil {
		return v, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.serves(st) {
		return v, false
	}
	v, ok = c.values[key]
	return v, ok
}

// put keeps v for key in st's segments, unless it alone weighs more than a quarter of
// the bound.
func (c *segmentCache[V]) put(st *segmentTerms, key string, v V) {
	if c == nil {
		return
	}
	n := c.size(v)
	if n > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.values[key]; ok || !c.serves(st) {
		return
	}
	if c.held+n > c.max {
		clear(c.values)
		c.held = 0
	}
	c.values[key] = v
	c.held += n
}
