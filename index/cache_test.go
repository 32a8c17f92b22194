package index

import (
	"context"
	"testing"
)

// TestSegmentCacheIsBounded: a cache of what is read from segments (here, of what phrases
// found) keeps it up to its bound, starts again from empty past it, never keeps one value
// of more than a quarter of it, and serves only the segments it was first given.
func TestSegmentCacheIsBounded(t *testing.T) {
	c := newPhraseCache(100)
	st := &segmentTerms{}
	found := func(docs int) *phraseFound {
		return &phraseFound{counts: []uint64{7, 9}, docs: make([]uint32, docs), freqs: make([]uint32, 2*docs), norms: make([]float64, 2*docs)}
	}
	c.put(st, "a", found(12)) // 25
	c.put(st, "b", found(12)) // 50
	c.put(st, "c", found(12)) // 75
	c.put(st, "big", found(13))
	if _, ok := c.get(st, "big"); ok {
		t.Error("a phrase of more than a quarter of the bound is kept")
	}
	for _, k := range []string{"a", "b", "c"} {
		if _, ok := c.get(st, k); !ok {
			t.Errorf("%q is not kept", k)
		}
	}
	c.put(st, "d", found(12)) // 100: still within
	if _, ok := c.get(st, "a"); !ok || c.held != 100 {
		t.Errorf("within the bound: a kept %v, held %d, want true, 100", ok, c.held)
	}
	c.put(st, "e", found(0)) // 101: past it, from empty
	if _, ok := c.get(st, "a"); ok || c.held != 1 {
		t.Errorf("past the bound: a kept %v, held %d, want false, 1", ok, c.held)
	}
	if _, ok := c.get(st, "e"); !ok {
		t.Error("the phrase put past the bound is not kept")
	}
	var none *phraseCache
	none.put(st, "a", found(1))
	if _, ok := none.get(st, "a"); ok {
		t.Error("a nil cache keeps a phrase")
	}

	// Two indexes of one corpus: the same phrase, other segments.
	ctx := context.Background()
	segmentsOf := func() *segmentTerms {
		ix := openMem(t, loadDefault(t))
		r, _, err := ix.scorchReader()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		st, ok := newSegmentTerms(r, nil, nil)
		if !ok {
			t.Fatal("not scorch's segments")
		}
		return st
	}
	one, other := segmentsOf(), segmentsOf()
	c = newPhraseCache(100)
	f, err := readPhrase(ctx, one, fieldText, []string{"breakout", "time"})
	if err != nil || len(f.docs) == 0 {
		t.Fatalf("breakout time: %d passages (%v)", len(f.docs), err)
	}
	c.put(one, "breakout time", f)
	if _, ok := c.get(one, "breakout time"); !ok {
		t.Error("not kept for its segments")
	}
	if _, ok := c.get(other, "breakout time"); ok {
		t.Error("served for other segments")
	}
}
