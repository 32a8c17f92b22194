package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/web"
)

// Defaults of Options.
const (
	DefaultEvery     = 30 * time.Minute
	DefaultHostPause = 2 * time.Second
	DefaultMaxAge    = 14 * 24 * time.Hour
	DefaultMaxQueue  = 100
	DefaultMaxItems  = 20
	// FailingFor is how long a source may fail before it is shown as failing.
	FailingFor = 24 * time.Hour
	maxBackoff = 24 * time.Hour
	maxSeen    = 2000 // item ids remembered a feed
	maxSkipped = 200  // skipped articles remembered, for queue --all
	// StateFile is the poller's own state in the data folder: what each source last
	// answered, its validators, its failures, the items already read.
	StateFile = "watch-state.json"
)

// Outcomes of polling a source, as metrics and reports name them.
const (
	OutcomeOK         = "ok"          // read; its new items judged
	OutcomeUnchanged  = "unchanged"   // the server said nothing changed
	OutcomeError      = "error"       // it could not be read
	OutcomeBackingOff = "backing_off" // not asked: it failed recently
)

// Observer is told what polls do, for metrics. Its methods must be safe for concurrent
// use and quick.
type Observer interface {
	// Polled: one source was polled with outcome.
	Polled(source, outcome string)
	// Proposals: n proposals had outcome: "made", "approved", "rejected", "expired".
	Proposals(outcome string, n int)
}

// Options configure a Poller; zero values take the defaults.
type Options struct {
	Every     time.Duration // between scheduled polls, with jitter; back-off starts there
	HostPause time.Duration // between two requests to one host
	MaxAge    time.Duration // a proposal older than this expires
	MaxQueue  int           // the most proposals waiting
	MaxItems  int           // the most new items of one feed read in one poll
	// Sleep waits d or until ctx is done; nil waits on a timer. Tests record the pauses.
	Sleep    func(ctx context.Context, d time.Duration) error
	Observer Observer
}

// Poller reads the watched sources and the pages of the corpus's URL-added documents,
// and turns what is new, on topic and not already held into proposals. One Poll runs at
// a time (the caller's lock, as for every change of the corpus folder).
type Poller struct {
	review *Review
	fetch  *web.Fetcher
	parser *corpus.Parser
	state  string // path of the state file
	log    *slog.Logger
	opts   Options
	last   map[string]time.Time // host → when it was last asked
}

// NewPoller returns the poller of review's sources, downloading with fetch and keeping
// its state in dataDir.
func NewPoller(review *Review, fetch *web.Fetcher, dataDir string, logger *slog.Logger, opts Options) *Poller {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.Every <= 0 {
		opts.Every = DefaultEvery
	}
	if opts.HostPause < 0 {
		opts.HostPause = 0
	} else if opts.HostPause == 0 {
		opts.HostPause = DefaultHostPause
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.MaxQueue <= 0 {
		opts.MaxQueue = DefaultMaxQueue
	}
	if opts.MaxItems <= 0 {
		opts.MaxItems = DefaultMaxItems
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	return &Poller{review: review, fetch: fetch, parser: corpus.NewParser(1, 0), state: filepath.Join(dataDir, StateFile),
		log: logger.With("part", "watch"), opts: opts, last: map[string]time.Time{}}
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Report says what one poll did.
type Report struct {
	Sources  []SourceStatus `json:"sources"`
	Proposed []Proposal     `json:"proposed"`
	Skipped  []Skip         `json:"skipped"`
	Expired  int            `json:"expired"`
}

// SourceStatus is how a watched source (or a URL-added document's page) answered.
type SourceStatus struct {
	URL          string    `json:"url"`
	Outcome      string    `json:"outcome"`
	Error        string    `json:"error,omitempty"`
	Items        int       `json:"items,omitempty"` // new items read
	LastOK       time.Time `json:"last_ok,omitzero"`
	FailingSince time.Time `json:"failing_since,omitzero"`
}

// Failing reports whether the source has failed for FailingFor or longer at now.
func (s SourceStatus) Failing(now time.Time) bool {
	return !s.FailingSince.IsZero() && now.Sub(s.FailingSince) >= FailingFor
}

// Skip is an article read and not proposed, with the reason.
type Skip struct {
	URL    string    `json:"url"`
	Title  string    `json:"title"`
	Source string    `json:"source"`
	Reason string    `json:"reason"`
	When   time.Time `json:"when"`
}

// state is the poller's memory, in the data folder.
type state struct {
	Sources map[string]*sourceState   `json:"sources"`
	Pages   map[string]web.Validators `json:"pages"` // article address → its validators
	Skipped []Skip                    `json:"skipped"`
}

// sourceState is what the poller remembers of a source.
type sourceState struct {
	Validators   web.Validators `json:"validators"`
	LastPoll     time.Time      `json:"last_poll,omitzero"`
	LastOK       time.Time      `json:"last_ok,omitzero"`
	FailingSince time.Time      `json:"failing_since,omitzero"`
	Failures     int            `json:"failures,omitempty"`
	NextTry      time.Time      `json:"next_try,omitzero"`
	LastError    string         `json:"last_error,omitempty"`
	Seen         []string       `json:"seen,omitempty"`
}

// loadState reads the state file; a missing or unreadable one starts afresh (the queue
// and the corpus still keep anything from being proposed twice).
func (p *Poller) loadState() *state {
	st := &state{Sources: map[string]*sourceState{}, Pages: map[string]web.Validators{}}
	data, err := os.ReadFile(p.state)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			p.log.Warn("watch state unreadable; starting afresh", "err", err)
		}
		return st
	}
	if err := json.Unmarshal(data, st); err != nil {
		p.log.Warn("watch state unreadable; starting afresh", "err", err)
		return &state{Sources: map[string]*sourceState{}, Pages: map[string]web.Validators{}}
	}
	if st.Sources == nil {
		st.Sources = map[string]*sourceState{}
	}
	if st.Pages == nil {
		st.Pages = map[string]web.Validators{}
	}
	return st
}

// saveState writes the state file atomically.
func (p *Poller) saveState(st *state) error {
	data, err := marshal(st)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p.state), 0o700); err != nil {
		return fmt.Errorf("save watch state: %w", err)
	}
	if err := corpus.WriteFileAtomic(p.state, data, 0o600); err != nil {
		return fmt.Errorf("save watch state: %w", err)
	}
	return nil
}

// Statuses returns how each watched source last answered, by address.
func (p *Poller) Statuses() map[string]SourceStatus {
	st := p.loadState()
	out := map[string]SourceStatus{}
	for u, s := range st.Sources {
		out[u] = s.status(u)
	}
	return out
}

// SkippedRecently returns the articles recent polls read and did not propose, newest
// first, with the reason.
func (p *Poller) SkippedRecently() []Skip {
	st := p.loadState()
	out := slices.Clone(st.Skipped)
	slices.Reverse(out)
	return out
}

// status is the source's state as a SourceStatus.
func (s *sourceState) status(u string) SourceStatus {
	out := SourceStatus{URL: u, Outcome: OutcomeOK, LastOK: s.LastOK, FailingSince: s.FailingSince, Error: s.LastError}
	if s.LastError != "" {
		out.Outcome = OutcomeError
	}
	return out
}

// poll is one poll in progress.
type poll struct {
	p        *Poller
	ctx      context.Context
	c        *corpus.Corpus
	st       *state
	now      time.Time
	names    map[string]bool
	rejected map[string]bool
	byKey    map[string]corpus.Document // corpus documents by address key
	queued   map[string]string          // address key → id of the proposal waiting
	queue    []corpus.Document          // the waiting proposals' documents, for near-copies
	near     *corpus.ShingleCache       // their shingles
	waiting  int                        // proposals waiting, new ones included
	rep      Report
	checked  map[string]bool // article addresses read in this poll
	failed   bool            // the last article could not be judged now: read it again later
	byPerson string          // who proposes, when a person does: nothing is dropped as off topic
}

// Poll reads every watched source once, and every URL-added document's page, and
// writes what is new into the queue (one commit), c being the corpus served. With force,
// sources that failed recently are asked too (a poll asked for by a person); without, they
// wait for their back-off. Proposals older than the maximum age expire first.
func (p *Poller) Poll(ctx context.Context, c *corpus.Corpus, force bool) (Report, error) {
	w, err := p.start(ctx, c)
	if err != nil {
		return w.rep, err
	}
	sources, err := p.review.Sources()
	if err != nil {
		p.log.Warn("a watched source cannot be read", "err", err)
	}
	var made []Proposal
	for _, s := range sources {
		if err := ctx.Err(); err != nil {
			return w.rep, fmt.Errorf("poll: %w", err)
		}
		made = append(made, w.source(s.URL, force)...)
	}
	// The pages of documents added by address: has their text changed?
	for _, d := range c.Documents {
		if err := ctx.Err(); err != nil {
			return w.rep, fmt.Errorf("poll: %w", err)
		}
		if d.URL == "" || !strings.HasPrefix(d.ID, corpus.AddedFolder+"/") || w.checked[web.SameAddressKey(d.URL)] {
			continue
		}
		if pr, ok := w.article(d.URL, d.URL, nil); ok {
			made = append(made, pr)
		}
	}
	return w.finish(made, curate.Actor{ID: "watch", Via: "watch"}, "corpus poll")
}

// start begins a poll of the corpus c: proposals too old expire, and what the corpus,
// the queue and the rejections hold is gathered.
func (p *Poller) start(ctx context.Context, c *corpus.Corpus) (*poll, error) {
	w := &poll{p: p, ctx: ctx, c: c, st: p.loadState(), now: p.review.now(), names: Names(c),
		byKey: map[string]corpus.Document{}, queued: map[string]string{}, checked: map[string]bool{}, near: &corpus.ShingleCache{}}
	expired, err := p.review.Expire(ctx, p.opts.MaxAge)
	if err != nil {
		return w, fmt.Errorf("poll: %w", err)
	}
	w.rep.Expired = len(expired)
	if p.opts.Observer != nil && len(expired) > 0 {
		p.opts.Observer.Proposals("expired", len(expired))
	}
	if w.rejected, err = p.review.Rejected(); err != nil {
		p.log.Warn("a rejection cannot be read", "err", err)
	}
	q, err := p.review.Queue()
	if err != nil {
		p.log.Warn("a proposal cannot be read", "err", err)
	}
	for _, d := range c.Documents {
		if d.URL != "" {
			w.byKey[web.SameAddressKey(d.URL)] = d
		}
	}
	for _, pr := range q {
		w.remember(pr)
	}
	w.waiting = len(q)
	return w, nil
}

// finish saves the poller's state and writes the proposals made into the queue, as one
// commit by who.
func (w *poll) finish(made []Proposal, who curate.Actor, command string) (Report, error) {
	p := w.p
	w.rep.Proposed = made
	if len(w.st.Skipped) > maxSkipped {
		w.st.Skipped = w.st.Skipped[len(w.st.Skipped)-maxSkipped:]
	}
	if err := p.saveState(w.st); err != nil {
		return w.rep, err
	}
	if len(made) == 0 {
		return w.rep, nil
	}
	if err := p.review.propose(w.ctx, who, made, fmt.Sprintf("%s: %s", command, corpus.Plural(len(made), "proposal"))); err != nil {
		return w.rep, fmt.Errorf("poll: %w", err)
	}
	if p.opts.Observer != nil {
		p.opts.Observer.Proposals("made", len(made))
	}
	return w.rep, nil
}

// Propose makes proposals of the pages at urls that a person (who) found in source (the
// link to a Discord message): each is read and judged as a poll reads an article, except
// that one off topic is proposed all the same, with its relevance and why.
func (p *Poller) Propose(ctx context.Context, c *corpus.Corpus, urls []string, source string, who curate.Actor) (Report, error) {
	w, err := p.start(ctx, c)
	if err != nil {
		return w.rep, err
	}
	w.byPerson = who.Name
	var made []Proposal
	for _, u := range urls {
		if pr, ok := w.article(source, u, nil); ok {
			made = append(made, pr)
		}
	}
	return w.finish(made, who, "corpus propose")
}

// ProposeText makes a proposal of a text itself (a Discord message, at the address
// source, by author, written at when), as a document titled title, paragraphs separated
// by blank lines.
func (p *Poller) ProposeText(ctx context.Context, c *corpus.Corpus, title, text, source, author string, when time.Time, who curate.Actor) (Report, error) {
	a := corpus.Article{Title: corpus.OneLine(title), URL: source, Author: author, Published: when.UTC().Format(time.DateOnly), Kind: corpus.KindStatement}
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if t := corpus.OneLine(para); t != "" {
			a.Blocks = append(a.Blocks, corpus.Block{Text: t})
		}
	}
	if len(a.Blocks) == 0 {
		return Report{}, corpus.Refuse("the message has no text to propose", nil)
	}
	md, err := a.Markdown()
	if err != nil {
		return Report{}, corpus.Refuse("the message cannot be written as a document", err)
	}
	w, err := p.start(ctx, c)
	if err != nil {
		return w.rep, err
	}
	w.byPerson = who.Name
	src := corpus.Source{URL: source, ContentType: "text/markdown; charset=utf-8", Data: md}
	var made []Proposal
	if pr, ok := w.article(source, source, &src); ok {
		made = append(made, pr)
	}
	return w.finish(made, who, "corpus propose")
}

// remember records a waiting proposal, so that no copy of it is proposed.
func (w *poll) remember(pr Proposal) {
	w.queued[web.SameAddressKey(pr.URL)] = pr.ID
	if pr.Canonical != "" {
		w.queued[web.SameAddressKey(pr.Canonical)] = pr.ID
	}
	if d, err := corpus.ParseDocument(pr.ID+".md", []byte(pr.Document)); err == nil {
		d.ID = pr.ID
		w.queue = append(w.queue, d)
	}
}

// wait keeps the pause between two requests to the host of u.
func (w *poll) wait(u string) error {
	pu, err := url.Parse(u)
	if err != nil {
		return nil
	}
	host := strings.ToLower(pu.Hostname())
	if last, ok := w.p.last[host]; ok {
		if d := w.p.opts.HostPause - time.Since(last); d > 0 {
			if err := w.p.opts.Sleep(w.ctx, d); err != nil {
				return err
			}
		}
	}
	w.p.last[host] = time.Now()
	return nil
}

// source polls one watched source and returns its proposals.
func (w *poll) source(u string, force bool) []Proposal {
	ss := w.st.Sources[u]
	if ss == nil {
		ss = &sourceState{}
		w.st.Sources[u] = ss
	}
	status := func(outcome string, items int) {
		s := ss.status(u)
		s.Outcome, s.Items = outcome, items
		w.rep.Sources = append(w.rep.Sources, s)
		if w.p.opts.Observer != nil {
			w.p.opts.Observer.Polled(u, outcome)
		}
	}
	if !force && w.now.Before(ss.NextTry) {
		status(OutcomeBackingOff, 0)
		return nil
	}
	if err := w.wait(u); err != nil {
		return nil
	}
	ss.LastPoll = w.now
	got, err := w.p.fetch.Poll(w.ctx, u, ss.Validators)
	var feed web.Feed
	isFeed := err == nil && !got.NotModified && (web.IsFeedType(got.ContentType) || web.LooksLikeFeed(got.Data))
	if isFeed {
		feed, err = web.ParseFeed(got.Data, got.URL)
	}
	if err != nil {
		ss.Failures++
		if ss.FailingSince.IsZero() {
			ss.FailingSince = w.now
		}
		ss.NextTry = w.now.Add(min(w.p.opts.Every<<min(ss.Failures-1, 16), maxBackoff))
		ss.LastError = errorText(err)
		w.p.log.Info("watched source failed", "source", u, "failures", ss.Failures, "err", err)
		status(OutcomeError, 0)
		return nil
	}
	ss.Failures, ss.FailingSince, ss.NextTry, ss.LastError, ss.LastOK = 0, time.Time{}, time.Time{}, "", w.now
	if got.NotModified {
		status(OutcomeUnchanged, 0)
		return nil
	}
	ss.Validators = got.Validators
	if !isFeed {
		// A single page: it is the article.
		var out []Proposal
		src := got.Source()
		if pr, ok := w.article(u, got.URL, &src); ok {
			out = append(out, pr)
		}
		status(OutcomeOK, 1)
		return out
	}
	seen := map[string]bool{}
	for _, id := range ss.Seen {
		seen[id] = true
	}
	var out []Proposal
	read := 0
	for _, it := range feed.Items {
		if seen[it.ID] || it.Link == "" {
			continue
		}
		if read >= w.p.opts.MaxItems {
			break // the rest next time
		}
		read++
		if pr, ok := w.article(u, it.Link, nil); ok {
			out = append(out, pr)
		}
		if !w.failed {
			ss.Seen = append(ss.Seen, it.ID)
		}
	}
	if len(ss.Seen) > maxSeen {
		ss.Seen = ss.Seen[len(ss.Seen)-maxSeen:]
	}
	status(OutcomeOK, read)
	return out
}

// errorText is the reason of err for a person: its refusal's, or its text.
func errorText(err error) string {
	if r, ok := corpus.RefusalReason(err); ok {
		return r
	}
	return err.Error()
}

// skip records an article not proposed.
func (w *poll) skip(source, u, title, reason string) {
	w.st.Skipped = append(w.st.Skipped, Skip{URL: u, Title: title, Source: source, Reason: reason, When: w.now})
	w.rep.Skipped = append(w.rep.Skipped, w.st.Skipped[len(w.st.Skipped)-1])
}

// article reads the article at u, found through source (src when it is already
// downloaded), and returns the proposal it makes, if any.
func (w *poll) article(source, u string, src *corpus.Source) (Proposal, bool) {
	w.failed = false
	k := web.SameAddressKey(u)
	if w.checked[k] {
		return Proposal{}, false
	}
	w.checked[k] = true
	existing, inCorpus := w.byKey[k]
	if id, ok := w.queued[k]; ok {
		w.skip(source, u, "", "already in the queue as "+id)
		return Proposal{}, false
	}
	if src == nil {
		if err := w.wait(u); err != nil {
			return Proposal{}, false
		}
		got, err := w.p.fetch.Poll(w.ctx, u, w.st.Pages[u])
		if err != nil {
			w.skip(source, u, "", "cannot be downloaded now: "+errorText(err))
			w.failed = true
			return Proposal{}, false
		}
		if got.NotModified {
			return Proposal{}, false
		}
		if web.IsFeedType(got.ContentType) {
			w.skip(source, u, "", "a feed, not an article")
			return Proposal{}, false
		}
		w.st.Pages[u] = got.Validators
		s := got.Source()
		src = &s
	}
	d, err := curate.NewDraft(w.ctx, w.p.parser, w.c, *src, w.now)
	if err != nil {
		w.skip(source, u, "", "cannot be read: "+errorText(err))
		return Proposal{}, false
	}
	hash := TextHash(d.Doc)
	title := d.Doc.Title
	if w.rejected[hash] {
		w.skip(source, u, title, "rejected before")
		return Proposal{}, false
	}
	if d.Canonical != "" {
		ck := web.SameAddressKey(d.Canonical)
		if id, ok := w.queued[ck]; ok {
			w.skip(source, u, title, "already in the queue as "+id+" (the same page under another address)")
			return Proposal{}, false
		}
		if doc, ok := w.byKey[ck]; ok && !inCorpus {
			w.skip(source, u, title, "already in the corpus as "+doc.ID+" (the same page under another address)")
			return Proposal{}, false
		}
	}
	pr := Proposal{Kind: KindNew, URL: d.Doc.URL, Canonical: d.Canonical, Title: title, Publisher: d.Doc.Publisher,
		Published: d.Doc.Published, Source: source, Proposed: w.now.UTC().Truncate(time.Second), Hash: hash, Document: string(d.Data)}
	if pr.URL == "" {
		pr.URL = u
	}
	if inCorpus || d.Replaces != "" {
		if d.Replaces != "" {
			existing = d.Doc
			for _, o := range w.c.Documents {
				if o.ID == d.Replaces {
					existing = o
				}
			}
		}
		if d.Unchanged || TextHash(existing) == hash {
			if w.byPerson != "" { // a person asked: say why nothing comes of it
				w.skip(source, u, title, "already in the corpus as "+existing.ID+", with this text")
			}
			return Proposal{}, false // the corpus has this text
		}
		pr.Kind, pr.Doc, pr.Changed = KindUpdate, existing.ID, changedParagraphs(existing, d.Doc)
	} else {
		if len(d.Similar) > 0 {
			w.skip(source, u, title, fmt.Sprintf("a near-copy of %s (%.0f%% the same)", d.Similar[0].ID, 100*d.Similar[0].Score))
			return Proposal{}, false
		}
		if sim := w.near.NearDuplicates(d.Doc, w.queue, corpus.NearDuplicateThreshold); len(sim) > 0 {
			w.skip(source, u, title, fmt.Sprintf("a near-copy of %s in the queue (%.0f%% the same)", sim[0].ID, 100*sim[0].Score))
			return Proposal{}, false
		}
	}
	pr.Relevance, pr.Why = Relevance(d.Doc, w.names)
	pr.By = w.byPerson
	if pr.Kind == KindNew && pr.Relevance < OnTopic && w.byPerson == "" {
		w.skip(source, u, title, fmt.Sprintf("off topic (relevance %.2f: %s)", pr.Relevance, pr.Why))
		return Proposal{}, false
	}
	if w.waiting >= w.p.opts.MaxQueue {
		w.skip(source, u, title, fmt.Sprintf("the queue is full (%d proposals wait); it is read again later", w.waiting))
		w.failed = true
		return Proposal{}, false
	}
	if len(d.Doc.Paragraphs) > 0 {
		pr.First = d.Doc.Paragraphs[0].Text
	}
	pr.ID = proposalID(pr, w.queued)
	w.remember(pr)
	w.waiting++
	return pr, true
}

// proposalID is a short id of pr unique among the ids of taken.
func proposalID(pr Proposal, taken map[string]string) string {
	used := map[string]bool{}
	for _, id := range taken {
		used[id] = true
	}
	full := key(pr.Kind + "\x00" + web.SameAddressKey(pr.URL) + "\x00" + pr.Hash)
	for n := 8; n <= len(full); n++ {
		if id := "q" + full[:n]; !used[id] {
			return id
		}
	}
	return "q" + full
}

// changedParagraphs returns the paragraphs of cur that old does not have, word for word,
// at most five.
func changedParagraphs(old, cur corpus.Document) []string {
	had := map[string]bool{}
	for _, p := range old.Paragraphs {
		had[corpus.OneLine(p.Text)] = true
	}
	var out []string
	for _, p := range cur.Paragraphs {
		if !had[corpus.OneLine(p.Text)] {
			out = append(out, p.Text)
			if len(out) == 5 {
				break
			}
		}
	}
	return out
}

// Run polls on a schedule until ctx is done: a tenth of Options.Every after it starts,
// then every Options.Every, each wait give or take a tenth at random so that processes
// started together do not poll together. corpusOf gives the
// corpus served at each poll; done, when set, gets each poll's report. lock, when set,
// is held during each poll: the caller's lock on changes of the corpus folder.
func (p *Poller) Run(ctx context.Context, corpusOf func() *corpus.Corpus, lock func() func(), done func(Report, error)) {
	wait := p.opts.Every / 10
	for {
		jitter := time.Duration(rand.Int64N(int64(wait)/5+1)) - wait/10
		if err := p.opts.Sleep(ctx, wait+jitter); err != nil {
			return
		}
		wait = p.opts.Every
		unlock := func() {}
		if lock != nil {
			unlock = lock()
		}
		rep, err := p.Poll(ctx, corpusOf(), false)
		unlock()
		if err != nil && ctx.Err() == nil {
			p.log.Warn("poll failed", "err", err)
		}
		if done != nil {
			done(rep, err)
		}
	}
}
