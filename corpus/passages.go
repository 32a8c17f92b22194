package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// formatVersion names the rules that turn files into paragraphs and passages. Change it
// whenever they change, so that Fingerprint changes and indexes are rebuilt.
const formatVersion = "standoff-corpus-3"

// Passages returns every passage of every document, in document then paragraph order.
// A paragraph of at most MaxPassageChars characters is one passage; a longer one is cut
// into runs of whole sentences, each of at most MaxPassageChars characters unless a
// single sentence is longer. The text of a passage is a substring of its paragraph's.
func (c *Corpus) Passages() []Passage {
	sp := c.Splitter()
	n := 0
	for _, d := range c.Documents {
		n += len(d.Paragraphs)
	}
	out := make([]Passage, 0, n)
	for _, d := range c.Documents {
		for _, p := range d.Paragraphs {
			date, own := p.Date, p.Date != ""
			if !own {
				date = d.Published
			}
			parts := splitParagraph(sp, p.Text)
			for i, t := range parts {
				id := d.ID + "#" + strconv.Itoa(p.Number)
				if len(parts) > 1 {
					id += "." + strconv.Itoa(i+1)
				}
				out = append(out, Passage{
					ID:        id,
					Doc:       d.ID,
					Title:     d.Title,
					Section:   p.Section,
					Paragraph: p.Number,
					Part:      i + 1,
					Publisher: d.Publisher,
					Published: d.Published,
					URL:       d.URL,
					Kind:      d.Kind,
					Text:      t,
					Sources:   p.Sources,
					Date:      date,
					DateOwn:   own,
				})
			}
		}
	}
	return out
}

// splitParagraph cuts text into runs of whole sentences of at most MaxPassageChars
// characters, greedily; a sentence longer than that is a run of its own. Text that is
// short enough is returned whole. Its time is linear in the text: the characters before
// each sentence's end are counted once.
func splitParagraph(sp *Splitter, text string) []string {
	if utf8.RuneCountInString(text) <= MaxPassageChars {
		return []string{text}
	}
	sentences := sp.spans(text)
	// runes[k] is the number of characters in text[:sentences[k].end], and start[k] in
	// text[:sentences[k].start].
	runes, start := make([]int, len(sentences)), make([]int, len(sentences))
	at, n := 0, 0
	for k, s := range sentences {
		n += utf8.RuneCountInString(text[at:s.start])
		start[k] = n
		n += utf8.RuneCountInString(text[s.start:s.end])
		runes[k], at = n, s.end
	}
	var out []string
	for i := 0; i < len(sentences); {
		j := i + 1
		for j < len(sentences) && runes[j]-start[i] <= MaxPassageChars {
			j++
		}
		out = append(out, text[sentences[i].start:sentences[j-1].end])
		i = j
	}
	return out
}

// Fingerprint identifies the content of the corpus: a hex sha256 over the path, id and
// hash of every document, the synonym rules, the taught questions, and the version of the rules that make
// passages. Two loads of the same files give the same fingerprint; a changed, added or
// removed document, or a changed synonym rule, gives another.
func (c *Corpus) Fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", formatVersion)
	docs := make([]string, len(c.Documents))
	for i, d := range c.Documents {
		docs[i] = fmt.Sprintf("doc\x00%s\x00%s\x00%s\n", d.ID, d.Path, d.Hash)
	}
	slices.Sort(docs)
	for _, d := range docs {
		h.Write([]byte(d))
	}
	for _, r := range c.Synonyms {
		fmt.Fprintf(h, "syn\x00%s\x00=>\x00%s\n", strings.Join(r.Terms, "\x00"), strings.Join(r.Targets, "\x00"))
	}
	for _, t := range c.Taught {
		fmt.Fprintf(h, "taught\x00%s\x00%s\n", t.Passage, t.Question)
	}
	return hex.EncodeToString(h.Sum(nil))
}
