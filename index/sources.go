package index

import "github.com/standoff-bot/standoff/corpus"

// sources converts a passage's citations for a result; never nil, so that the JSON
// answer always holds a list.
func sources(cs []corpus.Citation) []Source {
	out := make([]Source, len(cs))
	for i, c := range cs {
		out[i] = Source{Title: c.Title, Publisher: c.Publisher, Published: c.Published, URL: c.URL}
	}
	return out
}
