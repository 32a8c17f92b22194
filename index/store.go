package index

import (
	"bufio"
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/standoff-bot/standoff/corpus"
)

// ErrNotStored is returned by OpenStored when no index in the folder was built for a
// corpus with the given stamp, or when what was stored cannot be used: the caller then
// loads the corpus and calls Open, which rebuilds whatever is broken.
var ErrNotStored = errors.New("no stored index for this corpus")

const (
	// storeFile holds, in a generation folder, what an answer needs of the corpus the
	// generation was built from (storedCorpus), so that it reopens without the corpus.
	storeFile = "standoff-corpus.gob"
	// stampFile holds the stamp (corpus.Stamp) of the corpus folder last seen to hold
	// the corpus of the generation.
	stampFile = "standoff-stamp"
	// storeMagic opens storeFile, with its format version; a checksum of the rest follows
	// (newStoreHash).
	// The rest is a gob stream: a storeHead, then the passages in runs of storeChunk, a
	// value each, so that reading it never holds the file, a decoding buffer of its size
	// and the passages at once.
	storeMagic = "standoff-corpus-store 4\n"
	// storeChunk is how many passages one gob value of storeFile holds: few enough that
	// a value's decoding buffer stays small, enough that gob's cost per value does not
	// count.
	storeChunk = 256
)

// storedCorpus is what an index needs of its corpus once the bleve index is built: the
// searchable passages, the synonym rules, the taught questions and the acronyms the
// passages define (learnAcronyms, which reads every passage: a quarter of a second at
// 200,000 passages, so learned once, at build). Everything else (glossary, phrases,
// completions, dates) is derived from them on open.
type storedCorpus struct {
	Fingerprint string
	Passages    []corpus.Passage
	Synonyms    []corpus.SynonymRule
	Taught      []corpus.Taught
	Acronyms    []corpus.SynonymRule
}

// storeHead is what storeFile holds before its passages.
type storeHead struct {
	Fingerprint string
	Passages    int
	Synonyms    []corpus.SynonymRule
	Taught      []corpus.Taught
	Acronyms    []corpus.SynonymRule
}

// writeStore writes s into the generation folder dir.
func writeStore(dir string, s storedCorpus) error {
	var body bytes.Buffer
	enc := gob.NewEncoder(&body)
	head := storeHead{Fingerprint: s.Fingerprint, Passages: len(s.Passages), Synonyms: s.Synonyms, Taught: s.Taught, Acronyms: s.Acronyms}
	if err := enc.Encode(head); err != nil {
		return fmt.Errorf("write %s: %w", storeFile, err)
	}
	for i := 0; i < len(s.Passages); i += storeChunk {
		if err := enc.Encode(s.Passages[i:min(i+storeChunk, len(s.Passages))]); err != nil {
			return fmt.Errorf("write %s: %w", storeFile, err)
		}
	}
	h := newStoreHash()
	h.Write(body.Bytes())
	sum := h.Sum(nil)
	data := make([]byte, 0, len(storeMagic)+len(sum)+body.Len())
	data = append(append(append(data, storeMagic...), sum[:]...), body.Bytes()...)
	return corpus.WriteFileAtomic(filepath.Join(dir, storeFile), data, 0o600)
}

// readStore reads storeFile of the generation folder dir, built for the index described
// by m. It decodes the passages one at a time and shares the strings they repeat (a
// document's title, publisher, address; its sources), and checks the version and the
// checksum; nothing is returned unless both hold.
func readStore(dir string, m meta) (storedCorpus, error) {
	f, err := os.Open(filepath.Join(dir, storeFile))
	if err != nil {
		return storedCorpus{}, fmt.Errorf("read %s: %w", storeFile, err)
	}
	defer f.Close()
	s, err := decodeStore(bufio.NewReaderSize(f, 1<<16), m)
	if err != nil {
		return storedCorpus{}, fmt.Errorf("read %s: %w", storeFile, err)
	}
	return s, nil
}

// checkStore checks storeFile of the generation folder dir for its version and its
// checksum, without decoding it.
func checkStore(dir string) error {
	f, err := os.Open(filepath.Join(dir, storeFile))
	if err != nil {
		return fmt.Errorf("read %s: %w", storeFile, err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	want, err := storePrefix(r)
	if err != nil {
		return fmt.Errorf("read %s: %w", storeFile, err)
	}
	h := newStoreHash()
	if _, err := io.Copy(h, r); err != nil {
		return fmt.Errorf("read %s: %w", storeFile, err)
	}
	if !bytes.Equal(h.Sum(nil), want) {
		return fmt.Errorf("read %s: checksum mismatch", storeFile)
	}
	return nil
}

// newStoreHash is the checksum of storeFile: CRC-32C, which finds a damaged or cut file
// (what it is there for: nobody else writes the index's folder) ten times faster than a
// SHA-256, a tenth of a second at 200,000 passages.
func newStoreHash() hash.Hash {
	return crc32.New(crc32.MakeTable(crc32.Castagnoli))
}

// storePrefix reads the version line and the checksum that open storeFile, returning
// the checksum.
func storePrefix(r io.Reader) ([]byte, error) {
	magic := make([]byte, len(storeMagic)+crc32.Size)
	if _, err := io.ReadFull(r, magic); err != nil || string(magic[:len(storeMagic)]) != storeMagic {
		return nil, errors.New("not written by this version")
	}
	return magic[len(storeMagic):], nil
}

// decodeStore reads what writeStore wrote from r.
func decodeStore(r io.Reader, m meta) (storedCorpus, error) {
	want, err := storePrefix(r)
	if err != nil {
		return storedCorpus{}, err
	}
	h := newStoreHash()
	body := io.TeeReader(r, h)
	dec := gob.NewDecoder(body)
	var head storeHead
	if err := dec.Decode(&head); err != nil {
		return storedCorpus{}, err
	}
	if head.Fingerprint != m.Fingerprint || head.Passages != m.Passages {
		return storedCorpus{}, errors.New("built for another corpus")
	}
	s := storedCorpus{Fingerprint: head.Fingerprint, Synonyms: head.Synonyms, Taught: head.Taught,
		Acronyms: head.Acronyms, Passages: make([]corpus.Passage, head.Passages)}
	if s.Acronyms == nil {
		s.Acronyms = []corpus.SynonymRule{} // learned, and none: not to be learned again
	}
	share := make(map[string]string)
	var chunk []corpus.Passage
	for i := 0; i < len(s.Passages); i += len(chunk) {
		// gob leaves out a value's zero fields and decodes into what the slice holds:
		// a run decoded over the last would keep its passages' fields.
		clear(chunk[:cap(chunk)])
		chunk = chunk[:0]
		if err := dec.Decode(&chunk); err != nil {
			return storedCorpus{}, err
		}
		if len(chunk) == 0 || len(chunk) > len(s.Passages)-i {
			return storedCorpus{}, errors.New("a run of passages of the wrong length")
		}
		for j := range chunk {
			sharePassage(&chunk[j], share)
		}
		copy(s.Passages[i:], chunk)
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		return storedCorpus{}, err
	}
	if !bytes.Equal(h.Sum(nil), want) {
		return storedCorpus{}, errors.New("checksum mismatch")
	}
	return s, nil
}

// sharePassage makes the strings that p repeats from its document point at one copy,
// kept in seen.
func sharePassage(p *corpus.Passage, seen map[string]string) {
	one := func(s *string) {
		if v, ok := seen[*s]; ok {
			*s = v
			return
		}
		seen[*s] = *s
	}
	for _, s := range []*string{&p.Doc, &p.Title, &p.Section, &p.Publisher, &p.Published, &p.URL, &p.Kind, &p.Date} {
		one(s)
	}
	for i := range p.Sources {
		c := &p.Sources[i]
		for _, s := range []*string{&c.Title, &c.Publisher, &c.Published, &c.URL} {
			one(s)
		}
	}
}

// recordStamp writes stamp into the generation folder dir, unless it is there already.
func recordStamp(dir, stamp string) error {
	if old, err := os.ReadFile(filepath.Join(dir, stampFile)); err == nil && strings.TrimSpace(string(old)) == stamp {
		return nil
	}
	return corpus.WriteFileAtomic(filepath.Join(dir, stampFile), []byte(stamp+"\n"), 0o600)
}

// OpenStored opens the index in cfg.Dir that was built for the corpus folder whose
// stamp (corpus.Stamp) is cfg.Stamp, from what the index stored of its corpus, without
// reading the corpus. It returns an error wrapping ErrNotStored when there is none, or
// when anything stored is missing, damaged or from another version; never a partial
// index.
func OpenStored(ctx context.Context, cfg Config) (*Index, error) {
	if cfg.Dir == "" || cfg.Stamp == "" {
		return nil, ErrNotStored
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	var current string
	if cur, err := os.ReadFile(filepath.Join(cfg.Dir, currentFile)); err == nil {
		current = strings.TrimSpace(string(cur))
	}
	candidates := []string{current} // the current generation first, then the one kept beside it
	entries, _ := os.ReadDir(cfg.Dir)
	prefix := fmt.Sprintf("%sv%d-", genPrefix, MappingVersion)
	for _, e := range entries {
		if n := e.Name(); e.IsDir() && strings.HasPrefix(n, prefix) && n != current {
			candidates = append(candidates, n)
		}
	}
	for _, name := range candidates {
		if !strings.HasPrefix(name, prefix) || strings.ContainsAny(name, `/\`) {
			continue
		}
		dir := filepath.Join(cfg.Dir, name)
		stamp, err := os.ReadFile(filepath.Join(dir, stampFile))
		if err != nil || strings.TrimSpace(string(stamp)) != cfg.Stamp {
			continue
		}
		ix, err := openStoredGeneration(cfg, dir)
		if err != nil {
			cfg.logger().Warn("stored index unusable, the corpus is read instead", "dir", cfg.Dir, "generation", name, "err", err)
			return nil, fmt.Errorf("open index: %w: %w", ErrNotStored, err)
		}
		if name != current {
			if err := corpus.WriteFileAtomic(filepath.Join(cfg.Dir, currentFile), []byte(name+"\n"), 0o600); err != nil {
				ix.Close()
				return nil, err
			}
		}
		ix.logger.Debug("index opened from its stored corpus", "dir", cfg.Dir, "generation", name)
		return ix, nil
	}
	return nil, ErrNotStored
}

// openStoredGeneration opens the generation folder dir with its stored corpus.
func openStoredGeneration(cfg Config, dir string) (*Index, error) {
	ix, _, err := newIndex(cfg, corpus.NewSplitter())
	if err != nil {
		return nil, err
	}
	bi, got, err := openGeneration(dir)
	if err != nil {
		return nil, err
	}
	if got.MappingVersion != MappingVersion {
		bi.Close()
		return nil, fmt.Errorf("open index: built under mapping version %d", got.MappingVersion)
	}
	// The vocabulary is read from bleve while the stored corpus is decoded.
	vocab := ix.readVocabulary(bi, got.Passages)
	s, err := readStore(dir, got)
	if err != nil {
		<-vocab
		bi.Close()
		return nil, err
	}
	ix.finish(bi, got, s.Passages, s.Synonyms, s.Taught, s.Acronyms, vocab)
	return ix, nil
}
