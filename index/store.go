package index

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/standoff-bot/standoff/corpus"
)

// ErrNotStored is returned by OpenStored when no index in the folder was built for a
// corpus with the given stamp, or when what was stored cannot be used: the caller then
// loads the corpus and calls Open, which rebuilds whatever is broken.
var ErrNotStored = errors.New("no stored index for this corpus")

const (
	// storeFile holds, in a generation folder, what an answer needs of the corpus the
	// generation was built from (storedCorpus) besides its passages (passagesFile), so
	// that it reopens without the corpus.
	storeFile = "standoff-corpus.gob"
	// stampFile holds the stamp (corpus.Stamp) of the corpus folder last seen to hold
	// the corpus of the generation.
	stampFile = "standoff-stamp"
	// storeMagic opens storeFile, with its format version; a checksum of the rest follows
	// (newStoreHash), then the storedCorpus as gob.
	storeMagic = "standoff-corpus-store 5\n"
)

// storedCorpus is what an index needs of its corpus once the bleve index and the
// passages' file are written: what its passages share (their documents and sections),
// the synonym rules, the taught questions, the acronyms the passages define
// (learnAcronyms, which reads every passage: a quarter of a second at 200,000 passages,
// so learned once, at build) and the vocabulary (the document frequency of every term,
// which bleve's dictionaries give in a sixth of a second at 200,000 passages). Everything
// else (glossary, phrases, completions) is derived from them on open.
type storedCorpus struct {
	Fingerprint string
	Passages    int
	Tables      passageTables
	Synonyms    []corpus.SynonymRule
	Taught      []corpus.Taught
	Acronyms    []corpus.SynonymRule
	Vocabulary  map[string]int
}

// writeStore writes s into the generation folder dir.
func writeStore(dir string, s storedCorpus) error {
	var body bytes.Buffer
	if err := gob.NewEncoder(&body).Encode(s); err != nil {
		return fmt.Errorf("write %s: %w", storeFile, err)
	}
	h := newStoreHash()
	h.Write(body.Bytes())
	sum := h.Sum(nil)
	data := make([]byte, 0, len(storeMagic)+len(sum)+body.Len())
	data = append(append(append(data, storeMagic...), sum[:]...), body.Bytes()...)
	return corpus.WriteFileAtomic(filepath.Join(dir, storeFile), data, 0o600)
}

// readStore reads storeFile of the generation folder dir, built for the index described
// by m, and checks its version and its checksum; nothing is returned unless both hold.
func readStore(dir string, m meta) (storedCorpus, error) {
	data, err := os.ReadFile(filepath.Join(dir, storeFile))
	if err != nil {
		return storedCorpus{}, fmt.Errorf("read %s: %w", storeFile, err)
	}
	s, err := decodeStore(data, m)
	if err != nil {
		return storedCorpus{}, fmt.Errorf("read %s: %w", storeFile, err)
	}
	return s, nil
}

// newStoreHash is the checksum of storeFile: CRC-32C, which finds a damaged or cut file
// (what it is there for: nobody else writes the index's folder) ten times faster than a
// SHA-256.
func newStoreHash() hash.Hash {
	return crc32.New(castagnoli())
}

// castagnoli is CRC-32C's table (crc32 makes it once), the checksum of what an index
// stores.
func castagnoli() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) }

// decodeStore reads what writeStore wrote, data.
func decodeStore(data []byte, m meta) (storedCorpus, error) {
	head := len(storeMagic) + crc32.Size
	if len(data) < head || string(data[:len(storeMagic)]) != storeMagic {
		return storedCorpus{}, errors.New("not written by this version")
	}
	magic, body := data[:head], data[head:]
	h := newStoreHash()
	h.Write(body)
	if !bytes.Equal(h.Sum(nil), magic[len(storeMagic):]) {
		return storedCorpus{}, errors.New("checksum mismatch")
	}
	var s storedCorpus
	if err := gob.NewDecoder(bytes.NewReader(body)).Decode(&s); err != nil {
		return storedCorpus{}, err
	}
	if s.Fingerprint != m.Fingerprint || s.Passages != m.Passages {
		return storedCorpus{}, errors.New("built for another corpus")
	}
	if s.Acronyms == nil {
		s.Acronyms = []corpus.SynonymRule{} // learned, and none: not to be learned again
	}
	if s.Vocabulary == nil {
		s.Vocabulary = map[string]int{}
	}
	return s, nil
}

// readGeneration reads what the generation folder dir, built for the index described by
// m, stored of its corpus, and opens its passages.
func readGeneration(dir string, m meta, cfg Config) (storedCorpus, *passageStore, error) {
	s, err := readStore(dir, m)
	if err != nil {
		return storedCorpus{}, nil, err
	}
	ps, err := openPassagesFile(dir, s.Tables, s.Passages, cfg.logger())
	if err != nil {
		return storedCorpus{}, nil, err
	}
	return s, ps, nil
}

// checkStore checks what the generation folder dir, built for the index described by m,
// stored of its corpus: both files whole, every passage's record included.
func checkStore(dir string, m meta) error {
	_, ps, err := readGeneration(dir, m, Config{})
	if err != nil {
		return err
	}
	defer ps.close()
	return ps.verifyRecords()
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
	current := currentGeneration(cfg.Dir)
	candidates := []string{current} // the current generation first, then the one kept beside it
	entries, _ := os.ReadDir(cfg.Dir)
	for _, e := range entries {
		if n := e.Name(); e.IsDir() && isGeneration(n) && n != current {
			candidates = append(candidates, n)
		}
	}
	for _, name := range candidates {
		if !isGeneration(name) || recordedStamp(cfg.Dir, name) != cfg.Stamp {
			continue
		}
		ix, err := openStoredGeneration(cfg, filepath.Join(cfg.Dir, name))
		return useStored(cfg, name, current, ix, err)
	}
	return nil, ErrNotStored
}

// OpenStoredStamped is OpenStored for the corpus folder whose stamp stamp computes
// (corpus.Stamp), computed while the current generation opens: a folder of 10,000
// documents takes 20–35 ms to stamp. The generation opened is kept only if it was built
// for that stamp; otherwise it is closed, and OpenStored looks for one that was. stamp
// has returned when OpenStoredStamped returns.
func OpenStoredStamped(ctx context.Context, cfg Config, stamp func() (string, error)) (*Index, error) {
	type stamped struct {
		stamp string
		err   error
	}
	got := make(chan stamped, 1)
	go func() {
		s, err := stamp()
		got <- stamped{s, err}
	}()
	var (
		early    *Index
		earlyErr error
		name     = currentGeneration(cfg.Dir)
		recorded string
	)
	if cfg.Dir != "" && ctx.Err() == nil && isGeneration(name) {
		if recorded = recordedStamp(cfg.Dir, name); recorded != "" {
			early, earlyErr = openStoredGeneration(cfg, filepath.Join(cfg.Dir, name))
		}
	}
	st := <-got
	if st.err != nil || st.stamp == "" {
		if early != nil {
			early.Close()
		}
		if st.err != nil {
			return nil, fmt.Errorf("open index: %w: %w", ErrNotStored, st.err)
		}
		return nil, ErrNotStored
	}
	if recorded != "" && recorded == st.stamp {
		cfg.Stamp = st.stamp
		return useStored(cfg, name, name, early, earlyErr)
	}
	if early != nil {
		early.Close()
	}
	cfg.Stamp = st.stamp
	return OpenStored(ctx, cfg)
}

// currentGeneration is the name of the generation the folder dir names as current, if
// any.
func currentGeneration(dir string) string {
	cur, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(cur))
}

// isGeneration tells whether name is that of a generation folder of this mapping
// version.
func isGeneration(name string) bool {
	return strings.HasPrefix(name, fmt.Sprintf("%sv%d-", genPrefix, MappingVersion)) && !strings.ContainsAny(name, `/\`)
}

// recordedStamp is the stamp recorded in the generation name of the folder dir, or "".
func recordedStamp(dir, name string) string {
	stamp, err := os.ReadFile(filepath.Join(dir, name, stampFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(stamp))
}

// useStored returns ix, the generation name opened from its store (with err), making it
// the current one in place of current.
func useStored(cfg Config, name, current string, ix *Index, err error) (*Index, error) {
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

// openStoredGeneration opens the generation folder dir with its stored corpus: bleve's
// index beside the stored corpus (the one mostly waits on reads, the other decodes), the
// generation's files read ahead meanwhile and once it has answered (prefetch.go).
func openStoredGeneration(cfg Config, dir string) (*Index, error) {
	// Only a build splits passages into sentences (an index opened from its store has
	// them stored): its model, 16 ms to read, is read if ever needed.
	ix, _, err := newIndex(cfg, sync.OnceValue(corpus.NewSplitter))
	if err != nil {
		return nil, err
	}
	got, err := readMeta(dir)
	if err != nil {
		return nil, err
	}
	if got.MappingVersion != MappingVersion {
		return nil, fmt.Errorf("open index: built under mapping version %d", got.MappingVersion)
	}
	ix.background.Add(1)
	go func() {
		defer ix.background.Done()
		opening, answering := prefetchOrder(dir, got.Passages)
		prefetch(opening, cfg.readAhead)
		select {
		case <-ix.firstAnswer:
			prefetch(answering, cfg.readAhead)
		case <-ix.closing:
		}
	}()
	type opened struct {
		bi  bleve.Index
		err error
	}
	bleveOpened := make(chan opened, 1)
	go func() {
		store := filepath.Join(dir, "store")
		warmSegments(store)
		bi, err := openBleve(dir, got)
		if err == nil {
			readAtRandom(store)
		}
		bleveOpened <- opened{bi, err}
	}()
	// The stored corpus decoded, its synonym table and vocabulary are built beside the
	// passages' rows.
	var (
		ps    *passageStore
		syn   *synonymTable
		vocab *vocabulary
	)
	s, err := readStore(dir, got)
	if err == nil {
		var wg sync.WaitGroup
		wg.Go(func() { syn = ix.synonymsOf(s.Synonyms, s.Acronyms) })
		wg.Go(func() { vocab = newVocabulary(s.Vocabulary, got.Passages) })
		ps, err = openPassagesFile(dir, s.Tables, s.Passages, cfg.logger())
		wg.Wait()
	}
	o := <-bleveOpened
	if err != nil || o.err != nil {
		if o.bi != nil {
			o.bi.Close()
		}
		if ps != nil {
			ps.close()
		}
		close(ix.closing)
		ix.background.Wait()
		return nil, errors.Join(err, o.err)
	}
	ix.finish(o.bi, got, ps, syn, s.Taught, vocab)
	return ix, nil
}
