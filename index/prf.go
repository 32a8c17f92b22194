package index

import (
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/standoff-bot/standoff/corpus"
)

// Pseudo-relevance feedback: a question with a word the corpus lacks (or has only as a
// word of the lexicon) is searched again with the terms that best mark the first passages
// found, the question's own words aside: "how refined does uranium need to be for a weapon"
// finds weapons-grade uranium's passage by the words of the passages next to it. The
// feedback terms rank passages
// only: they are no concepts of the question, so the re-rank's coverage and the
// relevance floor do not count them. Measured (BENCHMARKS.md): on every question it
// loses questions of questions-reference.tsv and seed-questions.tsv; on the questions
// with a word the corpus lacks only, it finds three more paraphrases of
// questions-paraphrase-2.tsv and one more question of questions-reference.tsv, and
// leaves the others and SciFact as they were.
// The boost of the best term is weights.feedback; the others weigh in proportion.
const (
	feedbackPassages = 3 // how many of the first passages the terms come from
	feedbackTerms    = 3 // how many terms are added
)

// feedback returns the terms to search a plan again with, given the first hits of its
// search; none when every word of the question is the corpus's own.
func (ix *Index) feedback(p plan, hits search.DocumentMatchCollection) []alternative {
	lacks := false
	for _, c := range p.concepts {
		lacks = lacks || !c.date && (!c.known || c.lexical)
	}
	if !lacks || len(hits) == 0 || ix.weights.feedback <= 0 {
		return nil
	}
	have := map[string]bool{}
	for _, c := range p.concepts {
		for _, a := range c.alts {
			for _, t := range strings.Fields(a.key) {
				have[t] = true
			}
		}
	}
	first := hits[:min(feedbackPassages, len(hits))]
	total := 0.0
	for _, h := range first {
		total += h.Score
	}
	// A term weighs its share of each passage, times the passage's share of the score,
	// times its idf; terms in a tenth of the passages or more mark nothing.
	score := map[string]float64{}
	for _, h := range first {
		i, ok := ix.passages.lookup(h.ID)
		if !ok || total <= 0 {
			continue
		}
		ix.passages.withAnalysed(i, func(_ corpus.Passage, analysed passageTokens) {
			toks := analysed.text
			for _, t := range toks {
				if have[t.term] || len(t.term) < 3 || isNumber(t.term) || ix.vocab.df[t.term] > ix.vocab.docs/10 {
					continue
				}
				score[t.term] += h.Score / total / float64(len(toks)) * ix.vocab.idf(t.term)
			}
		})
	}
	terms := make([]string, 0, len(score))
	for t := range score {
		terms = append(terms, t)
	}
	sort.Slice(terms, func(i, j int) bool {
		if score[terms[i]] != score[terms[j]] {
			return score[terms[i]] > score[terms[j]]
		}
		return terms[i] < terms[j]
	})
	var out []alternative
	for _, t := range terms[:min(feedbackTerms, len(terms))] {
		out = append(out, alternative{key: t, text: t, weight: ix.weights.feedback * score[t] / score[terms[0]]})
	}
	return out
}
