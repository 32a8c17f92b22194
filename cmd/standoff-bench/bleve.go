package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// The plain bleve baseline: what a competent user gets from bleve out of the box, so that
// what standoff's own analysis adds, in quality and in time, is visible. The default
// mapping (the "standard" analyzer: unicode tokenizer, lower case, Snowball English stop
// words; tf-idf scoring), the passages' text, title and section, and one match query of
// the question over them (bleve's default "_all" field), the best first.

// bleveBatch is the number of passages indexed a batch.
const bleveBatch = 1000

// bleveDoc is one passage as plain bleve indexes it.
type bleveDoc struct {
	Text      string `json:"text"`
	Title     string `json:"title"`
	Section   string `json:"section"`
	Doc       string `json:"doc"`
	Paragraph int    `json:"paragraph"`
}

// buildBleve indexes ps in a new bleve index in the folder dir.
func buildBleve(ctx context.Context, dir string, ps []corpus.Passage) (err error) {
	ix, err := bleve.New(dir, bleve.NewIndexMapping())
	if err != nil {
		return fmt.Errorf("build bleve: %w", err)
	}
	defer func() {
		if cerr := ix.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("build bleve: close: %w", cerr)
		}
	}()
	b := ix.NewBatch()
	for i, p := range ps {
		if err := b.Index(p.ID, bleveDoc{Text: p.Text, Title: p.Title, Section: p.Section, Doc: p.Doc, Paragraph: p.Paragraph}); err != nil {
			return fmt.Errorf("build bleve: %s: %w", p.ID, err)
		}
		if b.Size() >= bleveBatch || i == len(ps)-1 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("build bleve: %w", err)
			}
			if err := ix.Batch(b); err != nil {
				return fmt.Errorf("build bleve: %w", err)
			}
			b = ix.NewBatch()
		}
	}
	return nil
}

// bleveEngine is the plain bleve baseline, opened read-only.
type bleveEngine struct{ ix bleve.Index }

// openBleve opens a built plain bleve index read-only.
func openBleve(dir string) (bleveEngine, error) {
	ix, err := bleve.OpenUsing(dir, map[string]interface{}{"read_only": true})
	if err != nil {
		return bleveEngine{}, fmt.Errorf("open bleve: %w", err)
	}
	return bleveEngine{ix}, nil
}

// answer answers with the k best passages, highlighted by bleve's html highlighter; like
// FTS5 it has no relevance floor.
func (e bleveEngine) answer(ctx context.Context, question string, k int) (standoff.Answer, error) {
	ans := standoff.Answer{Question: question, Results: []standoff.Result{}, Suggestions: []string{}}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchQuery(question), k, 0, false)
	req.Fields = []string{"text", "title", "doc", "paragraph"}
	req.Highlight = bleve.NewHighlightWithStyle("html")
	req.Highlight.AddField("text")
	res, err := e.ix.SearchInContext(ctx, req)
	if err != nil {
		return ans, fmt.Errorf("bleve answer: %w", err)
	}
	for i, h := range res.Hits {
		r := standoff.Result{Rank: i + 1, Score: h.Score}
		r.Text, _ = h.Fields["text"].(string)
		r.Title, _ = h.Fields["title"].(string)
		r.Doc, _ = h.Fields["doc"].(string)
		if p, ok := h.Fields["paragraph"].(float64); ok {
			r.Paragraph = int(p)
		}
		r.Highlighted = strings.Join(h.Fragments["text"], " … ")
		ans.Results = append(ans.Results, r)
	}
	ans.Answered = len(ans.Results) > 0
	return ans, nil
}

// rank is bleve's ranking of the match query, best first.
func (e bleveEngine) rank(ctx context.Context, question string, n int) ([]rankedPassage, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewMatchQuery(question), n, 0, false)
	res, err := e.ix.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("bleve rank: %w", err)
	}
	out := make([]rankedPassage, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = rankedPassage{Passage: h.ID, Doc: docOfPassage(h.ID)}
	}
	return out, nil
}

// docOfPassage is the document of a passage id ("doc" of "doc#3.2").
func docOfPassage(id string) string {
	if i := strings.LastIndexByte(id, '#'); i >= 0 {
		if _, err := strconv.Atoi(strings.SplitN(id[i+1:], ".", 2)[0]); err == nil {
			return id[:i]
		}
	}
	return id
}

// Close closes the index.
func (e bleveEngine) Close() error { return e.ix.Close() }
