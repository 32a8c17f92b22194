package index

import (
	"reflect"
	"regexp"
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

// yearPattern is what hasYear finds.
var yearPattern = regexp.MustCompile(`\b(?:1[89]|20)\d\d\b`)

// TestHasYearIsThePattern: hasYear tells what yearPattern tells, on every passage of the
// default corpus and on the edges of a year.
func TestHasYearIsThePattern(t *testing.T) {
	texts := []string{"", "2025", "in 2025.", "x2025", "2025x", "_2025", "2025_", "é2025", "2025é", "1799", "1800",
		"2099", "2100", "20255", "12025", "a 19th-century 1890s", "20 25", "+2025-", "1,2025", "202", "the 2026/27 budget"}
	for _, p := range loadDefault(t).Passages() {
		texts = append(texts, p.Text)
	}
	for _, s := range texts {
		if got, want := hasYear(s), yearPattern.MatchString(s); got != want {
			t.Errorf("hasYear(%q) = %v, the pattern %v", s, got, want)
		}
	}
}

// FuzzHasYear: hasYear tells what yearPattern tells, whatever the text.
func FuzzHasYear(f *testing.F) {
	for _, s := range []string{"in 2025.", "x2025", "é2025", "1800", "2100", "20255"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := hasYear(s), yearPattern.MatchString(s); got != want {
			t.Errorf("hasYear(%q) = %v, the pattern %v", s, got, want)
		}
	})
}
