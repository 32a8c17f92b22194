package corpus

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{
			"brief example",
			"The U.S. withdrew in 2018. Iran enriched to 3.67% at first. Dr. Smith said so. It was “reported” by the IAEA. Then?  Yes!",
			[]string{"The U.S. withdrew in 2018.", "Iran enriched to 3.67% at first.", "Dr. Smith said so.", "It was “reported” by the IAEA.", "Then?", "Yes!"},
		},
		{
			"titles and months",
			"Mr. Araghchi met St. John on Jan. 5. He left. Sen. Graham, Gen. Milley and Prof. Nasr spoke. Pres. Trump agreed. Then Amb. Ravanchi spoke.",
			[]string{"Mr. Araghchi met St. John on Jan. 5.", "He left.", "Sen. Graham, Gen. Milley and Prof. Nasr spoke.", "Pres. Trump agreed.", "Then Amb. Ravanchi spoke."},
		},
		{
			"figures",
			"Iran had 202.8 kg of uranium. It rose by 60%. The count reached 1,000. No. 3 was next. Art. 36 applies.",
			[]string{"Iran had 202.8 kg of uranium.", "It rose by 60%.", "The count reached 1,000.", "No. 3 was next.", "Art. 36 applies."},
		},
		{
			"latin abbreviations",
			"Some, e.g. the IAEA, disagreed, i.e. they objected. The approx. figure was 60 pct. And so on.",
			[]string{"Some, e.g. the IAEA, disagreed, i.e. they objected.", "The approx. figure was 60 pct.", "And so on."},
		},
		{
			"country abbreviations",
			"Talks with the U.K. went on. U.S. President Trump spoke. The U.N. Security Council met. The U.S. Treasury acted.",
			[]string{"Talks with the U.K. went on.", "U.S. President Trump spoke.", "The U.N. Security Council met.", "The U.S. Treasury acted."},
		},
		{
			"quotes",
			"He said, “We will not yield.” The talks resumed. He called it “over.” “Is it?” she asked. ‘Yes.’ Then silence. \"Fine.\" It ended.",
			[]string{"He said, “We will not yield.”", "The talks resumed.", "He called it “over.”", "“Is it?” she asked.", "‘Yes.’", "Then silence.", "\"Fine.\"", "It ended."},
		},
		{
			// An ellipsis is not taken for the end of a sentence: in quotations it often
			// marks an elision before a name ("the deal … Iran must").
			"ellipses",
			"Wait... what? He hesitated… and went on. The deal … Iran must comply. Done.",
			[]string{"Wait... what?", "He hesitated… and went on.", "The deal … Iran must comply.", "Done."},
		},
		{
			"list number at the start",
			"1. The first point is this.",
			[]string{"1. The first point is this."},
		},
		{"no final stop", "One sentence without an end", []string{"One sentence without an end"}},
		{"surrounding space", "  One.   Two.  ", []string{"One.", "Two."}},
		{"empty", "", []string{}},
		{"white space", " \t ", []string{}},
	}
	sp := NewSplitter()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sp.Split(tt.text)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Split(%q):\n got %q\nwant %q", tt.text, got, tt.want)
			}
			checkCovers(t, tt.text, got)
			spans := sp.Spans(tt.text)
			if len(spans) != len(got) {
				t.Fatalf("Spans(%q) gives %d sentences, Split %d", tt.text, len(spans), len(got))
			}
			for i, s := range spans {
				if tt.text[s[0]:s[1]] != got[i] {
					t.Errorf("Spans(%q)[%d] = %q, Split's is %q", tt.text, i, tt.text[s[0]:s[1]], got[i])
				}
			}
		})
	}
	if got, want := SplitSentences("One. Two."), []string{"One.", "Two."}; !reflect.DeepEqual(got, want) {
		t.Errorf("SplitSentences = %q, want %q", got, want)
	}
}

// checkCovers fails unless sentences, in order, joined with only white space, make text.
func checkCovers(t *testing.T, text string, sentences []string) {
	t.Helper()
	rest := text
	for _, s := range sentences {
		trimmed := strings.TrimLeftFunc(rest, unicode.IsSpace)
		if !strings.HasPrefix(trimmed, s) || s == "" || strings.TrimSpace(s) != s {
			t.Fatalf("sentence %q does not follow in %q", s, rest)
		}
		rest = trimmed[len(s):]
	}
	if strings.TrimSpace(rest) != "" {
		t.Errorf("text %q left over after the sentences", rest)
	}
}

func TestSplitterConcurrent(t *testing.T) {
	sp := NewSplitter()
	text := "The U.S. withdrew in 2018. Iran enriched to 3.67% at first. Dr. Smith said so."
	want := sp.Split(text)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got := sp.Split(text); !reflect.DeepEqual(got, want) {
				t.Errorf("Split = %q, want %q", got, want)
			}
		})
	}
	wg.Wait()
}

func BenchmarkNewSplitter(b *testing.B) {
	for b.Loop() {
		NewSplitter()
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"The U.S. withdrew in 2018. Iran enriched to 3.67% at first. Dr. Smith said so.",
		"He called it “over.” “Is it?” she asked. ‘Yes.’",
		"1. A. b. 2. C... “D.” e",
		"",
	} {
		f.Add(s)
	}
	sp := NewSplitter()
	f.Fuzz(func(t *testing.T, text string) {
		checkCovers(t, text, sp.Split(text))
	})
}

// SplitSentences splits text into sentences with a Splitter built for the call: a
// shorthand for the tests.
func SplitSentences(text string) []string {
	return NewSplitter().Split(text)
}
