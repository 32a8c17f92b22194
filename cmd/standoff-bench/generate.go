package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/index"
)

// textSource is one real text whose sentences generated paragraphs recombine: a document
// of the corpus or a SciFact abstract.
type textSource struct {
	title     string
	sentences []string
}

// genFile is one file of a generated corpus.
type genFile struct {
	Path string // relative to the corpus folder, "/"-separated
	Data []byte
}

// genPassage is a passage of a generated corpus, as the corpus package will number it.
type genPassage struct {
	ID   string
	Text string
}

// generated is a corpus made by generate.
type generated struct {
	Files    []genFile
	Passages []genPassage
}

// drawnQuestion is a question drawn from a passage: a few of its words, in order, after
// an opening a person might type. Passage is the id of the passage it was drawn from;
// empty for a question that has none (from a question file).
type drawnQuestion struct {
	Question string
	Passage  string
}

// Shape of generated documents: a title and 8 to 32 paragraphs (20 on average, the size
// of a long news article), each a run of 1 to 4 consecutive sentences of one source,
// sometimes followed by a sentence of another.
const (
	genMinParagraphs = 8
	genMaxParagraphs = 32
	genMaxRun        = 4
	genMixChance     = 0.3
	genMinChars      = 40
	genFilesPerDir   = 500
)

// loadSources reads the real texts that generated corpora recombine: every document of
// base (the sentences of its paragraphs) and, when scifactDir is set, every SciFact
// abstract. Sentences that only list sources are left out.
func loadSources(ctx context.Context, base *corpus.Corpus, scifactDir string) ([]textSource, error) {
	sp := base.Splitter()
	out := documentSources(base.Documents, sp)
	if scifactDir == "" {
		return out, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load sources: %w", err)
	}
	sci, _, err := index.ReadBEIR(scifactDir)
	if err != nil {
		return nil, fmt.Errorf("load sources: %w", err)
	}
	return append(out, documentSources(sci.Documents, sp)...), nil
}

// documentSources turns documents into text sources: their usable sentences.
func documentSources(docs []corpus.Document, sp *corpus.Splitter) []textSource {
	var out []textSource
	for _, d := range docs {
		s := textSource{title: d.Title}
		for _, p := range d.Paragraphs {
			s.sentences = append(s.sentences, usableSentences(sp.Split(p.Text))...)
		}
		if len(s.sentences) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// usableSentences keeps the sentences that fit in one passage and say something.
func usableSentences(ss []string) []string {
	var out []string
	for _, s := range ss {
		s = strings.Join(strings.Fields(s), " ")
		if t := strings.TrimLeft(s, "(["); strings.HasPrefix(t, "Source:") || strings.HasPrefix(t, "Sources:") {
			continue // a list of sources, which standoff does not index
		}
		if n := utf8.RuneCountInString(s); n >= genMinChars && n <= corpus.MaxPassageChars {
			out = append(out, s)
		}
	}
	return out
}

// generate makes a corpus of exactly n passages by recombining the sentences of sources,
// the same for the same seed: plain-text documents ("title, blank line, paragraphs
// separated by blank lines") whose paragraphs are each at most corpus.MaxPassageChars
// characters, so that each is one passage.
func generate(sources []textSource, n int, seed uint64) (generated, error) {
	if len(sources) == 0 {
		return generated{}, errors.New("generate corpus: no source text")
	}
	if n <= 0 {
		return generated{}, fmt.Errorf("generate corpus: %d passages asked", n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5747a0ff))
	g := generated{Passages: make([]genPassage, 0, n)}
	for doc := 0; len(g.Passages) < n; doc++ {
		id := fmt.Sprintf("d%04d/a%06d", doc/genFilesPerDir, doc)
		title := strings.Join(strings.Fields(sources[rng.IntN(len(sources))].title), " ")
		if title == "" {
			title = "Document " + id
		}
		var b strings.Builder
		b.WriteString(title)
		b.WriteString("\n")
		paras := genMinParagraphs + rng.IntN(genMaxParagraphs-genMinParagraphs+1)
		for p := 1; p <= paras && len(g.Passages) < n; p++ {
			text := paragraph(rng, sources)
			b.WriteString("\n")
			b.WriteString(text)
			b.WriteString("\n")
			g.Passages = append(g.Passages, genPassage{ID: fmt.Sprintf("%s#%d", id, p), Text: text})
		}
		g.Files = append(g.Files, genFile{Path: id + ".txt", Data: []byte(b.String())})
	}
	return g, nil
}

// paragraph draws a run of consecutive sentences of one source, sometimes followed by
// a sentence of another, within corpus.MaxPassageChars characters.
func paragraph(rng *rand.Rand, sources []textSource) string {
	s := sources[rng.IntN(len(sources))]
	i := rng.IntN(len(s.sentences))
	parts := []string{s.sentences[i]}
	size := utf8.RuneCountInString(parts[0])
	add := func(sentence string) bool {
		n := utf8.RuneCountInString(sentence)
		if size+1+n > corpus.MaxPassageChars {
			return false
		}
		parts = append(parts, sentence)
		size += 1 + n
		return true
	}
	run := 1 + rng.IntN(genMaxRun)
	for j := i + 1; j < len(s.sentences) && j < i+run; j++ {
		if !add(s.sentences[j]) {
			break
		}
	}
	if rng.Float64() < genMixChance {
		o := sources[rng.IntN(len(sources))]
		add(o.sentences[rng.IntN(len(o.sentences))])
	}
	return strings.Join(parts, " ")
}

// writeCorpus writes the files of a generated corpus under dir.
func writeCorpus(dir string, files []genFile) error {
	made := map[string]bool{}
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		if d := filepath.Dir(path); !made[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return fmt.Errorf("write corpus: %w", err)
			}
			made[d] = true
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			return fmt.Errorf("write corpus: %w", err)
		}
	}
	return nil
}

// questionOpenings are the ways drawn questions start, as people start them.
func questionOpenings() []string {
	return []string{"", "what about", "what is known about", "how does", "why", "tell me about", "is it true that", "when"}
}

// isStopWord tells the short, common words a drawn question does not pick.
func isStopWord(w string) bool {
	switch w {
	case "that", "this", "with", "from", "have", "were", "which", "their", "there", "these",
		"those", "been", "they", "than", "also", "into", "such", "more", "most", "when",
		"where", "while", "whether", "would", "could", "should", "about", "after", "before",
		"other", "only", "both", "between", "among", "within", "will":
		return true
	}
	return false
}

// drawQuestions draws n questions from passages, the same for the same seed: each takes
// 2 to 5 consecutive content words of a random passage, after a random opening.
func drawQuestions(passages []genPassage, n int, seed uint64) []drawnQuestion {
	if len(passages) == 0 || n <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b9))
	openings := questionOpenings()
	out := make([]drawnQuestion, 0, n)
	for tries := 0; len(out) < n && tries < 20*n; tries++ {
		p := passages[rng.IntN(len(passages))]
		words := contentWords(p.Text)
		if len(words) < 2 {
			continue
		}
		take := min(2+rng.IntN(4), len(words))
		start := rng.IntN(len(words) - take + 1)
		q := strings.Join(words[start:start+take], " ")
		if open := openings[rng.IntN(len(openings))]; open != "" {
			q = open + " " + q
		}
		out = append(out, drawnQuestion{Question: q, Passage: p.ID})
	}
	return out
}

// contentWords are the words of text of four letters or more, stop words aside, in
// lower case, in order.
func contentWords(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		w = strings.ToLower(w)
		if utf8.RuneCountInString(w) >= 4 && !isStopWord(w) {
			out = append(out, w)
		}
	}
	return out
}
