package index

import (
	"strings"

	"github.com/standoff-bot/standoff/corpus"
)

// Taught questions (corpus.TaughtFile) are indexed in a field of their passage of their
// own, fieldTaught, searched with the weight weights.taught and read by matchPassage as
// the section and title are: a concept found there counts for the relevance floor, but is
// never highlighted, since the question is not the passage's text.

// taughtByPassage maps the position of each passage to the questions taught to it, one
// a line, with lookup giving the position of a passage by its id. A question taught to
// "doc#N" (or "doc#N.1") goes to the paragraph's first part, after those taught to the
// part by its own id; one taught to a passage the corpus no longer has is left out.
func taughtByPassage(taught []corpus.Taught, lookup func(id string) (int, bool)) map[int]string {
	if len(taught) == 0 {
		return nil
	}
	qs := map[int][]string{}
	for _, t := range taught {
		if i, ok := lookup(t.Passage); ok {
			qs[i] = append(qs[i], t.Question)
		}
	}
	for _, alias := range []func(string) (string, bool){
		func(id string) (string, bool) {
			return id + ".1", !strings.Contains(id[strings.LastIndexByte(id, '#')+1:], ".")
		},
		func(id string) (string, bool) { return strings.TrimSuffix(id, ".1"), strings.HasSuffix(id, ".1") },
	} {
		for _, t := range taught {
			if id, ok := alias(t.Passage); ok {
				if i, ok := lookup(id); ok {
					qs[i] = append(qs[i], t.Question)
				}
			}
		}
	}
	out := make(map[int]string, len(qs))
	for i, q := range qs {
		out[i] = strings.Join(q, "\n")
	}
	return out
}

// positions is the lookup of taughtByPassage over passages in memory.
func positions(ps []corpus.Passage) func(id string) (int, bool) {
	at := make(map[string]int, len(ps))
	for i, p := range ps {
		at[p.ID] = i
	}
	return func(id string) (int, bool) { i, ok := at[id]; return i, ok }
}

// metaText is what matchPassage reads of a passage besides its text: its section, its
// title and the questions taught to it, one a line ("" when none).
func metaText(p corpus.Passage, taught string) string {
	s := p.Section + " \n " + p.Title
	if taught != "" {
		s += " \n " + taught
	}
	return s
}

// passageAnalysis is what writePassages stores of the passages ps, with the questions
// taught to them by position: each analysed as matchPassage reads it, and its sentences.
func (ix *Index) passageAnalysis(ps []corpus.Passage, taught map[int]string) func(i int) passageTokens {
	return func(i int) passageTokens {
		return passageTokens{text: ix.analyze(maskURLs(ps[i].Text)), meta: ix.analyze(metaText(ps[i], taught[i])),
			sentences: ix.sentences(ps[i].Text)}
	}
}
