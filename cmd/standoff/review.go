package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/watch"
	"github.com/standoff-bot/standoff/corpus/web"
)

// review is the workspace's review folder: watched sources and the queue.
func (w *workspace) review() *watch.Review {
	return &watch.Review{Store: w.store, Git: curate.GitCommitter{Repo: w.git}}
}

// poller is the workspace's poller, configured from the environment.
func (w *workspace) poller(stderr io.Writer) (*watch.Poller, error) {
	allow, errs := fetchAllow(os.LookupEnv)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	opts, err := watchOptions(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	f, err := web.NewFetcher(web.FetchConfig{Allow: allow, UserAgent: "standoff (command line; watched sources)"})
	if err != nil {
		return nil, err
	}
	return watch.NewPoller(w.review(), f, w.dataDir, cliLogger(stderr), opts), nil
}

// watchAdd watches an address.
func (w *workspace) watchAdd(ctx context.Context, raw string, stdout io.Writer) error {
	s, added, err := w.review().Watch(ctx, w.who, raw)
	if err != nil {
		return err
	}
	if !added {
		fmt.Fprintf(stdout, "already watched: %s (since %s)\n", s.URL, s.Added.Format(time.DateOnly))
		return nil
	}
	fmt.Fprintf(stdout, "watching %s\n", s.URL)
	return nil
}

// watchRemove stops watching an address.
func (w *workspace) watchRemove(ctx context.Context, raw string, stdout io.Writer) error {
	ok, err := w.review().Unwatch(ctx, w.who, raw)
	if err != nil {
		return err
	}
	if !ok {
		return corpus.Refuse(fmt.Sprintf("%s is not watched (see standoff corpus watch list)", raw), nil)
	}
	fmt.Fprintf(stdout, "no longer watching %s\n", web.CleanURL(raw))
	return nil
}

// watchEntry is a watched source with how it last answered, as watch list --json
// prints it.
type watchEntry struct {
	watch.Source
	Outcome      string    `json:"outcome"` // ok, error, or "" when never polled here
	Error        string    `json:"error,omitempty"`
	LastOK       time.Time `json:"last_ok,omitzero"`
	FailingSince time.Time `json:"failing_since,omitzero"`
	Failing      bool      `json:"failing"` // failing for a day or more
}

// watchList prints the watched sources and how each last answered this data folder's
// poller.
func (w *workspace) watchList(asJSON bool, stdout, stderr io.Writer) error {
	p, err := w.poller(stderr)
	if err != nil {
		return err
	}
	sources, err := w.review().Sources()
	if err != nil {
		fmt.Fprintf(stderr, "standoff corpus watch list: %v\n", err)
	}
	statuses := p.Statuses()
	enc := json.NewEncoder(stdout)
	now := time.Now()
	for _, s := range sources {
		st, polled := statuses[s.URL]
		e := watchEntry{Source: s}
		if polled {
			e.Outcome, e.Error, e.LastOK, e.FailingSince, e.Failing = st.Outcome, st.Error, st.LastOK, st.FailingSince, st.Failing(now)
		}
		if asJSON {
			if err := enc.Encode(e); err != nil {
				return err
			}
			continue
		}
		line := "not polled yet"
		switch {
		case e.Failing:
			line = fmt.Sprintf("FAILING since %s: %s", e.FailingSince.Format(time.RFC3339), e.Error)
		case e.Outcome == watch.OutcomeError:
			line = "error: " + e.Error
		case polled:
			line = "ok, last read " + e.LastOK.Format(time.RFC3339)
		}
		fmt.Fprintf(stdout, "%s\t%s\n", s.URL, line)
	}
	return nil
}

// poll polls every watched source once, now.
func (w *workspace) poll(ctx context.Context, asJSON bool, stdout, stderr io.Writer) error {
	p, err := w.poller(stderr)
	if err != nil {
		return err
	}
	c, err := w.load(ctx)
	if err != nil {
		return err
	}
	rep, err := p.Poll(ctx, c, true)
	if asJSON {
		if err := json.NewEncoder(stdout).Encode(rep); err != nil {
			return err
		}
		return err
	}
	for _, s := range rep.Sources {
		switch s.Outcome {
		case watch.OutcomeError:
			fmt.Fprintf(stdout, "error\t%s\t%s\n", s.URL, s.Error)
		case watch.OutcomeOK:
			fmt.Fprintf(stdout, "read\t%s\t%s\n", s.URL, corpus.Plural(s.Items, "new item"))
		default:
			fmt.Fprintf(stdout, "%s\t%s\n", strings.ReplaceAll(s.Outcome, "_", " "), s.URL)
		}
	}
	for _, pr := range rep.Proposed {
		fmt.Fprintf(stdout, "proposed\t%s\t%s\t%s\t%s (relevance %.2f)\n", pr.ID, pr.Kind, pr.URL, pr.Title, pr.Relevance)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(stdout, "skipped\t%s\t%s\n", s.URL, s.Reason)
	}
	fmt.Fprintf(stdout, "%s; %d skipped; %d expired\n", corpus.Plural(len(rep.Proposed), "proposal"), len(rep.Skipped), rep.Expired)
	return err
}

// queueLine is a proposal as queue --json prints it (the contract's fields, and why).
type queueLine struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Publisher string    `json:"publisher"`
	Published string    `json:"published"`
	Source    string    `json:"source"`
	Relevance float64   `json:"relevance"`
	Why       string    `json:"why"`
	Doc       string    `json:"doc"`
	First     string    `json:"first"`
	Changed   []string  `json:"changed,omitempty"`
	Proposed  time.Time `json:"proposed"`
}

// skipLine is an article not proposed, as queue --all --json prints it.
type skipLine struct {
	Kind   string    `json:"kind"` // "skipped"
	URL    string    `json:"url"`
	Title  string    `json:"title"`
	Source string    `json:"source"`
	Reason string    `json:"reason"`
	When   time.Time `json:"when"`
}

// queue prints the proposals waiting; with all, the articles recently not proposed too.
func (w *workspace) queue(all, asJSON bool, stdout, stderr io.Writer) error {
	q, err := w.review().Queue()
	if err != nil {
		fmt.Fprintf(stderr, "standoff corpus queue: %v\n", err)
	}
	enc := json.NewEncoder(stdout)
	for _, p := range q {
		if asJSON {
			if err := enc.Encode(queueLine{ID: p.ID, Kind: p.Kind, URL: p.URL, Title: p.Title, Publisher: p.Publisher,
				Published: p.Published, Source: p.Source, Relevance: p.Relevance, Why: p.Why, Doc: p.Doc, First: p.First,
				Changed: p.Changed, Proposed: p.Proposed}); err != nil {
				return err
			}
			continue
		}
		what := p.Kind
		if p.Doc != "" {
			what += " of " + p.Doc
		}
		fmt.Fprintf(stdout, "%s\t%s\t%.2f\t%s\t%s\t%s\n", p.ID, what, p.Relevance, p.Published, p.Title, p.URL)
	}
	if len(q) == 0 && !asJSON {
		fmt.Fprintln(stdout, "the queue is empty")
	}
	if !all {
		return nil
	}
	p, err := w.poller(stderr)
	if err != nil {
		return err
	}
	for _, s := range p.SkippedRecently() {
		if asJSON {
			if err := enc.Encode(skipLine{Kind: "skipped", URL: s.URL, Title: s.Title, Source: s.Source, Reason: s.Reason, When: s.When}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(stdout, "skipped\t%s\t%s\t%s\n", s.When.Format(time.RFC3339), s.URL, s.Reason)
	}
	return nil
}

// approve writes the proposal's document as corpus add would (the same audit record and
// commit), then takes it out of the queue.
func (w *workspace) approve(ctx context.Context, id string, stdout io.Writer) error {
	r := w.review()
	p, ok, err := r.Proposal(id)
	if err != nil {
		return err
	}
	if !ok {
		return corpus.Refuse(fmt.Sprintf("no proposal %s is waiting (see standoff corpus queue)", id), nil)
	}
	if err := w.addSource(ctx, watch.SourceOf(p), false, stdout); err != nil {
		return err
	}
	if err := r.Dismiss(ctx, w.who, id, "approved"); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "approved %s\n", id)
	return nil
}

// reject takes the proposal out of the queue and remembers its text as refused.
func (w *workspace) reject(ctx context.Context, id, reason string, stdout io.Writer) error {
	p, err := w.review().Reject(ctx, w.who, id, reason)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rejected %s: %s; it will not be proposed again\n", id, p.Title)
	return nil
}
