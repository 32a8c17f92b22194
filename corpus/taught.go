package corpus

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TaughtFile is the file at the root of a corpus that holds the questions moderators
// taught: which passage answers each. Its name is visible (a corpus holds no hidden
// files) and Load does not read it as a document.
const TaughtFile = "taught-questions.tsv"

// MaxTaughtQuestion is the most runes a taught question may have.
const MaxTaughtQuestion = 300

// Taught is a question a moderator taught the corpus: the passage that answers it. It is
// searched as part of that passage and never quoted.
type Taught struct {
	Passage  string // the passage's id: "doc#paragraph", or "doc#paragraph.part"
	Question string // one line
	Line     int    // its line in TaughtFile; 0 when not read from one
}

// taughtHeader opens TaughtFile, for whoever reads it in the repository.
const taughtHeader = `# Questions taught by moderators (standoff corpus teach, /corpus teach): one a line,
# the passage that answers it ("doc#paragraph"), a tab, the question. The questions are
# searched as part of their passage and never quoted.
`

// ParseTaught reads TaughtFile: one "PASSAGE<tab>QUESTION" a line; lines that start with
// "#" and blank lines are skipped. Lines that cannot be read are returned as Problems
// with their line. A question taught twice to the same passage counts once.
func ParseTaught(data []byte) ([]Taught, []Problem) {
	var out []Taught
	var problems []Problem
	seen := map[[2]string]bool{}
	text := strings.TrimPrefix(string(data), "\ufeff")
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if !utf8.ValidString(line) {
			problems = append(problems, Problem{Path: TaughtFile, Line: n, Reason: "not UTF-8 text"})
			continue
		}
		passage, question, ok := strings.Cut(line, "\t")
		if !ok {
			problems = append(problems, Problem{Path: TaughtFile, Line: n, Reason: "no tab between the passage and the question"})
			continue
		}
		t, err := NewTaught(passage, question)
		if err != nil {
			problems = append(problems, Problem{Path: TaughtFile, Line: n, Reason: err.Error()})
			continue
		}
		if k := [2]string{t.Passage, TaughtKey(t.Question)}; !seen[k] {
			seen[k] = true
			t.Line = n
			out = append(out, t)
		}
	}
	return out, problems
}

// NewTaught checks a passage id and a question and returns them as a Taught: the id
// trimmed, the question on one line with its spaces collapsed. The error says, in words
// for a moderator, what is wrong.
func NewTaught(passage, question string) (Taught, error) {
	passage = strings.TrimSpace(passage)
	if _, _, ok := SplitPassageID(passage); !ok {
		return Taught{}, fmt.Errorf("%q is not a passage: give it as doc#paragraph, as in an answer (glossary#3)", cut(passage, 60))
	}
	q := strings.Join(strings.FieldsFunc(strings.ToValidUTF8(question, " "), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	switch n := utf8.RuneCountInString(q); {
	case n == 0:
		return Taught{}, fmt.Errorf("the question is empty")
	case n > MaxTaughtQuestion:
		return Taught{}, fmt.Errorf("the question is %d characters long; at most %d are taught", n, MaxTaughtQuestion)
	}
	return Taught{Passage: passage, Question: q}, nil
}

// SplitPassageID splits "doc#12" or "doc#12.2" into the document id and the paragraph
// number; ok is false when id is not of that form.
func SplitPassageID(id string) (doc string, paragraph int, ok bool) {
	i := strings.LastIndexByte(id, '#')
	if i <= 0 || strings.ContainsAny(id, " \t\n") {
		return "", 0, false
	}
	num, part, split := strings.Cut(id[i+1:], ".")
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 || strings.HasPrefix(num, "+") {
		return "", 0, false
	}
	if split {
		if p, err := strconv.Atoi(part); err != nil || p <= 0 || strings.HasPrefix(part, "+") {
			return "", 0, false
		}
	}
	return id[:i], n, true
}

// TaughtKey is the form in which two wordings of a taught question are the same one:
// lower case, spaces collapsed, final punctuation aside.
func TaughtKey(q string) string {
	return strings.ToLower(strings.TrimRight(strings.Join(strings.Fields(q), " "), "?!.… "))
}

// FormatTaught writes taught questions in the format of TaughtFile, sorted by passage
// and question so that a change is one line of the file's history.
func FormatTaught(ts []Taught) []byte {
	sorted := slices.Clone(ts)
	slices.SortStableFunc(sorted, func(a, b Taught) int {
		if c := strings.Compare(a.Passage, b.Passage); c != 0 {
			return c
		}
		return strings.Compare(TaughtKey(a.Question), TaughtKey(b.Question))
	})
	var b strings.Builder
	b.WriteString(taughtHeader)
	for _, t := range sorted {
		b.WriteString(t.Passage + "\t" + t.Question + "\n")
	}
	return []byte(b.String())
}

// Passage returns the passage of the corpus that id names: "doc#12.2" that part,
// "doc#12" the paragraph's first part (and "doc#12.1" a paragraph that is not split).
func (c *Corpus) Passage(id string) (Passage, bool) {
	doc, n, ok := SplitPassageID(id)
	if !ok {
		return Passage{}, false
	}
	for _, p := range c.Passages() {
		if p.Doc != doc || p.Paragraph != n {
			continue
		}
		part := id[len(doc)+1:] // "12" or "12.2"
		if p.ID == id || p.Part == 1 && (!strings.Contains(part, ".") || strings.HasSuffix(part, ".1")) {
			return p, true // "doc#12" and "doc#12.1" are an unsplit paragraph's passage
		}
	}
	return Passage{}, false
}

// WriteTaught replaces TaughtFile with ts (removes it when ts is empty) and returns how
// to put back what was there.
func (s Store) WriteTaught(ts []Taught) (undo func() error, err error) {
	prev, existed, err := s.Read(TaughtFile)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		err = s.Remove(TaughtFile)
	} else {
		err = s.Write(TaughtFile, FormatTaught(ts))
	}
	if err != nil {
		return nil, err
	}
	return func() error {
		if !existed {
			return s.Remove(TaughtFile)
		}
		return s.Write(TaughtFile, prev)
	}, nil
}

// cut shortens s to n runes, with an ellipsis.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
