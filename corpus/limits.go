package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"
)

// Limits on one document, whether uploaded, fetched or found in the corpus folder: a
// document over one of them is refused with the reason, and never parsed, so that no
// file can stall the indexer or the bot. The Markdown parser's time grows faster than
// the text on deep nesting and on long runs of brackets or emphasis markers, so nesting,
// lines and blocks are bounded before it runs.
const (
	// MaxDocumentBytes is the largest document file.
	MaxDocumentBytes = 2 << 20 // 2 MB
	// MaxNesting is how deep quotes, lists and indentation may nest on a line of Markdown.
	MaxNesting = 32
	// MaxLineBytes is the longest line of a Markdown document.
	MaxLineBytes = 64 << 10
	// MaxBlockBytes is the longest run of lines without a blank line in a Markdown
	// document (a paragraph, a list, a quote), and MaxBlockMarkup the most characters
	// of inline markup (brackets, emphasis, code and HTML markers…) it may hold.
	MaxBlockBytes  = 32 << 10
	MaxBlockMarkup = 2048
	// maxMarkupWork bounds the sum, over the blocks, of the square of their markup: the
	// inline parser's time grows with it.
	maxMarkupWork = 1 << 27
	// maxBlocks and maxLines bound the blocks and the non-blank lines of a Markdown
	// document before it is parsed: most of them make a paragraph.
	maxBlocks = 2 * MaxParagraphs
	maxLines  = 5 * MaxParagraphs
	// MaxParagraphs is the most paragraphs a document may have; it bounds its passages
	// too (a passage is a paragraph or a part of one, and the text is bounded).
	MaxParagraphs = 10_000
	// MaxFrontMatterBytes is the longest front matter block.
	MaxFrontMatterBytes = 16 << 10
	// MaxHTMLDepth is how deep the elements of an HTML page may nest, and
	// MaxHTMLElements how many it may have. The article extraction's time grows with
	// their product (readability's cleaning looks at each element's ancestors): at 128
	// deep, 2 MB of nested elements is read in about 0.4 s, at 256 in 0.8 s.
	MaxHTMLDepth    = 128
	MaxHTMLElements = 30_000
	// DefaultParseTimeout bounds the reading of one document when its context has no
	// earlier deadline.
	DefaultParseTimeout = 10 * time.Second
)

// checkSize refuses a document larger than MaxDocumentBytes, or with more non-blank
// lines than could make MaxParagraphs paragraphs of a few lines each.
func checkSize(r *reading, data []byte) *Problem {
	if len(data) > MaxDocumentBytes {
		return &Problem{Reason: fmt.Sprintf("too large: %s, over the %s limit", Size(int64(len(data))), Size(MaxDocumentBytes))}
	}
	if bytes.Count(data, []byte("\n")) <= maxLines {
		return nil
	}
	lines := 0
	for n, rest := 0, data; len(rest) > 0; n++ {
		if r.done(1) {
			return r.stopped()
		}
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if lines++; lines > maxLines {
				return &Problem{Line: n + 1, Reason: fmt.Sprintf("too many lines: over %d lines of text (the limit is %d paragraphs)", maxLines, MaxParagraphs)}
			}
		}
	}
	return nil
}

// checkParagraphs refuses a document with more than MaxParagraphs paragraphs.
func checkParagraphs(n int) *Problem {
	if n > MaxParagraphs {
		return &Problem{Reason: fmt.Sprintf("too many paragraphs: %d, over the limit of %d", n, MaxParagraphs)}
	}
	return nil
}

// checkMarkdownShape refuses, in one pass over the body of a Markdown document, what
// would make the parser slow: a line nested more than MaxNesting deep (quote markers,
// list markers and indentation, two columns a level), a line over MaxLineBytes, or a
// block of lines without a blank one over MaxBlockBytes. firstLine is the line of the
// file the body starts on.
func checkMarkdownShape(r *reading, body []byte, firstLine int) *Problem {
	block, markup, work, blocks, lines := 0, 0, 0, 0, 0
	for n := 0; len(body) > 0; n++ {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		if len(line) > MaxLineBytes {
			return &Problem{Line: firstLine + n, Reason: fmt.Sprintf("a line is longer than %s", Size(MaxLineBytes))}
		}
		if r.done(1 + len(line)/64) {
			return r.stopped()
		}
		if len(bytes.TrimSpace(line)) == 0 {
			block, markup = 0, 0
			continue
		}
		if block == 0 {
			blocks++
		}
		lines++
		if blocks > maxBlocks || lines > maxLines {
			return &Problem{Line: firstLine + n, Reason: fmt.Sprintf("too many paragraphs or lines (the limit is %d paragraphs)", MaxParagraphs)}
		}
		block += len(line) + 1
		if block > MaxBlockBytes {
			return &Problem{Line: firstLine + n, Reason: fmt.Sprintf("a paragraph, list or quote runs over %s without a blank line", Size(MaxBlockBytes))}
		}
		if lineNesting(line) > MaxNesting {
			return &Problem{Line: firstLine + n, Reason: fmt.Sprintf("quotes, lists or indentation nested more than %d deep", MaxNesting)}
		}
		before := markup
		for _, c := range line {
			switch c {
			case '[', ']', '*', '_', '`', '<', '>', '!', '(', ')', '&', '\\', '~', '|':
				markup++
			}
		}
		work += markup*markup - before*before
		if markup > MaxBlockMarkup || work > maxMarkupWork {
			return &Problem{Line: firstLine + n, Reason: fmt.Sprintf("too much markup ([, *, _, `, <…): at most %d characters of it a paragraph, and less in all", MaxBlockMarkup)}
		}
	}
	return nil
}

// lineNesting estimates how deep a line of Markdown nests: one level for each quote or
// list marker at its start, and one for every two columns of indentation among them.
func lineNesting(line []byte) int {
	markers, cols := 0, 0
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ':
			cols++
			i++
		case c == '\t':
			cols += 4
			i++
		case c == '>':
			markers++
			i++
		case c == '-' || c == '*' || c == '+':
			if i+1 < len(line) && line[i+1] != ' ' && line[i+1] != '\t' {
				return markers + cols/2
			}
			markers++
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 10 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j < len(line) && (line[j] == '.' || line[j] == ')') && (j+1 == len(line) || line[j+1] == ' ' || line[j+1] == '\t') {
				markers++
				i = j + 1
				continue
			}
			return markers + cols/2
		default:
			return markers + cols/2
		}
		if markers+cols/2 > MaxNesting {
			return markers + cols/2
		}
	}
	return markers + cols/2
}

// Parser reads documents under the limits, at most a few at a time and each within a
// deadline: a document that takes longer is refused, and its reading stops then (it is
// looked at every few thousand steps), so that hostile documents can neither pile up
// nor keep a core busy after their refusal. It is safe for concurrent use; its zero
// value is not usable: call NewParser.
type Parser struct {
	sem     chan struct{}
	timeout time.Duration
}

// NewParser returns a Parser that reads at most concurrency documents at once (the
// number of cores when < 1), each within timeout (DefaultParseTimeout when ≤ 0).
func NewParser(concurrency int, timeout time.Duration) *Parser {
	if concurrency < 1 {
		concurrency = runtime.GOMAXPROCS(0)
	}
	if timeout <= 0 {
		timeout = DefaultParseTimeout
	}
	return &Parser{sem: make(chan struct{}, concurrency), timeout: timeout}
}

// errBusy and errSlow are the details of the refusals of Parser.run.
var (
	errBusy = errors.New("parse: no free parser before the deadline")
	errSlow = errors.New("parse: deadline exceeded")
)

// Run runs fn in a slot of the parser, as a reading within its limits of time and
// concurrency, as Parse does: for reading a page's article (corpus/web) under the same
// bounds. fn runs in the calling goroutine and is given the reading's context, which it
// must look at in its loops: once the time runs out, Run returns a refusal when fn
// returns. A nil parser makes one for this call alone.
func (p *Parser) Run(ctx context.Context, fn func(ctx context.Context) error) error {
	if p == nil {
		p = NewParser(1, 0)
	}
	return p.run(ctx, func(r *reading) error { return fn(r.ctx) })
}

// run runs fn, in the calling goroutine, in a slot of the parser, as a reading under
// the parser's time-out and ctx (see read). Waiting for a slot counts against the time.
func (p *Parser) run(ctx context.Context, fn func(r *reading) error) error {
	wait, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	if wait.Err() == nil {
		select {
		case p.sem <- struct{}{}:
			defer func() { <-p.sem }()
		case <-wait.Done():
			return Refuse("too many documents are being read at once; try again in a minute", errBusy)
		}
	}
	return p.read(wait, fn)
}

// read runs fn, in the calling goroutine, as a reading under the parser's time-out and
// ctx. A panic in fn is an error. When the time runs out or ctx ends, the reading stops
// and read returns a refusal; fn has returned by then, its results unused.
func (p *Parser) read(ctx context.Context, fn func(r *reading) error) (err error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	r := newReading(ctx)
	func() {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("parse: panic: %v", v)
			}
		}()
		if r.done(readStride) { // a context already done stops the reading before it starts
			return
		}
		err = fn(r)
	}()
	if r.err == nil && err == nil {
		return nil
	}
	switch ctx.Err() {
	case context.DeadlineExceeded:
		return Refuse(fmt.Sprintf("reading it took too long (the limit is %s)", p.timeout), errSlow)
	case context.Canceled:
		return Refuse("reading it was stopped", context.Canceled)
	}
	return err
}

// Parse is ParseDocument within the parser's limits of time and concurrency.
func (p *Parser) Parse(ctx context.Context, path string, data []byte) (Document, error) {
	return p.parse(ctx, p.run, path, data)
}

// parse is ParseDocument as a reading of run (Parser.run or Parser.read), with its
// refusals as Problems.
func (p *Parser) parse(ctx context.Context, run func(context.Context, func(*reading) error) error, path string, data []byte) (Document, error) {
	var doc Document
	err := run(ctx, func(r *reading) error {
		var err error
		doc, err = parseDocument(r, path, data)
		return err
	})
	if err != nil {
		var prob Problem
		if errors.As(err, &prob) {
			return Document{}, prob
		}
		if reason, ok := RefusalReason(err); ok {
			return Document{}, Problem{Path: path, Reason: reason}
		}
		return Document{}, Problem{Path: path, Reason: errReason(err)}
	}
	return doc, nil
}

// parseBounded parses a document of the corpus folder within p's deadline, whatever
// its size, in the calling goroutine (a reading costs no more than a timer). It takes no
// slot of p: Load bounds its readers itself, and a document of the folder is never
// refused for others being read.
func parseBounded(ctx context.Context, p *Parser, path string, data []byte) (Document, error) {
	return p.parse(ctx, p.read, path, data)
}

// Size formats a number of bytes for a person: "2 MB", "512 KB", "80 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
