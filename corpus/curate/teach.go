package curate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/standoff-bot/standoff/corpus"
)

// taughtDoc is the id under which a change of the taught questions is recorded in the
// audit log and in commit messages.
const taughtDoc = "taught-questions"

// Teaching is a change of the taught questions that a moderator asked for, checked
// against the corpus: what to record, and how to write it.
type Teaching struct {
	Taught  corpus.Taught  // the question and its passage
	Passage corpus.Passage // the passage, as the corpus has it
	Plan    Planned
	// Apply writes the taught questions into the corpus folder and returns how to put
	// back what was there.
	Apply func() (undo func() error, err error)
}

// Teach checks that passage (doc#paragraph) is a passage of c and that question can be
// taught, and returns the change that records it in the corpus folder of store. A
// question already taught to that passage is refused, as is one the refusal explains.
func Teach(c *corpus.Corpus, store corpus.Store, passage, question string) (Teaching, error) {
	t, p, err := checkTeaching(c, passage, question)
	if err != nil {
		return Teaching{}, err
	}
	for _, have := range c.Taught {
		if sameTaught(have, t, p) {
			return Teaching{}, &corpus.Refusal{Reason: fmt.Sprintf("%q is already taught to %s", t.Question, t.Passage)}
		}
	}
	next := append(slices.Clone(c.Taught), t)
	return teaching(c, store, t, p, next), nil
}

// Unteach returns the change that removes question, taught to passage, from the corpus
// folder of store; a question that is not taught there is refused.
func Unteach(c *corpus.Corpus, store corpus.Store, passage, question string) (Teaching, error) {
	t, err := corpus.NewTaught(passage, question)
	if err != nil {
		return Teaching{}, &corpus.Refusal{Reason: err.Error()}
	}
	p, _ := c.Passage(t.Passage)
	next := slices.DeleteFunc(slices.Clone(c.Taught), func(have corpus.Taught) bool { return sameTaught(have, t, p) })
	if len(next) == len(c.Taught) {
		return Teaching{}, &corpus.Refusal{Reason: fmt.Sprintf("%q is not taught to %s (see %s in the corpus folder)", t.Question, t.Passage, corpus.TaughtFile)}
	}
	return teaching(c, store, t, p, next), nil
}

// checkTeaching reads a passage id and a question, and finds the passage in c.
func checkTeaching(c *corpus.Corpus, passage, question string) (corpus.Taught, corpus.Passage, error) {
	t, err := corpus.NewTaught(passage, question)
	if err != nil {
		return corpus.Taught{}, corpus.Passage{}, &corpus.Refusal{Reason: err.Error()}
	}
	p, ok := c.Passage(t.Passage)
	if !ok {
		doc, _, _ := corpus.SplitPassageID(t.Passage)
		if _, found := Find(c, doc); !found {
			return t, p, &corpus.Refusal{Reason: fmt.Sprintf("there is no document %q in the corpus", doc)}
		}
		return t, p, &corpus.Refusal{Reason: fmt.Sprintf("the document %q has no passage %s (see the doc and paragraph of an answer)", doc, t.Passage)}
	}
	return t, p, nil
}

// sameTaught tells whether have is t: the same question (as TaughtKey reads it) taught
// to the same passage, named as t names it or by its paragraph.
func sameTaught(have, t corpus.Taught, p corpus.Passage) bool {
	if corpus.TaughtKey(have.Question) != corpus.TaughtKey(t.Question) {
		return false
	}
	return have.Passage == t.Passage || p.ID != "" && (have.Passage == p.ID || have.Passage == fmt.Sprintf("%s#%d", p.Doc, p.Paragraph) && p.Part == 1)
}

// teaching is the change that writes next as the taught questions of the folder.
func teaching(c *corpus.Corpus, store corpus.Store, t corpus.Taught, p corpus.Passage, next []corpus.Taught) Teaching {
	action := "updated"
	switch {
	case len(c.Taught) == 0:
		action = "added"
	case len(next) == 0:
		action = "removed"
	}
	hash := ""
	if len(next) > 0 {
		hash = corpus.Hash(corpus.FormatTaught(next))
	}
	return Teaching{Taught: t, Passage: p,
		Plan:  Planned{Action: action, Doc: taughtDoc, Path: corpus.TaughtFile, Title: "taught questions", Hash: hash},
		Apply: func() (func() error, error) { return store.WriteTaught(next) }}
}

// WithTaught adds a change of the taught questions to ch, for the audit log and the
// commit, as a change of TaughtFile; its title names the question when one was taught
// or untaught.
func WithTaught(ch corpus.Changes, before, after *corpus.Corpus) corpus.Changes {
	var was, now []corpus.Taught
	if before != nil {
		was = before.Taught
	}
	if after != nil {
		now = after.Taught
	}
	hash := func(ts []corpus.Taught) string {
		if len(ts) == 0 {
			return ""
		}
		return corpus.Hash(corpus.FormatTaught(ts))
	}
	h0, h1 := hash(was), hash(now)
	if h0 == h1 {
		return ch
	}
	added, removed := taughtDiff(now, was), taughtDiff(was, now)
	title := "taught questions"
	switch {
	case len(added) == 1 && len(removed) == 0:
		title = fmt.Sprintf("taught %q to %s", cutQuestion(added[0].Question), added[0].Passage)
	case len(removed) == 1 && len(added) == 0:
		title = fmt.Sprintf("untaught %q from %s", cutQuestion(removed[0].Question), removed[0].Passage)
	}
	return withFileChange(ch, corpus.DocChange{ID: taughtDoc, Path: corpus.TaughtFile, Title: title}, h0, h1)
}

// taughtDiff lists the questions of a that b lacks.
func taughtDiff(a, b []corpus.Taught) []corpus.Taught {
	in := map[[2]string]bool{}
	for _, t := range b {
		in[[2]string{t.Passage, corpus.TaughtKey(t.Question)}] = true
	}
	var out []corpus.Taught
	for _, t := range a {
		if !in[[2]string{t.Passage, corpus.TaughtKey(t.Question)}] {
			out = append(out, t)
		}
	}
	return out
}

// cutQuestion shortens a question for a one-line title.
func cutQuestion(q string) string {
	if r := []rune(q); len(r) > 80 {
		return strings.TrimSpace(string(r[:79])) + "…"
	}
	return q
}
