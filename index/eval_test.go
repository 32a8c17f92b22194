package index

import (
	"context"
	"reflect"
	"strings"
	"testing"
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
