package bot

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff"
)

// recordingAnswerer remembers the questions the index is asked.
type recordingAnswerer struct{ asked []string }

func (a *recordingAnswerer) Answer(_ context.Context, req standoff.Request) (standoff.Answer, error) {
	a.asked = append(a.asked, req.Question)
	return standoff.Answer{}, nil
}
func (a *recordingAnswerer) Complete(context.Context, string, int) []string { return nil }
func (a *recordingAnswerer) Stats() standoff.Stats                          { return standoff.Stats{} }

// The index knows nothing of Discord: the bot takes mentions and pings out of the
// question it asks, and keeps the member's words for the reply and the log.
func TestAnswerAsksWithoutPings(t *testing.T) {
	tests := []struct{ question, want string }{
		{"what is snapback", "what is snapback"},
		{"<@123456> what is snapback", "what is snapback"},
		{"<@!123456> what is <#987> snapback <@&55>", "what is snapback"},
		{"@everyone what is breakout time @here", "what is breakout time"},
		{"email me at a@b.org", "email me at a .org"},
		{"<@123>", ""},
		{"<not a mention> breakout", "<not a mention> breakout"},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			a := &recordingAnswerer{}
			b, err := New(Config{Token: "t", DataDir: t.TempDir()}, a, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.answer(context.Background(), standoff.Request{Question: tt.question}); err != nil {
				t.Fatal(err)
			}
			if len(a.asked) != 1 || a.asked[0] != tt.want {
				t.Errorf("index asked %q, want %q", a.asked, tt.want)
			}
		})
	}
}

// stripMentions reads the question out of a message's text: mentions and custom emoji
// go, white space is one space.
func TestStripMentions(t *testing.T) {
	tests := []struct{ text, want string }{
		{"<@42> what is breakout time?", "what is breakout time?"},
		{"what  is\n<:iran:123> <a:spin:9> snapback", "what is snapback"},
		{"<@!42><#7><@&8>", ""},
		{"no mention", "no mention"},
	}
	for _, tt := range tests {
		if got := stripMentions(tt.text); got != tt.want {
			t.Errorf("stripMentions(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// guard is the bot's one panic recovery: a panic is counted, logged and told; a handler
// that returns is left alone.
func TestGuardRecoversOnce(t *testing.T) {
	tests := []struct {
		name      string
		handle    func()
		panics    int64
		told      bool
		wantInLog string
	}{
		{"returns", func() {}, 0, false, ""},
		{"panics", func() { panic("boom in a handler") }, 1, true, "boom in a handler"},
		{"panics with an error", func() { var m map[string]int; m["x"]++ }, 1, true, "assignment to entry in nil map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := New(Config{Token: "t", DataDir: t.TempDir()}, &recordingAnswerer{}, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var logs strings.Builder
			log := slog.New(slog.NewTextHandler(&logs, nil))
			told := false
			b.guard(log, tt.handle, func(err error) {
				told = true
				if !strings.HasPrefix(err.Error(), "panic: ") {
					t.Errorf("told %q, want a panic error", err)
				}
			})
			if got := b.Stats().Panics; got != tt.panics {
				t.Errorf("panics counted %d, want %d", got, tt.panics)
			}
			if told != tt.told {
				t.Errorf("member told %v, want %v", told, tt.told)
			}
			if tt.wantInLog != "" && (!strings.Contains(logs.String(), tt.wantInLog) || !strings.Contains(logs.String(), "stack=")) {
				t.Errorf("log %q lacks the panic and its stack", logs.String())
			}
			// No one to tell (autocomplete): the panic is still recovered.
			b.guard(log, tt.handle, nil)
		})
	}
}
