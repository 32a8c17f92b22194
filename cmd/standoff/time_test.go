package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff"
)

// datedCorpus is the test corpus of dated passages: timeline entries, a glossary with
// only its document's date, figures dated "as of", an undated column.
var datedCorpus = filepath.Join("..", "..", "testdata", "dated")

// askDated asks questions with standoff ask --json on the dated corpus, read against
// today, and returns the answers by question.
func askDated(t *testing.T, today string, qs ...string) map[string]standoff.Answer {
	t.Helper()
	code, out, errOut := runCmd(t, strings.Join(qs, "\n")+"\n", "ask", "--json", "--corpus", datedCorpus, "--data", t.TempDir(), "--today", today, "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := map[string]standoff.Answer{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var ans standoff.Answer
		if err := json.Unmarshal([]byte(l), &ans); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		got[ans.Question] = ans
	}
	if len(got) != len(qs) {
		t.Fatalf("%d answers for %d questions:\n%s", len(got), len(qs), out)
	}
	return got
}

// dates lists the dates of an answer's results, in order.
func dates(a standoff.Answer) []string {
	var out []string
	for _, r := range a.Results {
		out = append(out, r.Date)
	}
	return out
}

// TestAskAboutTime drives questions about time through standoff ask --json, as a user
// would: the newest passage first for "latest" and "now", a passage's own date before
// one its document gives, the period a question names first, the line that says the
// newest passage is old, no undated passage as an answer about now, and "this year"
// read against --today.
func TestAskAboutTime(t *testing.T) {
	const (
		leader   = "who is iran's supreme leader now?"
		stock    = "how much 60% uranium does iran have now"
		fordow   = "what happened at fordow"
		fordow25 = "what happened at fordow in 2025"
		talks    = "what is the latest on the talks"
		health   = "how is the president's health now"
		health0  = "how is the president's health"
		again    = "did israel strike iran again this year"
		news     = "what is the latest news?"
	)
	dec := askDated(t, "2026-12-03", leader, stock, fordow, fordow25, talks, health, health0, again, news)

	for q, ans := range dec {
		if ans.AsOf != "2026-07-01" {
			t.Errorf("%q: as_of %q, want 2026-07-01 (the newest date of the corpus)", q, ans.AsOf)
		}
	}
	check := func(q string, answered bool, first ...string) {
		t.Helper()
		ans := dec[q]
		got := dates(ans)
		if ans.Answered != answered || len(got) < len(first) {
			t.Errorf("%q: answered %v, dates %v; want answered %v, first %v", q, ans.Answered, got, answered, first)
			return
		}
		for i, d := range first {
			if got[i] != d {
				t.Errorf("%q: dates %v, want first %v", q, got, first)
				return
			}
		}
	}
	// The succession (own date) before the glossary entry (its document's date, later).
	check(leader, true, "2026-03-08", "2026-02-28", "2026-07-01")
	if r := dec[leader].Results[0]; !strings.Contains(r.Text, "Mojtaba Khamenei") {
		t.Errorf("%q: first %+v, want the succession of 8 March 2026", leader, r)
	}
	check(stock, true, "2025-06-13", "2025-05-17", "2025-02-08")
	// What happened: in date order; a period named: its passages first.
	check(fordow, true, "2025-06-22", "2026-03-02")
	check(fordow25, true, "2025-06-22")
	for _, d := range dates(dec[fordow25])[:1] {
		if !strings.HasPrefix(d, "2025") {
			t.Errorf("%q: first passage dated %s, want 2025", fordow25, d)
		}
	}
	// This year is 2026: the war of 28 February 2026 first, not the strikes of 2025.
	check(again, true, "2026-02-28")

	// The newest passage is older than 90 days: the answer says so.
	for q, newest := range map[string]string{leader: "8 March 2026", stock: "13 June 2025", talks: "28 June 2026"} {
		ans := dec[q]
		want := "The newest passage on this is dated " + newest + "; the corpus may not know what happened since."
		if !ans.Stale || ans.Note != want {
			t.Errorf("%q: stale %v, note %q; want stale, %q", q, ans.Stale, ans.Note, want)
		}
	}
	if dec[fordow25].Stale || dec[fordow25].Note != "" {
		t.Errorf("%q: stale %v, note %q; a question about a past period is not stale", fordow25, dec[fordow25].Stale, dec[fordow25].Note)
	}

	// A question about now is not answered from an undated passage; the same without
	// "now" is.
	if a := dec[health]; a.Answered || !strings.Contains(a.Note, "No passage on this is dated") {
		t.Errorf("%q: answered %v, note %q; want not answered, no passage dated", health, a.Answered, a.Note)
	}
	if a := dec[health0]; !a.Answered || len(a.Results) == 0 || a.Results[0].Date != "" {
		t.Errorf("%q: answered %v, results %v; want the undated column", health0, a.Answered, dates(a))
	}
	// The latest news: not covered, and the answer says how far the corpus reaches.
	if a := dec[news]; a.Answered || a.Note != "The corpus reaches to 1 July 2026, the date of its newest passage." {
		t.Errorf("%q: answered %v, note %q; want not answered and how far the corpus reaches", news, a.Answered, a.Note)
	}

	// Asked in July 2026, the talks of 28 June are recent: no line about their age.
	if a := askDated(t, "2026-07-10", talks)[talks]; !a.Answered || a.Stale || a.Note != "" {
		t.Errorf("%q on 2026-07-10: answered %v, stale %v, note %q; want answered, not stale", talks, a.Answered, a.Stale, a.Note)
	}
	// Asked in 2027, this year has nothing dated in the corpus: not answered, and said so.
	a := askDated(t, "2027-03-01", again)[again]
	if a.Answered || a.Note != "The corpus has nothing on this dated in 2027; the newest passage on this is dated 28 February 2026." {
		t.Errorf("%q on 2027-03-01: answered %v, note %q; want not answered, nothing dated in 2027", again, a.Answered, a.Note)
	}
}

// TestAskAboutTimeText shows the date of each passage, the line about time and how far
// the corpus reaches on the command line.
func TestAskAboutTimeText(t *testing.T) {
	code, out, errOut := runCmd(t, "", "ask", "--corpus", datedCorpus, "--data", t.TempDir(), "--today", "2026-12-03", "who is iran's supreme leader now?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Q: who is iran's supreme leader now?\n\nThe newest passage on this is dated 8 March 2026; the corpus may not know what happened since.\n\n[1] ",
		"    Publisher and address unknown · dated 8 March 2026 · ¶ 7\n",
		"    Publisher and address unknown · 1 July 2026 · ¶ 1\n",
		"\nThe corpus reaches to 1 July 2026, the date of its newest passage.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCmd(t, "", "ask", "--corpus", datedCorpus, "--data", t.TempDir(), "what is the latest news?")
	if code != 0 || !strings.Contains(out, "The corpus does not cover this question.\nThe corpus reaches to 1 July 2026, the date of its newest passage.\n") {
		t.Errorf("not covered: exit %d:\n%s", code, out)
	}
	if code, _, errOut := runCmd(t, "", "ask", "--today", "2026-02-31", "now?"); code != 1 || !strings.Contains(errOut, `--today "2026-02-31": want YYYY-MM-DD`) {
		t.Errorf("bad --today: exit %d, stderr %q", code, errOut)
	}
}

// TestEvalFactGoldAndToday scores a file of fact-set gold read against its "# today:"
// line, and against --today, which overrides it.
func TestEvalFactGoldAndToday(t *testing.T) {
	file := filepath.Join("..", "..", "testdata", "dated-questions.tsv")
	rep := evalReport(t, "--corpus", datedCorpus, file)
	if rep.Today != "2026-12-03" || rep.Questions != 6 || rep.RecallAt1 != 1 || rep.Unanswerable != 1 || rep.AnsweredAnyway != 0 {
		t.Errorf("on the file's today (%q): %d questions, Recall@1 %.3f, answered anyway %d of %d; want 2026-12-03, 6, 1.000, 0 of 1\n%+v",
			rep.Today, rep.Questions, rep.RecallAt1, rep.AnsweredAnyway, rep.Unanswerable, rep.Misses)
	}
	// In 2027, "this year" is no longer 2026: that question misses.
	rep = evalReport(t, "--corpus", datedCorpus, "--today", "2027-03-01", file)
	if rep.Today != "2027-03-01" || rep.RecallAt1 >= 1 {
		t.Errorf("--today 2027-03-01: today %q, Recall@1 %.3f; want 2027-03-01 and the question about this year missed", rep.Today, rep.RecallAt1)
	}
}
