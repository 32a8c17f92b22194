package index

import (
	"strings"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// sources converts a passage's citations for a result; never nil, so that the JSON
// answer always holds a list.
func sources(cs []corpus.Citation) []standoff.Source {
	out := make([]standoff.Source, len(cs))
	for i, c := range cs {
		out[i] = standoff.Source{Title: c.Title, Publisher: c.Publisher, Published: c.Published, URL: c.URL}
	}
	return out
}

// A word of a question is one of its rare terms, shown in bold, when its idf is at least
// rareIDF (it is in fewer than about a quarter of the passages) and at least
// emphasisShare of the heaviest word's.
const (
	rareIDF       = 1.3862943611198906 // ln 4
	emphasisShare = 0.5
)

// emphasize returns the spans of text that hold only the question's rare terms: quoted phrases,
// multi-word terms where the whole term is found, and the rare words; a word so common
// that the search leaves it out is never rare.
func emphasize(p plan, text string, m matchInfo) []span {
	top := 0.0
	for _, c := range p.concepts {
		if !c.quoted && !c.isPhrase() && !c.date {
			top = max(top, c.idf)
		}
	}
	var keep []span
	for _, sp := range m.spans {
		i, ok := m.concept[sp.start]
		if !ok || i >= len(p.concepts) {
			continue
		}
		c := p.concepts[i]
		whole := strings.ContainsAny(text[sp.start:sp.end], " \u00a0-") // a multi-word term, found whole
		rare := !c.common && c.parent == "" && c.idf >= rareIDF && c.idf >= emphasisShare*top
		if whole || c.quoted || c.isPhrase() || rare {
			keep = append(keep, sp)
		}
	}
	return keep
}

// newest returns the later of date and the dates of passage p and of its sources.
// Dates are YYYY, YYYY-MM or YYYY-MM-DD, which compare as strings.
func newest(date string, p corpus.Passage) string {
	date = max(date, p.Published)
	for _, s := range p.Sources {
		date = max(date, s.Published)
	}
	return date
}
