package index

import (
	"context"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff"
)

// classify tells the questions that lean on the one before from those that stand alone.
func TestClassifyFollowUps(t *testing.T) {
	tests := []struct {
		q    string
		want followKind
	}{
		{"when was that?", bareAsk},
		{"why?", bareAsk},
		{"where is it?", bareAsk},
		{"who ordered it?", thinAsk},
		{"when did he die?", personAsk},
		{"and Natanz?", newSubject},
		{"what about the IAEA?", newSubject},
		{"and in 2024?", newScope},
		{"what about now?", newScope},
		{"and when was that?", bareAsk},
		{"what is breakout time?", standsAlone},
		{"what time is it", standsAlone},
		{"is it safe to travel to tehran as a tourist", standsAlone},
		{"is there a ceasefire rn", standsAlone},
		{"hello there", standsAlone},
		{"why does everyone care so much about this deal", standsAlone},
		{"and what did the United States, Israel and the E3 agree to in 2015 in Vienna", standsAlone},
		{"", standsAlone},
	}
	for _, tt := range tests {
		if got, _ := classify(tt.q); got != tt.want {
			t.Errorf("classify(%q) = %d, want %d", tt.q, got, tt.want)
		}
	}
}

// A follow-up is read with the previous question's topic, or with its subject replaced;
// hostile input is read without a panic and without growing past the question limit.
func TestFollowUpReadings(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	ctx := context.Background()
	tests := []struct{ prev, q, readAs string }{
		{"what did the United States do to Fordow?", "when was that?", "when was that (United States to Fordow)?"},
		{"what did the United States do to Fordow?", "and Natanz?", "what did the United States do to Natanz?"},
		{"what is the E3?", "and the P5+1?", "what is the P5+1?"},
		{"what is Oman's role as a mediator?", "and Qatar?", "what is Qatar's role as a mediator?"},
		{"how much 60% uranium did Iran have?", "and 20%?", "how much 20% uranium did Iran have?"},
		{"what is breakout time?", "what is snapback?", ""},
		{"", "when was that?", ""},
		{"what is the capital of France?", "when was that?", ""}, // a reading nothing answers
	}
	for _, tt := range tests {
		ans, err := ix.Answer(ctx, standoff.Request{Question: tt.q, Previous: tt.prev})
		if err != nil {
			t.Fatal(err)
		}
		if ans.ReadAs != tt.readAs || ans.Question != tt.q {
			t.Errorf("%q after %q: read as %q (question %q), want %q", tt.q, tt.prev, ans.ReadAs, ans.Question, tt.readAs)
		}
	}
	for _, prev := range []string{strings.Repeat("Fordow ", 5000), "\x00\xff\xfe", "((((", strings.Repeat("and ", 300)} {
		for _, q := range []string{"when was that?", "and " + prev, "and", "what about"} {
			if _, err := ix.Answer(ctx, standoff.Request{Question: q, Previous: prev}); err != nil {
				t.Errorf("%.20q after %.20q: %v", q, prev, err)
			}
		}
	}
}

// BenchmarkAnswerFollowUp measures a follow-up: the question read alone, then with the
// previous one's topic.
func BenchmarkAnswerFollowUp(b *testing.B) {
	ix := openMem(b, loadDefault(b))
	ctx := context.Background()
	req := standoff.Request{Question: "who ordered it?", Previous: "what did the United States do to Fordow?"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Answer(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
