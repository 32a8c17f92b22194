package corpus

import (
	"context"
	"errors"
	"io"

	"github.com/yuin/goldmark/text"
)

// reading is the reading of one document under a context: the loops that read it count
// their steps on it, and it looks at the context every readStride steps, so that a
// reading refused for its time, or cancelled, stops within a moment, with nothing left
// running. A step is a line, a paragraph, a token or a few bytes: the steps of a reading
// grow as its text does, never faster.
type reading struct {
	ctx   context.Context
	steps int   // steps counted so far
	next  int   // the count at which the context is looked at again
	err   error // the context's error, once seen: the reading stops
}

// readStride is how many steps a reading takes between two looks at its context: a
// look costs a lock, a step a few nanoseconds.
const readStride = 1 << 12

// newReading starts the reading of a document under ctx.
func newReading(ctx context.Context) *reading {
	return &reading{ctx: ctx, next: readStride}
}

// done counts n steps and reports whether the reading is to stop, its context being done.
func (r *reading) done(n int) bool {
	r.steps += n
	if r.err == nil && r.steps >= r.next {
		r.next = r.steps + readStride
		r.err = r.ctx.Err()
	}
	return r.err != nil
}

// stopped returns a problem when the reading has stopped, else nil.
func (r *reading) stopped() *Problem {
	if r.err == nil {
		return nil
	}
	return &Problem{Reason: "reading it was stopped: " + r.err.Error()}
}

// errStopped is what a reader of a stopped reading returns.
var errStopped = errors.New("read: stopped")

// stoppableSource is a goldmark source that ends, as if the text ended there, once the
// reading stops: the block parser then closes its blocks and returns.
type stoppableSource struct {
	text.Reader
	r *reading
}

// AdvanceLine moves to the next line, or to the end of the source once the reading stops.
func (s stoppableSource) AdvanceLine() {
	s.Reader.AdvanceLine()
	if s.r.done(1) {
		line, _ := s.Position()
		end := len(s.Source())
		s.SetPosition(line, text.NewSegment(end, end))
	}
}

// stoppableReader reads from an io.Reader a few KB at a time, and fails once the reading
// stops: the HTML parser then returns.
type stoppableReader struct {
	src io.Reader
	r   *reading
}

// Read reads at most 4 KB into p, counting a step for every 64 bytes.
func (s stoppableReader) Read(p []byte) (int, error) {
	if len(p) > 4096 {
		p = p[:4096]
	}
	if s.r.done(len(p)/64 + 1) {
		return 0, errStopped
	}
	return s.src.Read(p)
}
