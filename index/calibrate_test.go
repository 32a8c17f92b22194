package index

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"github.com/standoff-bot/standoff"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// labelled is one question of the calibration set: asked of a corpus, answerable there or
// not.
type labelled struct {
	Set        string          `json:"set"`
	Question   string          `json:"question"`
	Answerable bool            `json:"answerable"`
	Held       bool            `json:"held"` // in the held-out half
	relevant   map[string]bool // SciFact's judged documents
	gold       []string        // a question file's gold phrases
}

// heldOut puts a question in the held-out half by a hash of its text.
func heldOut(q string) bool {
	h := fnv.New32a()
	h.Write([]byte(q))
	return h.Sum32()%2 == 1
}

// readLabelledFile reads the questions of a file under testdata/: with gold when it has it.
func readLabelledFile(t testing.TB, name string) []Question {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Question
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		q := Question{Line: n, Question: strings.TrimSpace(cols[0])}
		if len(cols) > 1 {
			for _, g := range strings.Split(cols[1], "|") {
				if g = strings.TrimSpace(g); g != "" {
					q.Gold = append(q.Gold, g)
				}
			}
		}
		out = append(out, q)
	}
	return out
}

// calibrationSets builds the labelled questions for the SciFact index and the default
// corpus's index.
func calibrationSets(t testing.TB, sci []JudgedQuery) (onSci, onDefault []labelled) {
	standoff := append(readLabelledFile(t, "questions.tsv"), readLabelledFile(t, "seed-questions.tsv")...)
	standoff = append(standoff, readLabelledFile(t, "questions-paraphrase.tsv")...)
	for _, q := range sci {
		onSci = append(onSci, labelled{Set: "scifact", Question: q.Text, Answerable: true, Held: heldOut(q.Text), relevant: q.Relevant})
		onDefault = append(onDefault, labelled{Set: "scifact-on-default", Question: q.Text, Held: heldOut(q.Text)})
	}
	for _, q := range standoff {
		onDefault = append(onDefault, labelled{Set: "standoff", Question: q.Question, Answerable: true, Held: heldOut(q.Question), gold: q.Gold})
		onSci = append(onSci, labelled{Set: "standoff-on-scifact", Question: q.Question, Held: heldOut(q.Question)})
	}
	for _, name := range []string{"offtopic.tsv", "unanswerable.tsv"} {
		for _, q := range readLabelledFile(t, name) {
			onDefault = append(onDefault, labelled{Set: strings.TrimSuffix(name, ".tsv"), Question: q.Question, Held: heldOut(q.Question)})
		}
	}
	return onSci, onDefault
}

// TestCalibrationDump writes, for every labelled question, the concepts of its plan and
// what the first ranked passages hold of them, as JSON lines, to the file named by
// STANDOFF_CALIBRATE (with STANDOFF_SCIFACT set): the data the relevance floor is fitted
// on.
func TestCalibrationDump(t *testing.T) {
	out := os.Getenv("STANDOFF_CALIBRATE")
	if out == "" {
		t.Skip("STANDOFF_CALIBRATE is not set")
	}
	c, qs := scifact(t)
	ctx := context.Background()
	sciIx, err := Open(ctx, Config{}, c)
	if err != nil {
		t.Fatal(err)
	}
	defer sciIx.Close()
	defIx := openMem(t, loadDefault(t))
	onSci, onDefault := calibrationSets(t, qs)
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	type cand struct {
		Found    []bool  `json:"found"`
		Score    float64 `json:"score"`
		Coverage float64 `json:"coverage"`
		Relevant bool    `json:"relevant"`
	}
	type conceptRow struct {
		IDF    float64 `json:"idf"`
		Known  bool    `json:"known"`
		Common bool    `json:"common"`
		Phrase bool    `json:"phrase"`
		Date   bool    `json:"date"`
		Parent bool    `json:"parent"`
		DF     int     `json:"df"`
		Fixed  bool    `json:"corrected"`
	}
	type row struct {
		labelled
		Passages int          `json:"passages"`
		Concepts []conceptRow `json:"concepts"`
		Cands    []cand       `json:"cands"`
		Answered bool         `json:"answered"`
		Defined  bool         `json:"definition"`
		Bare     bool         `json:"bare"`
	}
	for _, set := range []struct {
		ix *Index
		qs []labelled
	}{{sciIx, onSci}, {defIx, onDefault}} {
		for _, q := range set.qs {
			p := set.ix.readQuestion(q.Question)
			ranked, err := set.ix.rank(ctx, p, 40, set.ix.weights.rerank)
			if err != nil {
				t.Fatal(err)
			}
			ans, err := set.ix.Answer(ctx, standoff.Request{Question: q.Question, K: 10})
			if err != nil {
				t.Fatal(err)
			}
			r := row{labelled: q, Passages: set.ix.passages.len(), Answered: ans.Answered, Defined: p.definition != nil, Bare: p.bare}
			for _, k := range p.concepts {
				df := 0
				if len(k.alts) > 0 {
					df = set.ix.vocab.df[k.alts[0].key]
				}
				r.Concepts = append(r.Concepts, conceptRow{IDF: k.idf, Known: k.known, Common: k.common, Phrase: k.isPhrase() || k.quoted, Date: k.date, Parent: k.parent != "", DF: df, Fixed: k.corrected})
			}
			for i, cd := range ranked {
				if i == 10 {
					break
				}
				ps := set.ix.passages.at(cd.passage)
				rel := q.relevant[ps.Doc]
				if q.gold != nil {
					rel = GoldRank(standoff.Answer{Results: []standoff.Result{{Rank: 1, Text: ps.Text}}}, q.gold) == 1
				}
				r.Cands = append(r.Cands, cand{Found: cd.match.found, Score: cd.score, Coverage: cd.coverage, Relevant: rel})
			}
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestFloorCurve prints, with STANDOFF_CALIBRATE set, how the relevance floor's knobs
// trade answering against refusing on the default corpus's question files, on the fit
// half and on the held-out half (chosen by heldOut): for each setting, over all the files
// and over questions-chat.tsv alone, Recall@3, the share of the answerable questions
// whose passage was in the first three but that were not answered, and the share of the
// questions that must not be answered that were. The curve in BENCHMARKS.md is its output.
func TestFloorCurve(t *testing.T) {
	if os.Getenv("STANDOFF_CALIBRATE") == "" {
		t.Skip("STANDOFF_CALIBRATE is not set")
	}
	ix := openMem(t, loadDefault(t))
	ctx := context.Background()
	type labelledQ struct {
		Question
		chat bool
	}
	var qs []labelledQ
	for _, name := range []string{"questions-chat.tsv", "questions.tsv", "questions-reference.tsv", "seed-questions.tsv", "offtopic.tsv", "unanswerable.tsv"} {
		f, err := os.Open(filepath.Join("..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		read, err := ReadQuestions(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range read {
			qs = append(qs, labelledQ{q, name == "questions-chat.tsv"})
		}
	}
	type tally struct{ answerable, top3, rightRefused, negatives, negAnswered int }
	show := func(h tally) string {
		return fmt.Sprintf("R@3 %.3f right-refused %.3f (%d) negatives-answered %.3f (%d)",
			float64(h.top3)/float64(h.answerable), float64(h.rightRefused)/float64(h.answerable), h.rightRefused,
			float64(h.negAnswered)/float64(h.negatives), h.negAnswered)
	}
	for _, covered := range []float64{0.15, 0.2, 0.25} {
		for _, cov := range []float64{0.35, 0.4, 0.45, 0.5, 0.55} {
			for _, corr := range []float64{0.25, 0.5} {
				ix.weights.floor = floor{coverage: cov, covered: covered, unknown: floorUnknown, correction: corr}
				var all, chat [2]tally // fit, held-out
				for _, q := range qs {
					ans, err := ix.Answer(ctx, standoff.Request{Question: q.Question.Question, K: 3, Today: q.Today})
					if err != nil {
						t.Fatal(err)
					}
					half := 0
					if heldOut(q.Question.Question) {
						half = 1
					}
					hs := []*tally{&all[half]}
					if q.chat {
						hs = append(hs, &chat[half])
					}
					for _, h := range hs {
						if len(q.Gold) == 0 {
							h.negatives++
							if ans.Answered {
								h.negAnswered++
							}
							continue
						}
						h.answerable++
						if GoldRank(ans, q.Gold) > 0 {
							h.top3++
							if !ans.Answered {
								h.rightRefused++
							}
						}
					}
				}
				t.Logf("covered %.2f coverage %.2f correction %.2f | all fit: %s | all held: %s | chat fit: %s | chat held: %s",
					covered, cov, corr, show(all[0]), show(all[1]), show(chat[0]), show(chat[1]))
			}
		}
	}
}
