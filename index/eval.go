package index

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/standoff-bot/standoff"
)

// Question is one line of a question file: a question and its gold, any alternative of
// which the passage that answers it holds (a phrase, or a fact set: see parseGold);
// without gold, a question that must not be answered.
type Question struct {
	Line     int
	Question string
	Gold     []string
	Tier     string
	// Today is the date the file's questions were written on (its "# today:" line),
	// against which "this year" or "now" are read; zero means the real date.
	Today time.Time
}

// todayPattern is the header line that sets the date a question file was written on.
var todayPattern = regexp.MustCompile(`^#\s*today:\s*(.*?)\s*$`)

// ReadQuestions reads a question file: "question<TAB>gold<TAB>tier" a line, gold
// alternatives split by "|", "#" starting a comment line; an alternative is a phrase or
// a fact set, "fact: TOKEN; TOKEN; …". A line that is a question alone (no tab) is a
// question the corpus must not answer. A comment line "# today: YYYY-MM-DD" sets the
// date every question of the file is read against.
func ReadQuestions(r io.Reader) ([]Question, error) {
	var out []Question
	var today time.Time
	todayLine := 0
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if m := todayPattern.FindStringSubmatch(line); m != nil {
			if todayLine > 0 {
				return nil, fmt.Errorf("read questions: line %d: today is given already on line %d", n, todayLine)
			}
			t, err := time.Parse(time.DateOnly, m[1])
			if err != nil {
				return nil, fmt.Errorf("read questions: line %d: today %q: want YYYY-MM-DD", n, m[1])
			}
			today, todayLine = t, n
			continue
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) == 1 {
			out = append(out, Question{Line: n, Question: strings.TrimSpace(cols[0])})
			continue
		}
		if strings.TrimSpace(cols[0]) == "" || strings.TrimSpace(cols[1]) == "" {
			return nil, fmt.Errorf("read questions: line %d: want question<TAB>gold[<TAB>tier], or a question alone that must not be answered", n)
		}
		q := Question{Line: n, Question: strings.TrimSpace(cols[0])}
		for _, g := range strings.Split(cols[1], "|") {
			if g = strings.TrimSpace(g); g != "" {
				if _, err := parseGold(g); err != nil {
					return nil, fmt.Errorf("read questions: line %d: %w", n, err)
				}
				q.Gold = append(q.Gold, g)
			}
		}
		if len(cols) > 2 {
			q.Tier = strings.TrimSpace(cols[2])
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	for i := range out {
		out[i].Today = today
	}
	return out, nil
}

// Report is the score of a question file: Recall@k and MRR over its questions with gold,
// and how often the relevance floor refused those or answered the questions that must
// not be answered.
type Report struct {
	// Today is the date the questions were read against (the file's "# today:" line, or
	// --today), YYYY-MM-DD; "" for the real date.
	Today     string  `json:"today"`
	Questions int     `json:"questions"` // questions with gold
	RecallAt1 float64 `json:"recall_at_1"`
	RecallAt3 float64 `json:"recall_at_3"`
	MRR       float64 `json:"mrr"`
	// Refused is how many questions with gold were not answered (their closest passages
	// still count in Recall@k and MRR).
	Refused     int     `json:"refused"`
	RefusedRate float64 `json:"refused_rate"`
	// Unanswerable is how many questions must not be answered; AnsweredAnyway, how many
	// of them were.
	Unanswerable       int     `json:"unanswerable"`
	AnsweredAnyway     int     `json:"answered_anyway"`
	AnsweredAnywayRate float64 `json:"answered_anyway_rate"`
	Misses             []Miss  `json:"misses"`
	// Wrongly lists the questions that must not be answered and were.
	Wrongly []Miss `json:"answered_wrongly"`
}

// Miss is a question whose passage was not among the first three results.
type Miss struct {
	Line     int    `json:"line"`
	Question string `json:"question"`
	Gold     string `json:"gold"`
	Rank     int    `json:"rank"` // rank within the first 10, 0 when not there
	Top      string `json:"top"`  // the first passage's citation, when answered
}

// evalDepth is how many passages are read for the MRR.
const evalDepth = 10

// Evaluate asks every question and scores where the first passage holding a gold phrase
// ranks: Recall@1, Recall@3 and the mean reciprocal rank within the first ten; and counts
// the questions refused, and those answered that must not be.
func Evaluate(ctx context.Context, ix *Index, qs []Question) (Report, error) {
	rep := Report{Misses: []Miss{}, Wrongly: []Miss{}}
	var hit1, hit3 int
	var rr float64
	for _, q := range qs {
		if !q.Today.IsZero() && rep.Today == "" {
			rep.Today = q.Today.Format(time.DateOnly)
		}
		ans, err := ix.Answer(ctx, standoff.Request{Question: q.Question, K: evalDepth, Today: q.Today})
		if err != nil {
			return rep, fmt.Errorf("evaluate line %d: %w", q.Line, err)
		}
		if len(q.Gold) == 0 {
			rep.Unanswerable++
			if ans.Answered {
				rep.AnsweredAnyway++
				m := Miss{Line: q.Line, Question: q.Question}
				if len(ans.Results) > 0 {
					r := ans.Results[0]
					m.Top = fmt.Sprintf("%s#%d %q", r.Doc, r.Paragraph, r.BestSentence)
				}
				rep.Wrongly = append(rep.Wrongly, m)
			}
			continue
		}
		rep.Questions++
		if !ans.Answered {
			rep.Refused++
		}
		rank := GoldRank(ans, q.Gold)
		if rank == 1 {
			hit1++
		}
		if rank >= 1 && rank <= 3 {
			hit3++
		} else {
			m := Miss{Line: q.Line, Question: q.Question, Gold: strings.Join(q.Gold, "|"), Rank: rank}
			if len(ans.Results) > 0 {
				r := ans.Results[0]
				m.Top = fmt.Sprintf("%s#%d %q", r.Doc, r.Paragraph, r.BestSentence)
			}
			rep.Misses = append(rep.Misses, m)
		}
		if rank > 0 {
			rr += 1 / float64(rank)
		}
	}
	if rep.Unanswerable > 0 {
		rep.AnsweredAnywayRate = float64(rep.AnsweredAnyway) / float64(rep.Unanswerable)
	}
	if rep.Questions == 0 {
		return rep, nil
	}
	n := float64(rep.Questions)
	rep.RecallAt1, rep.RecallAt3, rep.MRR = float64(hit1)/n, float64(hit3)/n, rr/n
	rep.RefusedRate = float64(rep.Refused) / n
	return rep, nil
}

// GoldRank is the rank of the first result that holds one of the gold alternatives: a
// phrase its text contains, compared on letters and digits only, lower-cased, or a fact
// set whose every token it holds (see parseGold); 0 when none does. An alternative that
// cannot be read matches nothing.
func GoldRank(ans standoff.Answer, gold []string) int {
	alts := make([]goldAlt, 0, len(gold))
	for _, g := range gold {
		if a, err := parseGold(g); err == nil {
			alts = append(alts, a)
		}
	}
	for _, r := range ans.Results {
		pf := readFacts(r)
		for _, a := range alts {
			if a.matches(pf) {
				return r.Rank
			}
		}
	}
	return 0
}
