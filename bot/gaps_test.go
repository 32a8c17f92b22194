package bot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func writeLines(t *testing.T, path string, values ...any) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, v := range values {
		b, _ := json.Marshal(v)
		f.Write(append(b, '\n'))
	}
	f.WriteString("not json\n")
}

// TestGaps reads the gaps of the admin guild g1: the questions and votes of direct
// messages and of another guild (g2) are never shown (finding 2).
func TestGaps(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
	writeLines(t, filepath.Join(dir, QuestionsFile),
		QuestionRecord{Guild: "g1", Time: at(1), Question: "What is snapback?", Suggestions: []string{"snap", "sanctions"}},
		QuestionRecord{Guild: "g1", Time: at(2), Question: "what is  snapback", Suggestions: []string{"sanctions"}},
		QuestionRecord{Guild: "g1", Time: at(3), Question: "WHAT IS SNAPBACK?!", Suggestions: []string{"sanctions"}},
		QuestionRecord{Guild: "g1", Time: at(4), Question: "who runs Fordow?", Answered: true, TopTerms: []string{"fordow"}},
		QuestionRecord{Guild: "g1", Time: at(5), Question: "breakout?", Error: "index closed"},             // a failure, not a gap
		QuestionRecord{Guild: "g1", Time: day.AddDate(0, 0, -30), Question: "an old question"},             // before the period
		QuestionRecord{Guild: "g1", Time: at(6), Question: "what is the zorblax treaty", Suggestions: nil}, // unanswered once
		QuestionRecord{Time: at(6), Source: "dm", Question: "my private direct message question"},          // a DM
		QuestionRecord{Guild: "g2", Time: at(6), Question: "another server's question"},                    // not an admin guild
	)
	writeLines(t, filepath.Join(dir, FeedbackFile),
		Vote{Guild: "g1", Time: at(4), User: "a", Message: "m1", Question: "who runs Fordow?", Vote: "down"},
		Vote{Guild: "g1", Time: at(4), User: "b", Message: "m1", Question: "who runs Fordow?", Vote: "down"},
		Vote{Guild: "g1", Time: at(5), User: "b", Message: "m1", Question: "who runs Fordow?", Vote: "up"}, // b changed their mind
		Vote{Guild: "g1", Time: at(5), User: "c", Message: "m2", Question: "what is breakout time?", Vote: "up"},
		Vote{Time: at(5), User: "d", Message: "m3", Question: "a direct message voted down", Vote: "down"},
		Vote{Guild: "g2", Time: at(5), User: "e", Message: "m4", Question: "another server voted down", Vote: "down"},
	)
	got, err := Gaps(dir, day, []string{"g1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Gap{
		{Question: "WHAT IS SNAPBACK?!", Count: 3, Unanswered: 3, Closest: []string{"sanctions", "snap"}, Last: at(3)},
		{Question: "what is the zorblax treaty", Count: 1, Unanswered: 1, Last: at(6)},
		{Question: "who runs Fordow?", Count: 1, Down: 1, Closest: []string{"fordow"}, Last: at(4)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Gaps:\n got %+v\nwant %+v", got, want)
	}
	if none, err := Gaps(dir, day, nil); err != nil || len(none) != 0 {
		t.Errorf("Gaps without an admin guild: %v, %v", none, err)
	}
	if none, err := Gaps(t.TempDir(), day, []string{"g1"}); err != nil || len(none) != 0 {
		t.Errorf("Gaps without logs: %v, %v", none, err)
	}
	m := gapsMessage(got, 7)
	if d := m.Embeds[0].Description; d == "" || m.Embeds[0].Title != "Gaps of the last 7 days: 3 questions" {
		t.Errorf("gaps message: %q / %q", m.Embeds[0].Title, d)
	}
}
