package index

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/atomicfile"
)

// The searchable passages of an index are kept out of the Go heap: their texts, dates
// and sources are records in a file of the generation folder (passagesFile), read one at
// a time when an answer needs a passage; what stays in memory is a fixed-size row a
// passage (where its record is, its document, paragraph, section and date, and the hash
// of its text that dedupe compares, compareKey: 44 bytes) and
// what passages share (their documents and section headings). Opening an index reads
// the rows and nothing of the records; an index without a folder keeps the same file in
// memory.
//
// passagesFile is:
//
//	passagesMagic
//	a record a passage: its text, its date as written, its sources, where its sentences
//	  stand in its text (finding them at query time was a tenth of an answer's time), its
//	  tokens (its text and its section, title and taught questions analysed as
//	  matchPassage reads them: analysing them at query time was a fifth of an answer's
//	  time), in uvarint lengths and counts, then the CRC-32C of those bytes
//	a row a passage (rowSize bytes, little endian, see row)
//	trailer: the offset of the rows (8 bytes), their number (4), their CRC-32C (4), passagesEnd
const (
	passagesFile  = "standoff-passages"
	passagesMagic = "standoff-passages 3\n"
	passagesEnd   = "\nend of standoff-passages 3\n"
	rowSize       = 44
	trailerSize   = 16 + len(passagesEnd)
)

// Flags of a row.
const (
	rowDateOwn = 1 << iota // the date is the paragraph's own (corpus.Passage.DateOwn)
	rowSplit               // the paragraph is split: the id ends in ".<part>"
)

// storedDoc is what the passages of a document share, kept in memory: its fields, the
// range of its passages, and the newest date it or its sources carry.
type storedDoc struct {
	ID, Title, Publisher, Published, URL, Kind string
	First, Count                               int    // its passages, by position
	Sorted                                     bool   // its passages come in (paragraph, part) order
	Newest                                     string // see newest
}

// passageTables is what the passages share: their documents and their section headings,
// written to storeFile beside the passages' file.
type passageTables struct {
	Docs     []storedDoc
	Sections []string
}

// row is the part of a passage kept in memory, but for the compareKey of its text, in
// the row's last 8 bytes (passageStore.textKey).
type row struct {
	off                  int64 // of its record in the file
	size                 int   // of its record, checksum included
	doc, paragraph, part int
	section              int
	date                 corpus.Date
	dateOwn, split       bool
}

// passageStore serves the passages of an index by position.
type passageStore struct {
	passageTables
	rows    []byte      // rowSize bytes a passage
	records io.ReaderAt // the file, or its bytes in memory
	closer  io.Closer   // the file; nil in memory
	docByID map[string]int
	logger  *slog.Logger
	damaged atomic.Bool // a record failed its checksum: said once
	buffers sync.Pool   // of *[]byte, what records are read into
	tokens  sync.Pool   // of *passageTokens, what withAnalysed reads into
}

// passageTokens is a passage analysed as the index analyses it (Index.analyze): its
// text, and its section, title and taught questions (metaText), what matchPassage reads;
// and its sentences (Index.sentences), what a result shows.
type passageTokens struct {
	text, meta []token
	sentences  []span
}

// writePassages writes the passages file of ps to w, with the tokens of passage i
// analysed by tokens, and returns what the passages share. A passage's id must be its
// document's and paragraph's ("doc#12", or "doc#12.2" for a part of a split paragraph),
// as the corpus makes them, and a document's passages must come together and agree on
// its fields.
func writePassages(w io.Writer, ps []corpus.Passage, tokens func(i int) passageTokens) (passageTables, error) {
	var t passageTables
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(passagesMagic)
	off := int64(len(passagesMagic))
	rows := make([]byte, 0, len(ps)*rowSize)
	docs, sections := map[string]int{}, map[string]int{}
	var rec []byte
	toks := make([]passageTokens, analysedTogether)
	for i, p := range ps {
		if i%analysedTogether == 0 {
			analyseRun(toks, i, min(i+analysedTogether, len(ps)), tokens)
		}
		d := len(t.Docs) - 1
		if d < 0 || t.Docs[d].ID != p.Doc {
			if _, seen := docs[p.Doc]; seen {
				return t, fmt.Errorf("write %s: the passages of %s do not come together", passagesFile, p.Doc)
			}
			docs[p.Doc] = len(t.Docs)
			t.Docs = append(t.Docs, storedDoc{ID: p.Doc, Title: p.Title, Publisher: p.Publisher, Published: p.Published,
				URL: p.URL, Kind: p.Kind, First: i, Sorted: true})
			d++
		} else if prev := readRow(rows, i-1); p.Paragraph < prev.paragraph || p.Paragraph == prev.paragraph && p.Part <= prev.part {
			t.Docs[d].Sorted = false
		}
		doc := &t.Docs[d]
		if p.Title != doc.Title || p.Publisher != doc.Publisher || p.Published != doc.Published || p.URL != doc.URL || p.Kind != doc.Kind {
			return t, fmt.Errorf("write %s: passage %s disagrees with its document", passagesFile, p.ID)
		}
		doc.Count++
		doc.Newest = newest(doc.Newest, p)
		split := p.ID != passageID(p.Doc, p.Paragraph, p.Part, false)
		if split && p.ID != passageID(p.Doc, p.Paragraph, p.Part, true) || p.Paragraph < 0 || p.Part < 1 {
			return t, fmt.Errorf("write %s: passage %s: the id does not name its paragraph %d, part %d", passagesFile, p.ID, p.Paragraph, p.Part)
		}
		sec, ok := sections[p.Section]
		if !ok {
			sec = len(t.Sections)
			sections[p.Section] = sec
			t.Sections = append(t.Sections, p.Section)
		}
		date, _ := corpus.ParseDate(p.Date) // a date that does not parse is none, as prepareDates reads it
		rec = appendRecord(rec[:0], p, toks[i%analysedTogether])
		if _, err := bw.Write(rec); err != nil {
			return t, fmt.Errorf("write %s: %w", passagesFile, err)
		}
		var flags uint32
		if p.DateOwn {
			flags |= rowDateOwn
		}
		if split {
			flags |= rowSplit
		}
		rows = binary.LittleEndian.AppendUint64(rows, uint64(off))
		for _, v := range []uint32{uint32(len(rec)), uint32(d), uint32(p.Paragraph), uint32(p.Part), uint32(sec),
			uint32(date.Year*10000 + date.Month*100 + date.Day), flags} {
			rows = binary.LittleEndian.AppendUint32(rows, v)
		}
		rows = binary.LittleEndian.AppendUint64(rows, compareKey(p.Text))
		off += int64(len(rec))
	}
	trailer := binary.LittleEndian.AppendUint64(nil, uint64(off))
	trailer = binary.LittleEndian.AppendUint32(trailer, uint32(len(ps)))
	trailer = binary.LittleEndian.AppendUint32(trailer, crc32.Checksum(rows, castagnoli()))
	trailer = append(trailer, passagesEnd...)
	bw.Write(rows)
	bw.Write(trailer)
	if err := bw.Flush(); err != nil {
		return t, fmt.Errorf("write %s: %w", passagesFile, err)
	}
	return t, nil
}

// analysedTogether is how many passages writePassages analyses at a time, on every core.
const analysedTogether = 512

// analyseRun fills toks with the tokens of passages from to to, one goroutine a core.
func analyseRun(toks []passageTokens, from, to int, tokens func(i int) passageTokens) {
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), to-from)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := from + w; i < to; i += workers {
				toks[i-from] = tokens(i)
			}
		}()
	}
	wg.Wait()
}

// writePassagesFile writes the passages file of ps, with their tokens, into the folder dir.
func writePassagesFile(dir string, ps []corpus.Passage, tokens func(i int) passageTokens) (passageTables, error) {
	f, err := atomicfile.Create(filepath.Join(dir, passagesFile), 0o600)
	if err != nil {
		return passageTables{}, fmt.Errorf("write %s: %w", passagesFile, err)
	}
	t, err := writePassages(f, ps, tokens)
	if err == nil {
		err = f.Commit()
	}
	if err != nil {
		f.Abort()
		return passageTables{}, err
	}
	return t, nil
}

// passageID is the id the corpus gives a passage (corpus.Corpus.Passages).
func passageID(doc string, paragraph, part int, split bool) string {
	id := doc + "#" + strconv.Itoa(paragraph)
	if split {
		id += "." + strconv.Itoa(part)
	}
	return id
}

// appendRecord appends the record of p, with its tokens, to b.
func appendRecord(b []byte, p corpus.Passage, toks passageTokens) []byte {
	start := len(b)
	num := func(n int) { b = binary.AppendUvarint(b, uint64(n)) }
	str := func(s string) { b = append(binary.AppendUvarint(b, uint64(len(s))), s...) }
	str(p.Text)
	str(p.Date)
	num(len(p.Sources))
	for _, c := range p.Sources {
		str(c.Title)
		str(c.Publisher)
		str(c.Published)
		str(c.URL)
	}
	num(len(toks.sentences))
	for _, sp := range toks.sentences {
		num(sp.start)
		num(sp.end - sp.start)
	}
	for _, ts := range [][]token{toks.text, toks.meta} {
		num(len(ts))
		for _, t := range ts {
			str(t.term)
			num(t.start)
			num(t.end - t.start)
			num(t.pos)
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[start:], castagnoli()))
}

// errRecord is a record that is cut or fails its checksum.
var errRecord = errors.New("damaged record")

// checksumHolds tells whether a record's last 4 bytes are the CRC-32C of the rest.
func checksumHolds(b []byte) bool {
	return len(b) >= 4 && crc32.Checksum(b[:len(b)-4], castagnoli()) == binary.LittleEndian.Uint32(b[len(b)-4:])
}

// What decodeRecord reads of a record besides the passage's text, date and sources.
type recordPart int

const (
	recordPassage   recordPart = iota // nothing more
	recordSentences                   // its sentences
	recordAll                         // its sentences and its tokens
)

// decodeRecord reads a record into p, and as much more into toks as part says.
func decodeRecord(b []byte, p *corpus.Passage, toks *passageTokens, part recordPart) error {
	if !checksumHolds(b) {
		return errRecord
	}
	b = b[:len(b)-4]
	// The strings are cut from one copy of the record: one allocation, not one a token.
	whole, at := string(b), 0
	bad := false
	num := func() int {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b))<<20 { // no count or offset is a million times the record
			bad = true
			return 0
		}
		b, at = b[k:], at+k
		return int(n)
	}
	str := func() string {
		n := num()
		if bad || n > len(b) {
			bad = true
			return ""
		}
		s := whole[at : at+n]
		b, at = b[n:], at+n
		return s
	}
	p.Text = str()
	p.Date = str()
	if n := num(); n > 0 && n <= len(b) {
		p.Sources = make([]corpus.Citation, n)
		for i := range p.Sources {
			p.Sources[i] = corpus.Citation{Title: str(), Publisher: str(), Published: str(), URL: str()}
		}
	} else if n > len(b) {
		bad = true
	}
	if part == recordPassage || bad {
		if bad {
			return errRecord
		}
		return nil
	}
	n := num()
	if bad || n > len(b) {
		return errRecord
	}
	toks.sentences = slices.Grow(toks.sentences[:0], n)[:n] // every field of each is set
	for i := range toks.sentences {
		sp := &toks.sentences[i]
		sp.start = num()
		sp.end = sp.start + num()
		if sp.end > len(p.Text) {
			bad = true
		}
	}
	if part == recordSentences || bad {
		if bad {
			return errRecord
		}
		return nil
	}
	for _, ts := range []*[]token{&toks.text, &toks.meta} {
		n := num()
		if bad || n > len(b) {
			return errRecord
		}
		*ts = slices.Grow((*ts)[:0], n)[:n] // every field of each is set
		for i := range *ts {
			t := &(*ts)[i]
			t.term = str()
			t.start = num()
			t.end = t.start + num()
			t.pos = num()
		}
	}
	if bad || len(b) != 0 {
		return errRecord
	}
	return nil
}

// readRow reads row i of rows.
func readRow(rows []byte, i int) row {
	b := rows[i*rowSize : (i+1)*rowSize]
	u := func(at int) int { return int(binary.LittleEndian.Uint32(b[at:])) }
	date, flags := u(28), u(32)
	return row{off: int64(binary.LittleEndian.Uint64(b)), size: u(8), doc: u(12), paragraph: u(16), part: u(20), section: u(24),
		date:    corpus.Date{Year: date / 10000, Month: date / 100 % 100, Day: date % 100},
		dateOwn: flags&rowDateOwn != 0, split: flags&rowSplit != 0}
}

// openPassages serves the passages of the passages file r, of size bytes, whose tables
// are t and which holds want passages. It reads the rows, checks them against their
// checksum and against t, and reads no record.
func openPassages(r io.ReaderAt, size int64, t passageTables, want int, logger *slog.Logger) (*passageStore, error) {
	if size < int64(len(passagesMagic)+trailerSize) {
		return nil, fmt.Errorf("read %s: too short", passagesFile)
	}
	magic := make([]byte, len(passagesMagic))
	trailer := make([]byte, trailerSize)
	if _, err := r.ReadAt(magic, 0); err != nil {
		return nil, fmt.Errorf("read %s: %w", passagesFile, err)
	}
	if _, err := r.ReadAt(trailer, size-int64(trailerSize)); err != nil {
		return nil, fmt.Errorf("read %s: %w", passagesFile, err)
	}
	if string(magic) != passagesMagic || string(trailer[16:]) != passagesEnd {
		return nil, fmt.Errorf("read %s: not written by this version, or cut", passagesFile)
	}
	at, n := int64(binary.LittleEndian.Uint64(trailer)), int(binary.LittleEndian.Uint32(trailer[8:]))
	if n != want || at < int64(len(passagesMagic)) || at+int64(n)*rowSize != size-int64(trailerSize) {
		return nil, fmt.Errorf("read %s: holds %d passages at %d, want %d", passagesFile, n, at, want)
	}
	rows := make([]byte, n*rowSize)
	if _, err := r.ReadAt(rows, at); err != nil {
		return nil, fmt.Errorf("read %s: %w", passagesFile, err)
	}
	if crc32.Checksum(rows, castagnoli()) != binary.LittleEndian.Uint32(trailer[12:]) {
		return nil, fmt.Errorf("read %s: checksum mismatch", passagesFile)
	}
	if logger == nil {
		logger = Config{}.logger()
	}
	s := &passageStore{passageTables: t, rows: rows, records: r, docByID: make(map[string]int, len(t.Docs)), logger: logger}
	next := 0
	for d, doc := range t.Docs {
		if doc.First != next || doc.Count < 1 {
			return nil, fmt.Errorf("read %s: document %s out of place", passagesFile, doc.ID)
		}
		next += doc.Count
		s.docByID[doc.ID] = d
	}
	if next != n || len(s.docByID) != len(t.Docs) {
		return nil, fmt.Errorf("read %s: the documents do not cover the passages", passagesFile)
	}
	for i, d := 0, 0; i < n; i++ {
		for i >= t.Docs[d].First+t.Docs[d].Count {
			d++
		}
		w := readRow(rows, i)
		if w.doc != d || w.section >= len(t.Sections) || w.off < int64(len(passagesMagic)) || w.off+int64(w.size) > at {
			return nil, fmt.Errorf("read %s: passage %d out of place", passagesFile, i)
		}
	}
	return s, nil
}

// openPassagesFile serves the passages file of the generation folder dir.
func openPassagesFile(dir string, t passageTables, want int, logger *slog.Logger) (*passageStore, error) {
	f, err := os.Open(filepath.Join(dir, passagesFile))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", passagesFile, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", passagesFile, err)
	}
	s, err := openPassages(f, fi.Size(), t, want, logger)
	if err != nil {
		f.Close()
		return nil, err
	}
	s.closer = f
	return s, nil
}

// memoryPassages serves ps, with their tokens, from a passages file kept in memory.
func memoryPassages(ps []corpus.Passage, tokens func(i int) passageTokens, logger *slog.Logger) (*passageStore, error) {
	var b bytes.Buffer
	t, err := writePassages(&b, ps, tokens)
	if err != nil {
		return nil, err
	}
	return openPassages(bytes.NewReader(b.Bytes()), int64(b.Len()), t, len(ps), logger)
}

// verifyRecords reads every record of s against its checksum, in one pass over the
// file: the records lie one after the other, in the order of their rows.
func (s *passageStore) verifyRecords() error {
	at := int64(len(passagesMagic))
	r := bufio.NewReaderSize(io.NewSectionReader(s.records, at, 1<<62), 1<<20)
	var buf []byte
	for i := range s.len() {
		w := readRow(s.rows, i)
		if w.off != at {
			return fmt.Errorf("read %s: passage %d out of place", passagesFile, i)
		}
		if cap(buf) < w.size {
			buf = make([]byte, w.size)
		}
		buf = buf[:w.size]
		if _, err := io.ReadFull(r, buf); err != nil {
			return fmt.Errorf("read %s: passage %d: %w", passagesFile, i, err)
		}
		if !checksumHolds(buf) {
			return fmt.Errorf("read %s: passage %d: %w", passagesFile, i, errRecord)
		}
		at += int64(w.size)
	}
	return nil
}

// close closes the file the records are read from.
func (s *passageStore) close() error {
	if s == nil || s.closer == nil {
		return nil
	}
	return s.closer.Close()
}

// len is the number of passages.
func (s *passageStore) len() int { return len(s.rows) / rowSize }

// doc is the document of passage i.
func (s *passageStore) doc(i int) *storedDoc { return &s.Docs[readRow(s.rows, i).doc] }

// date is the date of passage i (zero when it has none, or one that does not parse).
func (s *passageStore) date(i int) corpus.Date { return readRow(s.rows, i).date }

// dateOwn tells whether the date of passage i is its paragraph's own.
func (s *passageStore) dateOwn(i int) bool { return readRow(s.rows, i).dateOwn }

// textKey is the compareKey of passage i's text, read from its row.
func (s *passageStore) textKey(i int) uint64 {
	return binary.LittleEndian.Uint64(s.rows[i*rowSize+36:])
}

// section is the section heading of passage i.
func (s *passageStore) section(i int) string { return s.Sections[readRow(s.rows, i).section] }

// id is the id of passage i.
func (s *passageStore) id(i int) string {
	w := readRow(s.rows, i)
	return passageID(s.Docs[w.doc].ID, w.paragraph, w.part, w.split)
}

// at returns passage i. A record that cannot be read (the file damaged since the index
// opened) gives the passage without its text, date or sources, and is logged once.
func (s *passageStore) at(i int) corpus.Passage {
	p, _ := s.read(i, recordPassage)
	return p
}

// withSentences returns passage i with where its sentences stand in its text.
func (s *passageStore) withSentences(i int) (corpus.Passage, []span) {
	p, toks := s.read(i, recordSentences)
	return p, toks.sentences
}

// analysed returns passage i with its sentences and its tokens.
func (s *passageStore) analysed(i int) (corpus.Passage, passageTokens) {
	var toks passageTokens
	p := s.readInto(i, recordAll, &toks) // first: Go leaves unsaid whether toks or a call among operands is read first
	return p, toks
}

// withAnalysed calls f with passage i and its tokens, as analysed gives them, read into
// slices that later calls reuse: f keeps none of the slices past its return (the strings
// in them are its own).
func (s *passageStore) withAnalysed(i int, f func(corpus.Passage, passageTokens)) {
	tp, _ := s.tokens.Get().(*passageTokens)
	if tp == nil {
		tp = new(passageTokens)
	}
	p := s.readInto(i, recordAll, tp)
	f(p, *tp)
	s.tokens.Put(tp)
}

// read reads passage i, and as much more of its record as part says.
func (s *passageStore) read(i int, part recordPart) (corpus.Passage, passageTokens) {
	var toks passageTokens
	p := s.readInto(i, part, &toks)
	return p, toks
}

// readInto reads passage i, and as much more of its record as part says into toks,
// reusing its slices.
func (s *passageStore) readInto(i int, part recordPart, toks *passageTokens) corpus.Passage {
	w := readRow(s.rows, i)
	d := &s.Docs[w.doc]
	p := corpus.Passage{ID: passageID(d.ID, w.paragraph, w.part, w.split), Doc: d.ID, Title: d.Title, Section: s.Sections[w.section],
		Paragraph: w.paragraph, Part: w.part, Publisher: d.Publisher, Published: d.Published, URL: d.URL, Kind: d.Kind, DateOwn: w.dateOwn}
	bp, _ := s.buffers.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	if cap(*bp) < w.size {
		*bp = make([]byte, w.size)
	}
	buf := (*bp)[:w.size]
	_, err := s.records.ReadAt(buf, w.off)
	if err == nil {
		err = decodeRecord(buf, &p, toks, part) // copies what it keeps out of buf
	}
	s.buffers.Put(bp)
	if err != nil {
		p.Text, p.Date, p.Sources = "", "", nil
		toks.text, toks.meta, toks.sentences = toks.text[:0], toks.meta[:0], toks.sentences[:0]
		if !s.damaged.Swap(true) {
			s.logger.Error("index damaged: a passage cannot be read; rebuild the index (standoff index)", "passage", p.ID, "err", err)
		}
	}
	return p
}

// lookup returns the position of the passage with the given id.
func (s *passageStore) lookup(id string) (int, bool) {
	h := strings.LastIndexByte(id, '#')
	if h < 0 {
		return 0, false
	}
	d, ok := s.docByID[id[:h]]
	if !ok {
		return 0, false
	}
	num, part, split := id[h+1:], "1", false
	if dot := strings.IndexByte(num, '.'); dot >= 0 {
		num, part, split = num[:dot], num[dot+1:], true
	}
	paragraph, err1 := strconv.Atoi(num)
	pt, err2 := strconv.Atoi(part)
	if err1 != nil || err2 != nil || strconv.Itoa(paragraph) != num || strconv.Itoa(pt) != part {
		return 0, false // not as the corpus writes ids: "+3", "03"
	}
	doc := s.Docs[d]
	match := func(i int) bool {
		w := readRow(s.rows, i)
		return w.paragraph == paragraph && w.part == pt && w.split == split
	}
	if doc.Sorted {
		i := doc.First + sort.Search(doc.Count, func(k int) bool {
			w := readRow(s.rows, doc.First+k)
			return w.paragraph > paragraph || w.paragraph == paragraph && w.part >= pt
		})
		return i, i < doc.First+doc.Count && match(i)
	}
	for i := doc.First; i < doc.First+doc.Count; i++ {
		if match(i) {
			return i, true
		}
	}
	return 0, false
}
