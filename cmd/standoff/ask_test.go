package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff"
)

// Not on a terminal, the answer is plain text: no Markdown, no escape codes; the best
// sentence is marked, the citation names no internal id, the sources are listed, and a
// passage whose publisher is unknown says so.
func TestAskPlainText(t *testing.T) {
	tests := []struct {
		question string
		want     []string
	}{
		{"what is breakout time?", []string{
			"[1] Breakout time · Glossary\n",
			"    standoff’s own summary of the sources it cites · 30 June 2026 · ¶ 1\n",
			"The corpus reaches to 30 June 2026, the date of its newest passage.\n",
			"    » Breakout time is the time a country would need",
			"    - The Joint Comprehensive Plan of Action at a glance (Arms Control Association): https://armscontrol.org/node/7135\n",
		}},
		{"does iran say its nuclear program is peaceful", []string{"Publisher and address unknown"}},
	}
	for _, tt := range tests {
		code, out, errOut := runCmd(t, "", "ask", "--data", t.TempDir(), tt.question)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, bad := range []string{"**", "\x1b[", "glossary ·", "glossary#", "(Source"} {
			if strings.Contains(out, bad) {
				t.Errorf("%q: output holds %q:\n%s", tt.question, bad, out)
			}
		}
		for _, want := range tt.want {
			if !strings.Contains(out, want) {
				t.Errorf("%q: output lacks %q:\n%s", tt.question, want, out)
			}
		}
	}
}

// Every default-corpus result in ask --json has a url or an http(s) source, the seed
// article aside; a question matched only by a source's name is not answered.
func TestAskJSONSources(t *testing.T) {
	qs := []string{"what is breakout time?", "what is snapback?", "who struck Fordow in June 2025?",
		"when did the US withdraw from the deal?", "what did the E3 do?", "what is HEU?", "what is the IAEA?",
		"what is the stockpile limit?", "news?"}
	code, out, errOut := runCmd(t, strings.Join(qs, "\n")+"\n", "ask", "--json", "-k", "10", "--data", t.TempDir(), "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(qs) {
		t.Fatalf("%d answers for %d questions", len(lines), len(qs))
	}
	results := 0
	for _, l := range lines {
		var ans standoff.Answer
		if err := json.Unmarshal([]byte(l), &ans); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(l, `"sources":`) && len(ans.Results) > 0 {
			t.Errorf("%q: no sources field: %s", ans.Question, l)
		}
		if ans.Question == "news?" && ans.Answered {
			t.Errorf("news? answered from %s ¶ %d: %q", ans.Results[0].Doc, ans.Results[0].Paragraph, ans.Results[0].Text)
		}
		for _, r := range ans.Results {
			results++
			if r.Doc == "iran-us-standoff" {
				continue
			}
			ok := webAddr(r.URL)
			for _, s := range r.Sources {
				ok = ok || webAddr(s.URL)
			}
			if !ok {
				t.Errorf("%q: %s ¶ %d has no url and no web source", ans.Question, r.Doc, r.Paragraph)
			}
		}
	}
	if results < 20 {
		t.Errorf("only %d results to check", results)
	}
}

func webAddr(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

func TestPrintAnswerKinds(t *testing.T) {
	r := standoff.Result{Rank: 1, Doc: "glossary", Title: "Glossary", Section: "Breakout time", Paragraph: 1, Kind: "glossary",
		Text: "Breakout time is short. It was a year.", Emphasis: []standoff.Span{{Start: 0, End: 13}},
		BestSentence: "It was a year.", Best: standoff.Span{Start: 24, End: 38}, Sources: []standoff.Source{{Publisher: "Example", URL: "https://example.org/"}}}
	for _, tc := range []struct {
		name string
		ans  standoff.Answer
		want []string
	}{
		{"answered", standoff.Answer{Question: "q", Answered: true, Results: []standoff.Result{r}},
			[]string{"[1] Breakout time · Glossary\n", "Breakout time is short. » It was a year. «\n", "    - Example: https://example.org/\n"}},
		{"closest", standoff.Answer{Question: "q", Closest: true, Results: []standoff.Result{r}},
			[]string{"No passage answers this directly; the closest:\n\n[1] Breakout time"}},
		{"not covered", standoff.Answer{Question: "q", Suggestions: []string{"snapback"}},
			[]string{"The corpus does not cover this question.\nNearby terms of the corpus: snapback\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			printAnswer(&b, tc.ans, false)
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
			if strings.Contains(b.String(), "**") || strings.Contains(b.String(), "\x1b") {
				t.Errorf("plain output holds markup:\n%s", b.String())
			}
		})
	}
	var b bytes.Buffer
	printAnswer(&b, standoff.Answer{Question: "q", Answered: true, Results: []standoff.Result{r}}, true)
	want := "\x1b[1mBreakout time\x1b[22m is short. \x1b[4mIt was a year.\x1b[24m\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("styled output %q lacks %q", b.String(), want)
	}
}

func TestUseStyles(t *testing.T) {
	for _, tc := range []struct {
		terminal bool
		env      map[string]string
		want     bool
	}{
		{true, nil, true}, {true, map[string]string{"TERM": "xterm-256color"}, true},
		{true, map[string]string{"NO_COLOR": "1"}, false}, {true, map[string]string{"TERM": "dumb"}, false},
		{false, nil, false}, {false, map[string]string{"NO_COLOR": "1"}, false},
	} {
		if got := useStyles(tc.terminal, envOf(tc.env)); got != tc.want {
			t.Errorf("useStyles(%v, %v) = %v, want %v", tc.terminal, tc.env, got, tc.want)
		}
	}
}

// The terminal shows the passage on one line, marked from the answer's spans; spans that
// do not lie within the text are left out, never a crash.
func TestMarkPassage(t *testing.T) {
	text := "Breakout time\n is  short. It was a year. "
	for _, tc := range []struct {
		name   string
		r      standoff.Result
		styled bool
		want   string
	}{
		{"plain", standoff.Result{Text: text, Emphasis: []standoff.Span{{Start: 0, End: 13}}, Best: standoff.Span{Start: 26, End: 40}}, false,
			"Breakout time is short. » It was a year. «"},
		{"styled", standoff.Result{Text: text, Emphasis: []standoff.Span{{Start: 0, End: 13}}, Best: standoff.Span{Start: 25, End: 40}}, true,
			ansiBold + "Breakout time" + ansiNoBold + " is short. " + ansiUnderline + "It was a year." + ansiNoUnder},
		{"whole passage", standoff.Result{Text: "One sentence.", Best: standoff.Span{Start: 0, End: 13}}, false, "One sentence."},
		{"hostile spans", standoff.Result{Text: text, Emphasis: []standoff.Span{{Start: -3, End: 2}, {Start: 5, End: 500}, {Start: 9, End: 1}}, Best: standoff.Span{Start: 30, End: 99}}, true,
			"Breakout time is short. It was a year."},
	} {
		if got := markPassage(tc.r, tc.styled); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestAskRequestAndCorrection: a request the bot cannot do is told what it does instead,
// and a misspelled question shows how it was read, on the command line and in the JSON.
func TestAskRequestAndCorrection(t *testing.T) {
	data := t.TempDir()
	code, out, errOut := runCmd(t, "", "ask", "--data", data, "translate the jcpoa into farsi")
	if code != 0 || !strings.Contains(out, "I only quote passages of the corpus") || strings.Contains(out, "does not cover") {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	code, out, errOut = runCmd(t, "", "ask", "--data", data, "centrifuge cascaed")
	if code != 0 || !strings.Contains(out, "Showing results for: centrifuge cascade") {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	code, out, errOut = runCmd(t, "", "ask", "--data", data, "--json", "write me a poem about fordow")
	if code != 0 || !strings.Contains(out, `"request":"I cannot do that`) || !strings.Contains(out, `"answered":false`) {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
}

// TestAskStreamLongLine: ask --json - answers every line of stdin; a line over the limit of a question gets a
// JSON error object with its line number, on its own line, and the lines after it are
// answered; a line just at the limit, and a last line without a newline, are answered.
func TestAskStreamLongLine(t *testing.T) {
	atLimit := "what is breakout time " + strings.Repeat("x", maxQuestionLine-len("what is breakout time "))
	stdin := "what is breakout time?\n" +
		strings.Repeat("enrichment ", 100_000) + "\n" + // about 1 MB: over the limit
		"\n" + // blank: skipped
		atLimit + "\n" +
		strings.Repeat("y", maxQuestionLine+1) + "\r\n" +
		"what is snapback?" // no newline at the end
	code, out, errOut := runCmd(t, stdin, "ask", "--json", "--data", t.TempDir(), "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines out, want 5:\n%.2000s", len(lines), out)
	}
	for i, want := range []struct {
		question string
		errLine  int
	}{{"what is breakout time?", 0}, {"", 2}, {atLimit, 0}, {"", 5}, {"what is snapback?", 0}} {
		var obj map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &obj); err != nil {
			t.Fatalf("line %d: %v: %.200s", i+1, err, lines[i])
		}
		if want.errLine > 0 {
			msg, _ := obj["error"].(string)
			if obj["line"] != float64(want.errLine) || !strings.Contains(msg, "over the 64 KB limit") || len(obj) != 2 {
				t.Errorf("output line %d: %.300s, want an error object for input line %d", i+1, lines[i], want.errLine)
			}
			continue
		}
		var ans standoff.Answer
		if err := json.Unmarshal([]byte(lines[i]), &ans); err != nil {
			t.Fatal(err)
		}
		if ans.Question != want.question || obj["error"] != nil {
			t.Errorf("output line %d answers %.80q, want %.80q", i+1, ans.Question, want.question)
		}
	}
}
