package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/standoff-bot/standoff"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/index"
)

// Engine names, as flags and the table spell them.
const (
	engineStandoff = "standoff"
	// engineFTS is FTS5 queried as a competent user queries it: the question's words
	// OR-ed, English stop words left out.
	engineFTS = "fts5"
	// engineFTSAll is the same FTS5 index queried with every word OR-ed, stop words
	// included: the first benchmark's setup, kept as a second row.
	engineFTSAll = "fts5-or"
	// engineBleve is plain bleve: the default mapping and a match query.
	engineBleve = "bleve"
)

// openEngine opens a built index of the engine name in the folder dir, for conns
// concurrent questions.
func openEngine(ctx context.Context, name, dir string, conns int) (engine, error) {
	switch name {
	case engineFTS, engineFTSAll:
		query := ftsQuery
		if name == engineFTS {
			stop, err := englishStopWords()
			if err != nil {
				return nil, err
			}
			query = func(q string) string { return ftsQueryWithout(q, stop) }
		}
		f, err := openFTS(ctx, ftsFile(dir), conns, query)
		if err != nil {
			return nil, err
		}
		return ftsEngine{f}, nil
	case engineBleve:
		return openBleve(dir)
	}
	return nil, fmt.Errorf("open engine: unknown engine %q", name)
}

// buildEngine builds the index of the engine name (not standoff) of ps in the folder dir,
// which must not exist.
func buildEngine(ctx context.Context, name, dir string, ps []corpus.Passage) error {
	switch name {
	case engineFTS, engineFTSAll:
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		return buildFTS(ctx, ftsFile(dir), ps)
	case engineBleve:
		return buildBleve(ctx, dir, ps)
	}
	return fmt.Errorf("build: unknown engine %q", name)
}

// rankedPassage is one passage of a raw ranking.
type rankedPassage struct {
	Passage string // passage id
	Doc     string // document id
}

// engine is a search engine opened on a corpus.
type engine interface {
	// answer answers a question with k passages, cited and highlighted, in the shape
	// the product shows.
	answer(ctx context.Context, question string, k int) (standoff.Answer, error)
	// rank ranks passages for a question, best first, without any relevance floor.
	rank(ctx context.Context, question string, n int) ([]rankedPassage, error)
	// Close releases the engine.
	Close() error
}

// standoffEngine is the product's own answer path.
type standoffEngine struct{ ix *index.Index }

// answer is standoff.Answer with K passages.
func (s standoffEngine) answer(ctx context.Context, question string, k int) (standoff.Answer, error) {
	return s.ix.Answer(ctx, standoff.Request{Question: question, K: k})
}

// rank is index.Search: the ranking before the floor.
func (s standoffEngine) rank(ctx context.Context, question string, n int) ([]rankedPassage, error) {
	hits, err := s.ix.Search(ctx, question, n)
	if err != nil {
		return nil, err
	}
	out := make([]rankedPassage, len(hits))
	for i, h := range hits {
		out[i] = rankedPassage{Passage: h.Passage, Doc: h.Doc}
	}
	return out, nil
}

// Close closes the index.
func (s standoffEngine) Close() error { return s.ix.Close() }

// ftsEngine is the FTS5 baseline.
type ftsEngine struct{ f *ftsIndex }

// answer answers with the k best passages; FTS5 has no relevance floor, so a question
// is answered as soon as one passage holds one of its words.
func (e ftsEngine) answer(ctx context.Context, question string, k int) (standoff.Answer, error) {
	rs, err := e.f.Answer(ctx, question, k)
	ans := standoff.Answer{Question: question, Results: []standoff.Result{}, Suggestions: []string{}}
	if err != nil {
		return ans, err
	}
	for i, r := range rs {
		ans.Results = append(ans.Results, standoff.Result{
			Rank: i + 1, Doc: r.Doc, Title: r.Title, Paragraph: r.Paragraph,
			Text: r.Text, Highlighted: r.Snippet, Score: r.Score,
		})
	}
	ans.Answered = len(ans.Results) > 0
	return ans, nil
}

// rank is the FTS5 ranking, best first.
func (e ftsEngine) rank(ctx context.Context, question string, n int) ([]rankedPassage, error) {
	return e.f.Rank(ctx, question, n)
}

// Close closes the SQLite database.
func (e ftsEngine) Close() error { return e.f.Close() }

// loadCorpus reads the corpus folder dir through the product's corpus package, or the
// embedded default corpus when dir is empty.
func loadCorpus(ctx context.Context, dir string) (*corpus.Corpus, error) {
	c, err := corpus.LoadDirOrDefault(ctx, dir)
	if err != nil {
		return nil, err
	}
	if len(c.Documents) == 0 {
		return nil, fmt.Errorf("load corpus: no readable document in %q", dir)
	}
	return c, nil
}

// passageKey is the document and paragraph of a passage id ("doc#3" of "doc#3.2"): what
// a result's citation names.
func passageKey(id string) string {
	if i := strings.LastIndexByte(id, '#'); i >= 0 {
		if j := strings.IndexByte(id[i:], '.'); j >= 0 {
			return id[:i+j]
		}
	}
	return id
}

// resultKey is the passage key of a result's citation.
func resultKey(r standoff.Result) string { return r.Doc + "#" + strconv.Itoa(r.Paragraph) }

// diskSize is the number of bytes of the files under path.
func diskSize(path string) (int64, error) {
	var n int64
	err := filepath.WalkDir(path, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("disk size: %w", err)
	}
	return n, nil
}
