package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
)

// TestCorpusTeach teaches a question the corpus does not answer with `standoff corpus
// teach`, asks it and a paraphrase of it, checks the file, the audit log, the commit and
// that the question is never quoted, undoes the change, teaches it again and unteaches it.
func TestCorpusTeach(t *testing.T) {
	corpusDir, data := seedOnlyCorpus(t), t.TempDir()
	const (
		question   = "does the gulf want a fight"
		paraphrase = "do the gulf states want a fight?"
		passage    = "iran-us-standoff#6"
	)
	answersFrom := func(ans standoff.Answer) bool {
		return ans.Answered && len(ans.Results) > 0 && ans.Results[0].Doc == "iran-us-standoff" && ans.Results[0].Paragraph == 6
	}
	corpusRun := func(args ...string) (int, string, string) {
		return runCmd(t, "", append(append([]string{"corpus"}, args...), "--corpus", corpusDir, "--data", data)...)
	}
	if ans := askJSON(t, corpusDir, data, question); answersFrom(ans) {
		t.Fatalf("the passage answers %q before it is taught: the test proves nothing", question)
	}

	t.Run("refusals", func(t *testing.T) {
		for _, tc := range []struct{ passage, question, want string }{
			{"iran-us-standoff", question, "give it as doc#paragraph"},
			{"nowhere#2", question, `no document "nowhere"`},
			{"iran-us-standoff#400", question, "has no passage iran-us-standoff#400"},
			{passage, "   ", "the question is empty"},
			{passage, strings.Repeat("why ", 100), "at most 300"},
		} {
			code, _, errOut := corpusRun("teach", tc.passage, tc.question)
			if code != 1 || !strings.Contains(errOut, tc.want) {
				t.Errorf("teach %q %q: exit %d, stderr %q, want 1 and %q", tc.passage, tc.question, code, errOut, tc.want)
			}
		}
		if _, err := os.Stat(filepath.Join(corpusDir, corpus.TaughtFile)); err == nil {
			t.Errorf("a refused teach wrote %s", corpus.TaughtFile)
		}
	})

	t.Run("teach", func(t *testing.T) {
		code, out, errOut := corpusRun("teach", passage, "does", "the", "Gulf", "want a fight?")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range []string{`taught "does the Gulf want a fight?" to ` + passage, "committed ", "index ready:"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		data, err := os.ReadFile(filepath.Join(corpusDir, corpus.TaughtFile))
		if err != nil || !strings.Contains(string(data), passage+"\tdoes the Gulf want a fight?\n") {
			t.Errorf("%s = %q, %v", corpus.TaughtFile, data, err)
		}
		if code, _, errOut := corpusRun("teach", passage, "Does the gulf want a fight"); code != 1 || !strings.Contains(errOut, "already taught") {
			t.Errorf("teaching it again: exit %d, %q", code, errOut)
		}
		if code, out, _ := corpusRun("list"); code != 0 || strings.Contains(out, "taught") {
			t.Errorf("corpus list shows the taught questions as a document:\n%s", out)
		}
	})

	t.Run("answers the question and a paraphrase, never quoting it", func(t *testing.T) {
		for _, q := range []string{question, paraphrase} {
			ans := askJSON(t, corpusDir, data, q)
			if !answersFrom(ans) {
				t.Errorf("%q: answered %v, results %v; want %s first", q, ans.Answered, resultIDs(ans), passage)
			}
			for _, r := range ans.Results {
				if strings.Contains(strings.ToLower(r.Text+r.Highlighted+r.BestSentence), "want a fight") {
					t.Errorf("%q: the taught question is quoted in %s#%d", q, r.Doc, r.Paragraph)
				}
			}
		}
	})

	t.Run("audit and history", func(t *testing.T) {
		recs, err := curate.ReadLog(filepath.Join(data, curate.AuditFile))
		if err != nil {
			t.Fatal(err)
		}
		var done bool
		for _, r := range recs {
			done = done || r.Command == "teach" && r.Phase == curate.PhaseDone && r.Path == corpus.TaughtFile
		}
		if !done {
			t.Errorf("no done record of the teach in the audit log: %+v", recs)
		}
		code, out, errOut := corpusRun("history", "--json")
		if code != 0 {
			t.Fatalf("history: %d %s", code, errOut)
		}
		var e gitcorpus.Entry
		if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &e); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(e.Subject, "corpus teach:") || !strings.Contains(e.Subject, `taught "does the Gulf want a fight?" to `+passage) {
			t.Errorf("the newest commit is %q", e.Subject)
		}
		if code, out, errOut := corpusRun("undo", e.Short); code != 0 {
			t.Fatalf("undo: %d %s %s", code, out, errOut)
		}
		if ans := askJSON(t, corpusDir, data, question); answersFrom(ans) {
			t.Error("the passage still answers after the teach was undone")
		}
	})

	t.Run("unteach", func(t *testing.T) {
		if code, _, errOut := corpusRun("teach", passage, question); code != 0 {
			t.Fatalf("teach again: %s", errOut)
		}
		if ans := askJSON(t, corpusDir, data, paraphrase); !answersFrom(ans) {
			t.Fatalf("not answered after teaching again: %v", resultIDs(ans))
		}
		code, out, errOut := corpusRun("unteach", passage, "Does the gulf want a fight?")
		if code != 0 || !strings.Contains(out, "untaught") {
			t.Fatalf("unteach: %d %s %s", code, out, errOut)
		}
		if ans := askJSON(t, corpusDir, data, question); answersFrom(ans) {
			t.Error("the passage still answers after unteach")
		}
		if code, _, errOut := corpusRun("unteach", passage, question); code != 1 || !strings.Contains(errOut, "is not taught") {
			t.Errorf("unteach again: exit %d, %q", code, errOut)
		}
	})
}

// resultIDs names the passages of an answer, doc#paragraph.
func resultIDs(ans standoff.Answer) []string {
	var out []string
	for _, r := range ans.Results {
		out = append(out, fmt.Sprintf("%s#%d", r.Doc, r.Paragraph))
	}
	return out
}
