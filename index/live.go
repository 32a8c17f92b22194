package index

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// Live serves questions from one index at a time and swaps in a new one without a pause:
// questions asked during a swap are answered by the old index or the new, never by a
// half-built one, and the old index is closed once the questions it is answering are done.
// It is safe for concurrent use.
type Live struct {
	cur    atomic.Pointer[served]
	swapMu sync.Mutex // one swap at a time
	closed atomic.Bool
}

// served is an index with the count of questions it is answering.
type served struct {
	ix *Index
	mu sync.RWMutex // read-held while a question is answered; write-held to close
}

// ErrClosed is returned by a Live that has been closed.
var ErrClosed = errors.New("index closed")

// NewLive serves ix.
func NewLive(ix *Index) *Live {
	l := &Live{}
	l.cur.Store(&served{ix: ix})
	return l
}

// acquire returns the index serving now, read-locked; release it with s.mu.RUnlock.
func (l *Live) acquire() (*served, error) {
	for {
		if l.closed.Load() {
			return nil, ErrClosed
		}
		s := l.cur.Load()
		s.mu.RLock()
		if l.cur.Load() == s {
			return s, nil
		}
		s.mu.RUnlock() // swapped meanwhile: take the new one
	}
}

// Answer answers from the index serving now.
func (l *Live) Answer(ctx context.Context, req standoff.Request) (standoff.Answer, error) {
	s, err := l.acquire()
	if err != nil {
		return standoff.Answer{}, err
	}
	defer s.mu.RUnlock()
	return s.ix.Answer(ctx, req)
}

// Search ranks passages with the index serving now.
func (l *Live) Search(ctx context.Context, question string, n int) ([]Hit, error) {
	s, err := l.acquire()
	if err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	return s.ix.Search(ctx, question, n)
}

// Complete offers completions from the index serving now.
func (l *Live) Complete(ctx context.Context, prefix string, n int) []string {
	s, err := l.acquire()
	if err != nil {
		return []string{}
	}
	defer s.mu.RUnlock()
	return s.ix.Complete(ctx, prefix, n)
}

// Stats describes the index serving now.
func (l *Live) Stats() standoff.Stats {
	s, err := l.acquire()
	if err != nil {
		return standoff.Stats{}
	}
	defer s.mu.RUnlock()
	return s.ix.Stats()
}

// Healthy returns nil while the Live serves an index, and ErrClosed once it is closed.
func (l *Live) Healthy() error {
	if l.closed.Load() {
		return ErrClosed
	}
	return nil
}

// Swap puts next in service and closes the index it replaces once the questions in
// flight on it are answered. It returns the error of that close, if any.
func (l *Live) Swap(next *Index) error {
	l.swapMu.Lock()
	defer l.swapMu.Unlock()
	if l.closed.Load() {
		next.Close()
		return ErrClosed
	}
	old := l.cur.Swap(&served{ix: next})
	old.mu.Lock() // waits for the questions in flight on the old index
	defer old.mu.Unlock()
	if err := old.ix.Close(); err != nil {
		return fmt.Errorf("swap index: %w", err)
	}
	return nil
}

// Refresh opens an index of c with cfg (building it beside the one serving, when the
// corpus changed) and swaps it in. On failure the index serving goes on serving.
func (l *Live) Refresh(ctx context.Context, cfg Config, c *corpus.Corpus) (standoff.Stats, error) {
	next, err := Open(ctx, cfg, c)
	if err != nil {
		return standoff.Stats{}, fmt.Errorf("refresh index: %w", err)
	}
	st := next.Stats()
	err = l.Swap(next)
	if errors.Is(err, ErrClosed) {
		return standoff.Stats{}, err // nothing swapped: the Live is closed
	}
	return st, err // next serves; err, if any, is from closing the old index
}

// Close closes the index serving, once the questions in flight are answered; later
// calls return ErrClosed.
func (l *Live) Close() error {
	l.swapMu.Lock()
	defer l.swapMu.Unlock()
	if l.closed.Swap(true) {
		return nil
	}
	s := l.cur.Load()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ix.Close()
}
