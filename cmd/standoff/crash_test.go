package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff"

	"github.com/standoff-bot/standoff/corpus"
)

// minerals name the documents the crash test adds: words no other document has.
var minerals = []string{"amber", "basalt", "cobalt", "dolomite", "emerald", "feldspar", "garnet",
	"hematite", "jasper", "kyanite", "malachite", "nephrite", "obsidian", "pyrite", "quartz",
	"rhodonite", "sapphire", "topaz", "ulexite", "variscite", "wulfenite", "xenotime", "zircon"}

// crashDoc is the file that adds the document about mineral.
func crashDoc(mineral string) string {
	return fmt.Sprintf("# Report on %s\n\nThe %s inspection found the %s samples sealed in their containers at the storage site.\n\nA second paragraph about %s, for the index to have more to write.\n",
		mineral, mineral, mineral, mineral)
}

// TestCrashSafety runs the real standoff binary on a corpus and data folder and kills it
// with SIGKILL at random moments of `corpus add`, `corpus remove` and `index`, at least
// 20 times (runs that finish before their kill do not count); after each kill, `standoff ask --json` must start, answer from a complete
// corpus (every document on disk whole and answered from; none half-written), and never
// cite a document that is not on disk. The kills are seeded: STANDOFF_CRASH_SEED replays
// a run, STANDOFF_CRASH_KILLS sets their number (default 20).
func TestCrashSafety(t *testing.T) {
	bin := buildStandoff(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("STANDOFF_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	kills := 20
	if s := os.Getenv("STANDOFF_CRASH_KILLS"); s != "" {
		kills, _ = strconv.Atoi(s)
	}
	t.Logf("seed %d (STANDOFF_CRASH_SEED=%d replays it), %d kills", seed, seed, kills)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	work := t.TempDir()
	corpusDir, data, files := filepath.Join(work, "corpus"), filepath.Join(work, "data"), filepath.Join(work, "files")
	os.MkdirAll(files, 0o700)
	for _, m := range minerals {
		os.WriteFile(filepath.Join(files, m+".md"), []byte(crashDoc(m)), 0o600)
	}
	store := corpus.Store{Dir: corpusDir}
	store.Write("glossary.md", []byte("---\ntitle: Glossary\nkind: glossary\n---\n\n## Breakout time\n\nBreakout time is the time a country would need to produce enough weapons-grade uranium for one bomb.\n"))
	env := append(baseEnv(work), "STANDOFF_CORPUS_DIR="+corpusDir)
	run := func(ctx context.Context, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env, cmd.Dir = env, work
		return cmd
	}
	common := []string{"--corpus", corpusDir, "--data", data}

	// How long an uninterrupted add takes, to spread the kills over it.
	start := time.Now()
	if out, err := run(context.Background(), append(append([]string{"corpus", "add"}, common...), filepath.Join(files, "amber.md"))...).CombinedOutput(); err != nil {
		t.Fatalf("add: %v\n%s", err, out)
	}
	span := time.Since(start)
	t.Logf("an uninterrupted add takes %s; kills fall within that time of a start", span.Round(time.Millisecond))

	next := 1 // minerals[next] is the next to add
	ops := map[string]int{}
	killed := 0
	for k := 0; killed < kills && k < 10*kills; k++ { // a run that finishes before its kill is tried again
		var args []string
		op := []string{"add", "add", "remove", "index"}[rng.IntN(4)]
		switch op {
		case "add":
			if next == len(minerals) {
				op = "index"
				break
			}
			args = append(append([]string{"corpus", "add"}, common...), filepath.Join(files, minerals[next]+".md"))
			next++
		case "remove":
			ids := addedIDs(t, corpusDir)
			if len(ids) == 0 {
				op = "index"
				break
			}
			args = append(append([]string{"corpus", "remove"}, common...), ids[rng.IntN(len(ids))])
		}
		if op == "index" {
			// An edit on disk, then a refresh of the index.
			store.Write("notes.md", []byte(fmt.Sprintf("---\ntitle: Notes\n---\n\nInspectors counted %d centrifuge cascades this week.\n", k)))
			args = append([]string{"index"}, common...)
		}
		delay := time.Duration(rng.Int64N(int64(span)))
		cmd := run(context.Background(), args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Kill() // SIGKILL
		err := cmd.Wait()
		if err != nil {
			killed++
			ops[op]++
		}
		t.Logf("run %2d: %-6s killed after %4dms: %v", k+1, op, delay.Milliseconds(), exitState(err))
		checkServes(t, run, common, corpusDir)
		if t.Failed() {
			t.Fatalf("after run %d (%s killed after %s), seed %d; its output:\n%s", k+1, op, delay, seed, out.String())
		}
	}
	if killed < kills {
		t.Errorf("only %d runs were killed before they finished, want %d", killed, kills)
	}
	t.Logf("%d processes killed with SIGKILL (%v); every restart served a complete corpus", killed, ops)

	// A damaged index is rebuilt, not a reason to refuse to start.
	for _, damage := range []string{"current", "meta", "segments", "gone"} {
		damageIndex(t, filepath.Join(data, "index"), damage)
		checkServes(t, run, common, corpusDir)
		if t.Failed() {
			t.Fatalf("after damaging the index (%s)", damage)
		}
	}
}

// exitState describes how a killed process ended.
func exitState(err error) string {
	if err == nil {
		return "it had finished (not counted)"
	}
	return "killed mid-run"
}

// addedIDs returns the ids of the readable documents the test added.
func addedIDs(t *testing.T, dir string) []string {
	t.Helper()
	c, err := corpus.LoadDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range c.Documents {
		if strings.HasPrefix(d.ID, corpus.AddedFolder+"/") {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

// checkServes starts `standoff ask --json` as after a crash and checks it against the
// corpus on disk: every file whole, every mineral document on disk answered from, none
// other cited, every passage quoted word for word from its document.
func checkServes(t *testing.T, run func(context.Context, ...string) *exec.Cmd, common []string, corpusDir string) {
	t.Helper()
	c, err := corpus.LoadDir(context.Background(), corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) > 0 {
		t.Errorf("the corpus folder holds a damaged document: %v", c.Problems)
	}
	onDisk := map[string]corpus.Document{}
	for _, d := range c.Documents {
		onDisk[d.ID] = d
	}
	var questions []string
	for _, m := range minerals {
		questions = append(questions, "what did the "+m+" inspection find?")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := run(ctx, append(append([]string{"ask", "--json", "-k", "5"}, common...), "-")...)
	cmd.Stdin = strings.NewReader(strings.Join(questions, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Errorf("ask after the kill: %v\n%s", err, stderr.String())
		return
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for i, m := range minerals {
		var ans standoff.Answer
		if err := dec.Decode(&ans); err != nil {
			t.Errorf("answer %d: %v", i, err)
			return
		}
		var want string
		for id, d := range onDisk {
			if strings.Contains(strings.ToLower(d.Title), m) {
				want = id
			}
		}
		switch {
		case want != "" && (len(ans.Results) == 0 || ans.Results[0].Doc != want): // answered, or closest
			t.Errorf("%s is on disk as %s, but the answer cites %v", m, want, resultDocs(ans))
		case want == "" && ans.Answered && strings.Contains(strings.ToLower(ans.Results[0].Text), m):
			t.Errorf("%s is not on disk, but the answer quotes it from %s", m, ans.Results[0].Doc)
		}
		for _, r := range ans.Results {
			d, ok := onDisk[r.Doc]
			if !ok {
				t.Errorf("the answer cites %s, which is not on disk", r.Doc)
				continue
			}
			if r.Paragraph < 1 || r.Paragraph > len(d.Paragraphs) || !strings.Contains(d.Paragraphs[r.Paragraph-1].Text, r.Text) {
				t.Errorf("the answer quotes %s ¶%d as %q, which is not what the file says", r.Doc, r.Paragraph, r.Text)
			}
		}
	}
}

func resultDocs(ans standoff.Answer) []string {
	var out []string
	for _, r := range ans.Results {
		out = append(out, r.Doc)
	}
	return out
}

// damageIndex breaks the index in the data folder one way.
func damageIndex(t *testing.T, dir, how string) {
	t.Helper()
	cur, _ := os.ReadFile(filepath.Join(dir, "current"))
	gen := filepath.Join(dir, strings.TrimSpace(string(cur)))
	switch how {
	case "current":
		os.WriteFile(filepath.Join(dir, "current"), []byte("gen-v999-garbage\n"), 0o600)
	case "meta":
		os.WriteFile(filepath.Join(gen, "standoff-index.json"), []byte("{not json"), 0o600)
	case "segments":
		filepath.WalkDir(gen, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Base(p) != "standoff-index.json" {
				os.WriteFile(p, []byte("garbage"), 0o600)
			}
			return nil
		})
	case "gone":
		os.RemoveAll(dir)
	}
}
