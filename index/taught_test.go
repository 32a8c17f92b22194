package index

import (
	"strconv"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff/corpus"
)

// TestTaught searches a taught question as part of its passage, with its own weight, and
// never shows it: a split paragraph takes it on its first part, a question taught to a
// passage the corpus lacks is left out, and without taught questions nothing changes.
func TestTaught(t *testing.T) {
	long := strings.Repeat("The reactor at Darkhovin was planned for many years and its design changed often. ", 12)
	files := map[string]string{
		"notes.md": "---\ntitle: Notes\n---\n\nThe Karun plant is a water works on the river.\n\n" +
			"The Gorgan depot stores spare parts for the grid.\n\n" + long + "\n",
		corpus.TaughtFile: "notes#2.1\twhere do they keep the replacement components\n" +
			"notes#3\twhen will the southern atomic station open\n" +
			"notes#9\ta question for a paragraph that is not there\n",
	}
	c := loadFS(t, files)
	if len(c.Taught) != 3 {
		t.Fatalf("taught: %+v", c.Taught)
	}
	ix := openMem(t, c)
	for _, tc := range []struct{ q, passage string }{
		{"where do they keep replacement components?", "notes#2"},
		{"when does the southern atomic station open", "notes#3.1"},
	} {
		ans := ask(t, ix, tc.q, 3)
		if !ans.Answered || len(ans.Results) == 0 || ans.Results[0].Doc+"#"+strconv.Itoa(ans.Results[0].Paragraph) != strings.SplitN(tc.passage, ".", 2)[0] {
			t.Errorf("%q: answered %v, %+v; want %s first", tc.q, ans.Answered, ans.Results, tc.passage)
			continue
		}
		r := ans.Results[0]
		if strings.Contains(r.Text+r.Highlighted+r.BestSentence, "component") || strings.Contains(r.Text, "atomic") {
			t.Errorf("%q: the taught question is shown: %+v", tc.q, r)
		}
	}
	if got := taughtByPassage(c.Taught, ix.passages.lookup); len(got) != 2 {
		t.Errorf("taught questions indexed on %d passages, want 2: %v", len(got), got)
	}
	i, split := ix.passages.lookup("notes#3.2")
	if !split {
		t.Fatal("the long paragraph is not split: the case proves nothing")
	}
	if ix.taught[i] != "" {
		t.Errorf("the second part of a split paragraph has %q", ix.taught[i])
	}

	delete(files, corpus.TaughtFile)
	plain := openMem(t, loadFS(t, files))
	if plain.weights.taught != 0 {
		t.Error("an index without taught questions searches their field")
	}
	if ans := ask(t, plain, "where do they keep replacement components?", 3); ans.Answered {
		t.Errorf("answered without the taught question: %+v", ans.Results)
	}
}
