package corpus

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Changes is what changed between two loads of a corpus: documents added, updated and
// removed, and their passages.
type Changes struct {
	Added, Updated, Removed []DocChange

	PassagesAdded, PassagesUpdated, PassagesRemoved int
}

// DocChange is one document that changed.
type DocChange struct {
	ID    string
	Path  string
	Title string
	Hash  string // hex sha256 of the file now; of the removed file for a removal

	PassagesAdded, PassagesUpdated, PassagesRemoved int
}

// Empty reports whether nothing changed.
func (c Changes) Empty() bool {
	return len(c.Added) == 0 && len(c.Updated) == 0 && len(c.Removed) == 0
}

// Diff compares two loads of a corpus, document by document (by id and content hash)
// and passage by passage (by passage id and text). old may be nil: everything is added.
func Diff(old, cur *Corpus) Changes {
	var ch Changes
	before := map[string]Document{}
	var oldPassages, newPassages map[string]map[string]string
	if old != nil {
		for _, d := range old.Documents {
			before[d.ID] = d
		}
		oldPassages = passagesByDoc(old)
	}
	newPassages = passagesByDoc(cur)
	seen := map[string]bool{}
	for _, d := range cur.Documents {
		seen[d.ID] = true
		prev, existed := before[d.ID]
		if existed && prev.Hash == d.Hash && prev.Path == d.Path {
			continue
		}
		dc := DocChange{ID: d.ID, Path: d.Path, Title: d.Title, Hash: d.Hash}
		olds, news := oldPassages[d.ID], newPassages[d.ID]
		for id, text := range news {
			if was, ok := olds[id]; !ok {
				dc.PassagesAdded++
			} else if was != text {
				dc.PassagesUpdated++
			}
		}
		for id := range olds {
			if _, ok := news[id]; !ok {
				dc.PassagesRemoved++
			}
		}
		if existed {
			ch.Updated = append(ch.Updated, dc)
		} else {
			ch.Added = append(ch.Added, dc)
		}
		ch.PassagesAdded += dc.PassagesAdded
		ch.PassagesUpdated += dc.PassagesUpdated
		ch.PassagesRemoved += dc.PassagesRemoved
	}
	if old != nil {
		for _, d := range old.Documents {
			if seen[d.ID] {
				continue
			}
			n := len(oldPassages[d.ID])
			ch.Removed = append(ch.Removed, DocChange{ID: d.ID, Path: d.Path, Title: d.Title, Hash: d.Hash, PassagesRemoved: n})
			ch.PassagesRemoved += n
		}
	}
	for _, list := range [][]DocChange{ch.Added, ch.Updated, ch.Removed} {
		slices.SortFunc(list, func(a, b DocChange) int { return cmp.Compare(a.ID, b.ID) })
	}
	return ch
}

// passagesByDoc maps each document id to its passages' texts by passage id.
func passagesByDoc(c *Corpus) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, p := range c.Passages() {
		m := out[p.Doc]
		if m == nil {
			m = map[string]string{}
			out[p.Doc] = m
		}
		m[p.ID] = p.Text
	}
	return out
}

// Summary describes the changes in a few lines of plain text, for a reply or a terminal.
func (c Changes) Summary() string {
	if c.Empty() {
		return "Nothing changed: the corpus is as it was."
	}
	var lines []string
	add := func(verb string, list []DocChange, detail func(DocChange) string) {
		if len(list) == 0 {
			return
		}
		lines = append(lines, fmt.Sprintf("%s %s:", verb, plural(len(list), "document")))
		for _, d := range list {
			lines = append(lines, fmt.Sprintf("  %s — %s (%s)", d.ID, d.Title, detail(d)))
		}
	}
	add("Added", c.Added, func(d DocChange) string { return plural(d.PassagesAdded, "passage") })
	add("Updated", c.Updated, func(d DocChange) string {
		return fmt.Sprintf("passages: %d added, %d updated, %d removed", d.PassagesAdded, d.PassagesUpdated, d.PassagesRemoved)
	})
	add("Removed", c.Removed, func(d DocChange) string { return plural(d.PassagesRemoved, "passage") })
	lines = append(lines, fmt.Sprintf("Passages: %d added, %d updated, %d removed.", c.PassagesAdded, c.PassagesUpdated, c.PassagesRemoved))
	return strings.Join(lines, "\n")
}

// Plural formats a count with a noun that takes an s in the plural: "1 passage", "3
// passages".
func Plural(n int, noun string) string { return plural(n, noun) }

// plural formats a count with a noun: "1 document", "3 documents".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
