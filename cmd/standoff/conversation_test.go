package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/index"
)

// followPair is one line of testdata/followups.tsv.
type followPair struct {
	line          int
	first, follow string
	gold          []string
}

// readFollowPairs reads testdata/followups.tsv.
func readFollowPairs(t *testing.T) []followPair {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "followups.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var pairs []followPair
	for n, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			t.Fatalf("followups.tsv line %d: want question<TAB>follow-up<TAB>gold", n+1)
		}
		pairs = append(pairs, followPair{line: n + 1, first: cols[0], follow: cols[1], gold: strings.Split(cols[2], "|")})
	}
	return pairs
}

// askConversation runs `standoff ask --conversation --json` on stdin and returns its
// answers, one a question.
func askConversation(t *testing.T, data, stdin string, args ...string) []standoff.Answer {
	t.Helper()
	code, out, errOut := runCmd(t, stdin, append([]string{"ask", "--json", "--today", "2026-12-03", "--data", data}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var answers []standoff.Answer
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var a standoff.Answer
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("reading the answers: %v", err)
		}
		answers = append(answers, a)
	}
	return answers
}

// The follow-ups of testdata/followups.tsv, each asked after its question in
// --conversation mode, are read with that question and find their passage; the first
// question of each conversation is read as it stands.
func TestConversationFollowUps(t *testing.T) {
	pairs := readFollowPairs(t)
	if len(pairs) < 60 {
		t.Fatalf("followups.tsv holds %d pairs, want at least 60", len(pairs))
	}
	var in strings.Builder
	for _, p := range pairs {
		in.WriteString(p.first + "\n" + p.follow + "\n\n")
	}
	dir := t.TempDir()
	answers := askConversation(t, dir, in.String(), "--conversation")
	alone := askConversation(t, dir, in.String(), "-") // each question read as it stands
	if len(answers) != 2*len(pairs) {
		t.Fatalf("%d answers for %d questions", len(answers), 2*len(pairs))
	}
	readAs, right, first, rightAlone := 0, 0, 0, 0
	for i, p := range pairs {
		if len(alone) == len(answers) && index.GoldRank(alone[2*i+1], p.gold) > 0 {
			rightAlone++
		}
		if a := answers[2*i]; a.ReadAs != "" {
			t.Errorf("line %d: %q opens a conversation but was read as %q", p.line, p.first, a.ReadAs)
		}
		a := answers[2*i+1]
		if a.Question != p.follow {
			t.Errorf("line %d: the answer is to %q, want %q", p.line, a.Question, p.follow)
		}
		if a.ReadAs == "" {
			t.Logf("line %d: %q after %q: not read as a follow-up", p.line, p.follow, p.first)
			continue
		}
		readAs++
		switch rank := index.GoldRank(a, p.gold); {
		case rank == 1:
			first++
			right++
		case rank > 0:
			right++
		default:
			t.Logf("line %d: %q read as %q: no passage holds %q", p.line, p.follow, a.ReadAs, p.gold)
		}
	}
	t.Logf("follow-ups: %d pairs, %d read as follow-ups, %d read right (gold in the first 3), %d with the gold first; asked alone, %d find their gold",
		len(pairs), readAs, right, first, rightAlone)
	// The figures of the closing note; a change that reads fewer right fails here.
	if right < len(pairs)*80/100 {
		t.Errorf("%d of %d pairs read right, want at least 80%%", right, len(pairs))
	}
}

// Every question of the question files, asked one after the other as one conversation,
// is answered exactly as it is when asked alone: a question that stands on its own is
// never rewritten.
func TestConversationLeavesStandAloneQuestions(t *testing.T) {
	files := []struct{ file, corpus string }{
		{"seed-questions.tsv", ""}, {"questions.tsv", ""}, {"questions-reference.tsv", ""},
		{"questions-paraphrase.tsv", ""}, {"offtopic.tsv", ""}, {"unanswerable.tsv", ""},
		{"dated-questions.tsv", filepath.Join("..", "..", "testdata", "dated")},
	}
	total, rewritten := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", f.file))
		if err != nil {
			t.Fatal(err)
		}
		qs, err := index.ReadQuestions(strings.NewReader(string(data)))
		if err != nil {
			t.Fatal(err)
		}
		var in strings.Builder
		for _, q := range qs {
			in.WriteString(q.Question + "\n")
		}
		var args []string
		if f.corpus != "" {
			args = append(args, "--corpus", f.corpus)
		}
		dir := t.TempDir() // one index for both, so that ties rank alike
		alone := askConversation(t, dir, in.String(), append(args, "-")...)
		talk := askConversation(t, dir, in.String(), append(args, "--conversation")...)
		if len(alone) != len(qs) || len(talk) != len(qs) {
			t.Fatalf("%s: %d and %d answers for %d questions", f.file, len(alone), len(talk), len(qs))
		}
		for i, q := range qs {
			total++
			if talk[i].ReadAs != "" {
				rewritten++
				t.Errorf("%s line %d: %q after %q was read as %q", f.file, q.Line, q.Question, qs[max(i-1, 0)].Question, talk[i].ReadAs)
				continue
			}
			a, b := mustJSON(t, alone[i]), mustJSON(t, talk[i])
			if a != b {
				t.Errorf("%s line %d: %q is answered otherwise in a conversation:\nalone: %s\nafter: %s", f.file, q.Line, q.Question, a, b)
			}
		}
	}
	t.Logf("stand-alone questions: %d asked in sequence, %d rewritten", total, rewritten)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
