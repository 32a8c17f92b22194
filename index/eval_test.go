package index

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff"
)

func TestReadQuestions(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Question
		err      string
	}{
		{"gold and tier", "# comment\nwhat is snapback\tsnapback|snap back\teasy\n",
			[]Question{{Line: 2, Question: "what is snapback", Gold: []string{"snapback", "snap back"}, Tier: "easy"}}, ""},
		{"must not be answered", "how do I bake bread\r\n\n  who won the cup  \n",
			[]Question{{Line: 1, Question: "how do I bake bread"}, {Line: 3, Question: "who won the cup"}}, ""},
		{"today", "# Questions\n# today: 2026-12-03\nwho leads iran now\tfact: Mojtaba Khamenei; 2026-03\teasy\nhow is the weather\n",
			[]Question{
				{Line: 3, Question: "who leads iran now", Gold: []string{"fact: Mojtaba Khamenei; 2026-03"}, Tier: "easy", Today: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)},
				{Line: 4, Question: "how is the weather", Today: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)},
			}, ""},
		{"today twice", "# today: 2026-12-03\n# today: 2026-12-04\n", nil, "line 2: today is given already on line 1"},
		{"bad today", "# today: December 2026\n", nil, `line 1: today "December 2026": want YYYY-MM-DD`},
		{"bad fact date", "q\tfact: 2026-02-31\n", nil, `line 1: fact "2026-02-31"`},
		{"empty fact", "q\tphrase|fact: ; \n", nil, "line 1: fact: names no fact"},
		{"bad figure", "q\tfact: 12 ,\n", nil, `line 1: fact "12 ,": not a figure`},
		{"empty gold", "what is snapback\t\n", nil, "line 1: want question<TAB>gold"},
		{"empty question", "\tsnapback\n", nil, "line 1: want question<TAB>gold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadQuestions(strings.NewReader(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestEvaluateCountsRefusals scores a file mixing questions with gold and questions that
// must not be answered.
func TestEvaluateCountsRefusals(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	qs, err := ReadQuestions(strings.NewReader("what is snapback\tsnapback\n" +
		"what should iran do to show good faith\tgood faith|goodwill\n" +
		"how do I bake sourdough bread\n" +
		"who won the 2022 world cup\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(context.Background(), ix, qs)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Questions != 2 || rep.Unanswerable != 2 {
		t.Fatalf("questions %d, unanswerable %d; want 2 and 2", rep.Questions, rep.Unanswerable)
	}
	if rep.Refused != 1 || rep.RefusedRate != 0.5 {
		t.Errorf("refused %d (%.2f), want 1 (0.50): the vague question is not answered", rep.Refused, rep.RefusedRate)
	}
	if rep.AnsweredAnyway != 0 || len(rep.Wrongly) != 0 {
		t.Errorf("answered anyway %d %v, want none", rep.AnsweredAnyway, rep.Wrongly)
	}
}

// TestGoldFacts matches fact-set gold against passages: dates in every spelling or as the
// passage's own date, figures with any grouping and unit spelling, names; and phrases
// as before.
func TestGoldFacts(t *testing.T) {
	tests := []struct {
		gold string
		text string
		date string // the passage's own date, when it has one
		want bool
	}{
		{"fact: 2026-02-28", "28 February 2026: the war begins.", "", true},
		{"fact: 2026-02-28", "It began on February 28, 2026, at dawn.", "", true},
		{"fact: 2026-02-28", "It began on Feb. 28, 2026.", "", true},
		{"fact: 2026-02-28", "It began on 28 Feb 2026.", "", true},
		{"fact: 2026-02-28", "It began 2026-02-28.", "", true},
		{"fact: 2026-02-28", "It began in February 2026.", "", false}, // a month is not the day
		{"fact: 2026-02-28", "It began on 27 February 2026.", "", false},
		{"fact: 2026-02", "It began in February 2026.", "", true},
		{"fact: 2026-02", "It began on 28 February 2026.", "", true},
		{"fact: 2026-02", "It began in 2026.", "", false},
		{"fact: 2026", "It began on 28 February 2026.", "", true},
		{"fact: 2026-03", "Mojtaba Khamenei is named Supreme Leader.", "2026-03-08", true}, // its own date
		{"fact: 2026-03", "Mojtaba Khamenei is named Supreme Leader.", "", false},
		{"fact: 440.9", "Iran held 440.9 kg of uranium enriched to 60%.", "", true},
		{"fact: 440.9 kg", "Iran held 440.9 kilograms.", "", true},
		{"fact: 440.9 kg", "Iran held 440.9 tonnes.", "", false},
		{"fact: 440.9", "Iran held 1440.9 kg.", "", false},
		{"fact: 440.9", "Iran held 440.95 kg.", "", false},
		{"fact: 60%", "enriched to 60 percent", "", true},
		{"fact: 60%", "enriched to 60 per cent", "", true},
		{"fact: 60%", "enriched to 60%", "", true},
		{"fact: 60%", "sixty units at 60 sites", "", false},
		{"fact: 60%", "in 1960%", "", false},
		{"fact: 1,044", "1044 centrifuges", "", true},
		{"fact: 1044", "1,044 centrifuges", "", true},
		{"fact: $2 billion", "a $2 billion fund", "", true},
		{"fact: $2 billion", "a 2 billion dollars fund", "", true},
		{"fact: $2 billion", "a €2 billion fund", "", false},
		{"fact: 12 months", "a 12-month breakout time", "", true},
		{"fact: 2231", "Resolution 2231 endorses the deal.", "", true},
		{"fact: Mojtaba Khamenei; 2026-03", "8 March 2026: Mojtaba Khamenei becomes Supreme Leader.", "", true},
		{"fact: Mojtaba Khamenei; 2026-03", "Mojtaba Khamenei, his son, was a cleric.", "", false},
		{"fact: Fordow; 2025-06-22; Natanz", "22 June 2025: the US strikes Fordow, Natanz and Isfahan.", "", true},
		{"breakout time", "Breakout time is the time.", "", true},
		{"Breakout-time!", "Breakout time is the time.", "", true},
		{"sneak out", "Breakout time is the time.", "", false},
	}
	for _, tt := range tests {
		r := standoff.Result{Rank: 1, Text: tt.text, Date: tt.date, DateOwn: tt.date != ""}
		got := GoldRank(standoff.Answer{Results: []standoff.Result{r}}, []string{tt.gold}) == 1
		if got != tt.want {
			t.Errorf("gold %q in %q (own date %q) = %v, want %v", tt.gold, tt.text, tt.date, got, tt.want)
		}
	}
}

// TestEvaluateFactGold scores fact-set gold on the default corpus: the facts of the
// right passage pass whatever its wording, a wrong date misses.
func TestEvaluateFactGold(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	qs, err := ReadQuestions(strings.NewReader("# today: 2026-12-03\n" +
		"When did the E3 trigger snapback?\tfact: 2025-08-28; E3\teasy\n" +
		"what did the US strike in june 2025\tfact: 2025-06-22; Fordow; Natanz\teasy\n" +
		"what was the jcpoa enrichment cap\tfact: 3.67%\teasy\n" +
		"When did the E3 trigger snapback?\tfact: 2026-08-28; E3\teasy\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(context.Background(), ix, qs)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Questions != 4 || rep.RecallAt3 != 0.75 || len(rep.Misses) != 1 || rep.Misses[0].Line != 5 {
		t.Errorf("questions %d, Recall@3 %.2f, misses %+v; want 4, 0.75 and only line 5 missed", rep.Questions, rep.RecallAt3, rep.Misses)
	}
}
