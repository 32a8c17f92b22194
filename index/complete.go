package index

import (
	"context"
	"sort"
	"strings"
)

// completionCandidates are what autocomplete offers: a "What is …?" question for every
// glossary term, the glossary terms, and the section headings of the corpus.
func (ix *Index) completionCandidates() []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" && !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
	}
	for _, g := range ix.glossary {
		name := termNames(g.term)
		short := name[0]
		if len(name) > 1 {
			short = name[1]
		}
		add("What is " + short + "?")
	}
	for _, g := range ix.glossary {
		add(g.term)
	}
	for _, section := range ix.passages.Sections {
		add(section)
	}
	return out
}

// Complete offers up to n completions of what a user has typed: questions and terms of
// the corpus that start with it, then those with a word that starts with it, then those
// that contain it. An empty prefix gets the first candidates.
func (ix *Index) Complete(ctx context.Context, prefix string, n int) []string {
	if n <= 0 {
		return []string{}
	}
	p := strings.ToLower(strings.TrimSpace(normalizeQuestion(prefix)))
	type scored struct {
		s    string
		rank int
		i    int
	}
	var hits []scored
	for i, c := range ix.completes {
		lc := strings.ToLower(c)
		rank := -1
		switch {
		case p == "" || strings.HasPrefix(lc, p):
			rank = 0
		case strings.Contains(" "+lc, " "+p):
			rank = 1
		case strings.Contains(lc, p):
			rank = 2
		}
		if rank >= 0 {
			hits = append(hits, scored{c, rank, i})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].rank < hits[j].rank })
	out := []string{}
	for _, h := range hits {
		if len(out) == n {
			break
		}
		out = append(out, h.s)
	}
	return out
}
