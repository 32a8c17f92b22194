package index

import (
	"encoding/binary"
	"hash/crc32"
	"reflect"
	"testing"

	"github.com/standoff-bot/standoff/corpus"
)

// TestPassageLookup: a passage is found by the id the corpus gives it, in a document whose
// paragraphs come in order or not, and by no other spelling of it.
func TestPassageLookup(t *testing.T) {
	ps := []corpus.Passage{
		{ID: "a#1", Doc: "a", Paragraph: 1, Part: 1, Text: "one"},
		{ID: "a#2.1", Doc: "a", Paragraph: 2, Part: 1, Text: "two, first part"},
		{ID: "a#2.2", Doc: "a", Paragraph: 2, Part: 2, Text: "two, second part"},
		{ID: "a#10", Doc: "a", Paragraph: 10, Part: 1, Text: "ten"},
		{ID: "dir/b#c#7", Doc: "dir/b#c", Paragraph: 7, Part: 1, Text: "seven, in a document whose id holds #"},
		{ID: "dir/b#c#3", Doc: "dir/b#c", Paragraph: 3, Part: 1, Text: "three, after seven"},
	}
	s, err := memoryPassages(ps, someTokens, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.all(); !reflect.DeepEqual(got, ps) {
		t.Fatalf("passages differ:\n got %+v\nwant %+v", got, ps)
	}
	for i := range ps {
		if _, toks := s.analysed(i); !reflect.DeepEqual(toks, someTokens(i)) {
			t.Errorf("passage %d: tokens %+v, want %+v", i, toks, someTokens(i))
		}
		if _, sentences := s.withSentences(i); !reflect.DeepEqual(sentences, someTokens(i).sentences) {
			t.Errorf("passage %d: sentences %+v, want %+v", i, sentences, someTokens(i).sentences)
		}
	}
	for i, p := range ps {
		if got, ok := s.lookup(p.ID); !ok || got != i {
			t.Errorf("lookup(%q) = %d, %v; want %d", p.ID, got, ok, i)
		}
	}
	for _, id := range []string{"a#2", "a#1.1", "a#01", "a#+1", "a#2.01", "a#3", "a#", "a", "b#c#7", "dir/b#c#7.1", "#1", ""} {
		if i, ok := s.lookup(id); ok {
			t.Errorf("lookup(%q) = %d, want none", id, i)
		}
	}
}

// TestWritePassagesRefuses: passages the file cannot give back as they were are refused
// when written, not changed.
func TestWritePassagesRefuses(t *testing.T) {
	for name, ps := range map[string][]corpus.Passage{
		"an id that is not its paragraph's": {{ID: "a#x", Doc: "a", Paragraph: 1, Part: 1}},
		"a document apart":                  {{ID: "a#1", Doc: "a", Paragraph: 1, Part: 1}, {ID: "b#1", Doc: "b", Paragraph: 1, Part: 1}, {ID: "a#2", Doc: "a", Paragraph: 2, Part: 1}},
		"a title that differs":              {{ID: "a#1", Doc: "a", Title: "A", Paragraph: 1, Part: 1}, {ID: "a#2", Doc: "a", Title: "B", Paragraph: 2, Part: 1}},
	} {
		if _, err := memoryPassages(ps, someTokens, nil); err == nil {
			t.Errorf("%s: written", name)
		}
	}
}

// someTokens gives passage i tokens of its own.
func someTokens(i int) passageTokens {
	return passageTokens{text: []token{{term: "t", start: i, end: i + 1, pos: 1}}, meta: []token{{term: "m", start: 0, end: 2 * i, pos: i}},
		sentences: []span{{0, 1}, {2, 2 + i%2}}}
}

// FuzzDecodeRecord: a record whose checksum holds but whose bytes are anything is
// refused or read, never a panic nor a string beyond the record.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(appendRecord(nil, corpus.Passage{Text: "Centrifuges spin.", Date: "2025-06", Sources: []corpus.Citation{{Title: "T", URL: "https://example.org"}}}, someTokens(3)))
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) >= 4 && checksumHolds(body) {
			body = body[:len(body)-4] // a seed: its own checksum is added again below
		}
		b := binary.LittleEndian.AppendUint32(append([]byte{}, body...), crc32.Checksum(body, castagnoli()))
		var p corpus.Passage
		var toks passageTokens
		if err := decodeRecord(b, &p, &toks, recordAll); err != nil {
			return
		}
		if n := len(p.Text) + len(p.Date); n > len(b) {
			t.Fatalf("%d bytes of strings from a record of %d", n, len(b))
		}
		for _, sp := range toks.sentences {
			if sp.start < 0 || sp.start > sp.end || sp.end > len(p.Text) {
				t.Fatalf("sentence %+v of a text of %d bytes", sp, len(p.Text))
			}
		}
		for _, tk := range append(toks.text, toks.meta...) {
			if len(tk.term) > len(b) {
				t.Fatalf("a term of %d bytes from a record of %d", len(tk.term), len(b))
			}
		}
	})
}
