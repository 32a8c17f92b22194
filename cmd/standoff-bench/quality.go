package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/standoff-bot/standoff"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/index"
)

// evalDepth is how many passages are read for the MRR of a question file, as in
// `standoff eval`.
const evalDepth = 10

// mustNotAnswer lists the files of testdata/ whose questions the default corpus does not
// answer.
func mustNotAnswer() []string { return []string{"unanswerable.tsv", "offtopic.tsv"} }

// sciFactK is how many passages are asked for a SciFact claim, as `standoff ask --json
// -k 50` does; documents are ranked by their best passage among them.
const sciFactK = 50

// qualityResult is the quality of one engine on the question files and SciFact.
type qualityResult struct {
	Files        []fileScore    `json:"files"`
	Unanswerable []answeredRate `json:"unanswerable,omitempty"`
	SciFact      *sciFactScore  `json:"scifact,omitempty"`
	Seconds      float64        `json:"seconds"`
}

// fileScore is the score of one question file.
type fileScore struct {
	Name      string  `json:"name"`
	Questions int     `json:"questions"`
	RecallAt1 float64 `json:"recall_at_1"`
	RecallAt3 float64 `json:"recall_at_3"`
	MRR       float64 `json:"mrr"`
}

// answeredRate counts the questions of a file of questions the corpus does not cover
// that an engine answers all the same.
type answeredRate struct {
	Name      string `json:"name"`
	Questions int    `json:"questions"`
	Answered  int    `json:"answered"`
}

// sciFactScore is the quality of the answers on SciFact: the documents of the passages
// an answer shows, and how many claims (each of which has a relevant abstract) were not
// answered.
type sciFactScore struct {
	Documents int     `json:"documents"`
	Passages  int     `json:"passages"`
	Queries   int     `json:"queries"`
	NDCG10    float64 `json:"ndcg_at_10"`
	Recall50  float64 `json:"recall_at_50"`
	Refused   int     `json:"refused"`
}

// runQuality scores one engine: the question files on the default corpus, the questions
// it should not answer, and SciFact when t.SciFact is set. The other engines' indexes go in t.Work.
func runQuality(ctx context.Context, t task) (qualityResult, error) {
	start := time.Now()
	var res qualityResult
	c, err := loadCorpus(ctx, t.Corpus)
	if err != nil {
		return res, fmt.Errorf("quality: %w", err)
	}
	e, err := openInMemory(ctx, t.Engine, c, filepath.Join(t.Work, "quality-"+t.Engine))
	if err != nil {
		return res, fmt.Errorf("quality: %w", err)
	}
	defer e.Close()
	for _, name := range t.QuestionFiles {
		qs, err := readQuestionFile(name)
		if err != nil {
			return res, fmt.Errorf("quality: %w", err)
		}
		var rep index.Report
		if s, ok := e.(standoffEngine); ok {
			rep, err = index.Evaluate(ctx, s.ix, qs) // exactly `standoff eval`
		} else {
			rep, err = evaluate(ctx, e, qs)
		}
		if err != nil {
			return res, fmt.Errorf("quality: %s: %w", name, err)
		}
		res.Files = append(res.Files, fileScore{
			Name: filepath.Base(name), Questions: rep.Questions,
			RecallAt1: rep.RecallAt1, RecallAt3: rep.RecallAt3, MRR: rep.MRR,
		})
	}
	for _, name := range t.Unanswerable {
		qs, err := readLines(name)
		if err != nil {
			return res, fmt.Errorf("quality: %w", err)
		}
		rate := answeredRate{Name: filepath.Base(name), Questions: len(qs)}
		for _, q := range qs {
			ans, err := e.answer(ctx, q, standoff.DefaultK)
			if err != nil {
				return res, fmt.Errorf("quality: %w", err)
			}
			if ans.Answered {
				rate.Answered++
			}
		}
		res.Unanswerable = append(res.Unanswerable, rate)
	}
	if t.SciFact != "" {
		s, err := runSciFact(ctx, t.Engine, t.SciFact, filepath.Join(t.Work, "scifact-"+t.Engine))
		if err != nil {
			return res, fmt.Errorf("quality: %w", err)
		}
		res.SciFact = &s
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// openInMemory opens an engine on c for a quality run: standoff in memory, the others in a new
// folder at dbPath.
func openInMemory(ctx context.Context, name string, c *corpus.Corpus, dbPath string) (engine, error) {
	switch name {
	case engineStandoff:
		ix, err := index.Open(ctx, index.Config{}, c)
		if err != nil {
			return nil, err
		}
		return standoffEngine{ix}, nil
	default:
		os.RemoveAll(dbPath)
		if err := buildEngine(ctx, name, dbPath, ftsPassages(c.Passages())); err != nil {
			return nil, err
		}
		return openEngine(ctx, name, dbPath, 1)
	}
}

// evaluate scores a question file as index.Evaluate does, for any engine: each question
// asked for evalDepth passages, the rank of the first holding a gold phrase found by
// index.GoldRank (lower-cased, letters and digits only).
func evaluate(ctx context.Context, e engine, qs []index.Question) (index.Report, error) {
	rep := index.Report{Questions: len(qs), Misses: []index.Miss{}}
	if len(qs) == 0 {
		return rep, nil
	}
	var hit1, hit3 int
	var rr float64
	for _, q := range qs {
		ans, err := e.answer(ctx, q.Question, evalDepth)
		if err != nil {
			return rep, fmt.Errorf("evaluate line %d: %w", q.Line, err)
		}
		rank := index.GoldRank(ans, q.Gold)
		if rank == 1 {
			hit1++
		}
		if rank >= 1 && rank <= 3 {
			hit3++
		} else {
			rep.Misses = append(rep.Misses, index.Miss{Line: q.Line, Question: q.Question, Gold: strings.Join(q.Gold, "|"), Rank: rank})
		}
		if rank > 0 {
			rr += 1 / float64(rank)
		}
	}
	n := float64(len(qs))
	rep.RecallAt1, rep.RecallAt3, rep.MRR = float64(hit1)/n, float64(hit3)/n, rr/n
	return rep, nil
}

// readQuestionFile reads a question file (question<TAB>gold<TAB>tier).
func readQuestionFile(name string) ([]index.Question, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	defer f.Close()
	qs, err := index.ReadQuestions(f)
	if err != nil {
		return nil, fmt.Errorf("read questions: %s: %w", name, err)
	}
	return qs, nil
}

// readLines reads a file of one question a line; blank lines and "#" comments are
// skipped, and only the first column of a TSV line is kept.
func readLines(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, _, _ := strings.Cut(line, "\t")
		out = append(out, strings.TrimSpace(q))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read questions: %s: %w", name, err)
	}
	return out, nil
}

// runSciFact asks the SciFact claims of one engine over the abstracts' passages, as
// `standoff ask --json -k 50` does, and scores the documents of the passages each answer
// shows (a document ranks where its best passage does), whether answered or closest.
func runSciFact(ctx context.Context, name, dir, dbPath string) (sciFactScore, error) {
	var s sciFactScore
	c, qs, err := index.ReadBEIR(dir)
	if err != nil {
		return s, err
	}
	e, err := openInMemory(ctx, name, c, dbPath)
	if err != nil {
		return s, fmt.Errorf("scifact: %w", err)
	}
	defer e.Close()
	s.Documents, s.Passages, s.Queries = len(c.Documents), len(ftsPassages(c.Passages())), len(qs)
	for _, q := range qs {
		ans, err := e.answer(ctx, q.Text, sciFactK)
		if err != nil {
			return s, fmt.Errorf("scifact %s: %w", q.ID, err)
		}
		if !ans.Answered {
			s.Refused++
		}
		docs := make([]string, len(ans.Results))
		for i, r := range ans.Results {
			docs[i] = r.Doc
		}
		ranked := index.DocRanking(docs, sciFactK)
		s.NDCG10 += index.NDCG(ranked, q.Relevant, 10)
		s.Recall50 += index.RecallAt(ranked, q.Relevant, sciFactK)
	}
	if n := float64(len(qs)); n > 0 {
		s.NDCG10 /= n
		s.Recall50 /= n
	}
	return s, nil
}
