package index

import (
	"fmt"
	"strings"

	"github.com/standoff-bot/standoff/corpus"
)

// Taught questions (corpus.TaughtFile) are indexed in a field of their passage of their
// own, fieldTaught, searched with the weight weights.taught and read by matchPassage as
// the section and title are: a concept found there counts for the relevance floor, but is
// never highlighted, since the question is not the passage's text.

// taughtByPassage maps the position of each passage in ps to the questions taught to it,
// one a line. A question taught to "doc#N" (or "doc#N.1") goes to the paragraph's first
// part; one taught to a passage the corpus no longer has is left out.
func taughtByPassage(ps []corpus.Passage, taught []corpus.Taught) map[int]string {
	if len(taught) == 0 {
		return nil
	}
	want := map[string][]string{}
	for _, t := range taught {
		want[t.Passage] = append(want[t.Passage], t.Question)
	}
	out := map[int]string{}
	for i, p := range ps {
		qs := want[p.ID]
		if p.Part == 1 { // "doc#12" and "doc#12.1" name the first part of paragraph 12
			for _, id := range []string{fmt.Sprintf("%s#%d", p.Doc, p.Paragraph), fmt.Sprintf("%s#%d.1", p.Doc, p.Paragraph)} {
				if id != p.ID {
					qs = append(qs, want[id]...)
				}
			}
		}
		if len(qs) > 0 {
			out[i] = strings.Join(qs, "\n")
		}
	}
	return out
}

// taughtText is what matchPassage reads of the questions taught to the passage with id,
// after its section and title: "" when none.
func (ix *Index) taughtText(id string) string {
	i, ok := ix.byID[id]
	if !ok || ix.taught[i] == "" {
		return ""
	}
	return " \n " + ix.taught[i]
}
