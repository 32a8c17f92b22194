package index

import (
	"reflect"
	"testing"

	"github.com/standoff-bot/standoff/corpus"
)

// TestDatedSpansAreTheTextsDates: for every dated passage of the default corpus, the
// spans datedSpans finds sentence by sentence are those, among the dates the whole text
// writes, that are the passage's date and lie in one sentence.
func TestDatedSpansAreTheTextsDates(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	found := 0
	for i := range ix.passages.len() {
		p, sentences := ix.passages.withSentences(i)
		if p.Date == "" {
			continue
		}
		var want []span
		for _, m := range corpus.FindDates(p.Text) {
			for _, sent := range sentences {
				if m.Date.String() == p.Date && m.Start >= sent.start && m.End <= sent.end {
					want = append(want, span{m.Start, m.End})
				}
			}
		}
		got := datedSpans(p.Text, p.Date, sentences)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s (%s): spans %v, want %v", p.ID, p.Date, got, want)
		}
		found += len(got)
	}
	if found < 100 {
		t.Errorf("%d dates found in the passages, want more", found)
	}
}
