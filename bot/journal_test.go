package bot

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFeedbackCountsAndSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), FeedbackFile)
	fb, err := OpenFeedback(path)
	if err != nil {
		t.Fatal(err)
	}
	vote := func(fb *Feedback, msg, user, v string) bool {
		t.Helper()
		changed, err := fb.Record(Vote{Time: time.Now(), User: user, Message: msg, Question: "q", Passages: []string{"glossary#1"}, Vote: v})
		if err != nil {
			t.Fatal(err)
		}
		return changed
	}
	if !vote(fb, "m1", "u1", "up") || vote(fb, "m1", "u1", "up") || !vote(fb, "m1", "u2", "down") || !vote(fb, "m2", "u1", "up") {
		t.Fatal("Record's changed flag is wrong")
	}
	if up, down := fb.Counts(); up != 2 || down != 1 {
		t.Fatalf("counts %d/%d, want 2/1", up, down)
	}
	vote(fb, "m1", "u1", "down") // changes their mind
	if up, down := fb.Counts(); up != 1 || down != 2 {
		t.Fatalf("after a change: %d/%d, want 1/2", up, down)
	}
	fb.Close()

	fb2, err := OpenFeedback(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fb2.Close()
	if up, down := fb2.Counts(); up != 1 || down != 2 {
		t.Fatalf("after reopening: %d/%d, want 1/2", up, down)
	}
	if vote(fb2, "m1", "u1", "down") {
		t.Error("a repeated vote after a restart counted again")
	}
	f, _ := os.Open(path)
	defer f.Close()
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); lines++ {
		var v Vote
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil || v.User == "" || v.Message == "" || len(v.Passages) != 1 {
			t.Errorf("line %d: %s (%v)", lines+1, sc.Text(), err)
		}
	}
	if lines != 4 {
		t.Errorf("%d lines, want 4", lines)
	}
}
