package index

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"fmt"
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
	// storeMagic opens storeFile, with its format version; a SHA-256 of the rest follows.
	storeMagic = "standoff-corpus-store 1\n"
)

// storedCorpus is what an index needs of its corpus once the bleve index is built: the
// searchable passages, the synonym rules and the taught questions. Everything else
// (glossary, phrases, acronyms, completions, dates) is derived from them on open.
type storedCorpus struct {
	Fingerprint string
	Passages    []corpus.Passage
	Synonyms    []corpus.SynonymRule
	Taught      []corpus.Taught
}

// writeStore writes s into the generation folder dir.
func writeStore(dir string, s storedCorpus) error {
	var body bytes.Buffer
	if err := gob.NewEncoder(&body).Encode(s); err != nil {
		return fmt.Errorf("write %s: %w", storeFile, err)
	}
	sum := sha256.Sum256(body.Bytes())
	data := make([]byte, 0, len(storeMagic)+len(sum)+body.Len())
	data = append(append(append(data, storeMagic...), sum[:]...), body.Bytes()...)
	return corpus.WriteFileAtomic(filepath.Join(dir, storeFile), data, 0o600)
}

// storeBody reads storeFile of the generation folder dir and checks its version and
// checksum, returning what follows them.
func storeBody(dir string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(dir, storeFile))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", storeFile, err)
	}
	rest, ok := bytes.CutPrefix(data, []byte(storeMagic))
	if !ok || len(rest) < sha256.Size {
		return nil, fmt.Errorf("read %s: not written by this version", storeFile)
	}
	sum, body := rest[:sha256.Size], rest[sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, fmt.Errorf("read %s: checksum mismatch", storeFile)
	}
	return body, nil
}

// readStore reads storeFile of the generation folder dir, built for the index described
// by m.
func readStore(dir string, m meta) (storedCorpus, error) {
	var s storedCorpus
	body, err := storeBody(dir)
	if err != nil {
		return s, err
	}
	if err := gob.NewDecoder(bytes.NewReader(body)).Decode(&s); err != nil {
		return storedCorpus{}, fmt.Errorf("read %s: %w", storeFile, err)
	}
	if s.Fingerprint != m.Fingerprint || len(s.Passages) != m.Passages {
		return storedCorpus{}, fmt.Errorf("read %s: built for another corpus", storeFile)
	}
	return s, nil
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
	s, err := readStore(dir, got)
	if err != nil {
		bi.Close()
		return nil, err
	}
	ix.finish(bi, got, s.Passages, s.Synonyms, s.Taught)
	return ix, nil
}
