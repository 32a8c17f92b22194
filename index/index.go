// Package index searches the passages of a corpus with bleve: it builds the mapping and the
// analysis, keeps a built index on disk and reopens it while the corpus is unchanged,
// turns a question typed by a person into a query, and returns cited, highlighted
// passages.
//
// The package knows nothing of Discord.
package index

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/atomicfile"
)

// Config configures Open.
type Config struct {
	// Dir is the folder that holds the index on disk. Empty keeps the index in memory.
	Dir string
	// Logger receives what the index does; nil discards it.
	Logger *slog.Logger
	// Progress, when set, is called while passages are indexed with how many are done.
	Progress func(done, total int)
	// Now is the clock that questions about time ("now", "this year") are read against
	// when a Request gives no Today; nil means the real time.
	Now func() time.Time
	// BatchSize is the number of passages indexed per batch; 0 means 1,000.
	BatchSize int
	// Stamp, when set, is the stamp (corpus.Stamp) of the corpus folder the corpus was
	// read from: Open records it with the generation it opens, and OpenStored later
	// opens that generation from the same stamp without reading the corpus. Leave it
	// empty when the stamp is not settled or the corpus had problems to report.
	Stamp string

	// readAhead asks for n bytes of f from off to be read ahead (prefetch.go); nil asks
	// the kernel, where it can be asked. Tests record what is asked.
	readAhead func(f *os.File, off, n int64)
}

// Index answers questions from one built, read-only bleve index of a corpus.
// It is safe for concurrent use.
type Index struct {
	bleve    bleve.Index
	analyzer analysis.Analyzer
	plain    analysis.Analyzer // analyzer without the "U.S." char filters
	logger   *slog.Logger
	splitter func() *corpus.Splitter // the sentence splitter, made on first use

	passages *passageStore

	taught    map[int]string // position in passages → the questions taught to it, one a line
	lexicon   lexicon        // the general English lexicon (lexicon.go)
	synonyms  *synonymTable
	glossary  []glossaryEntry
	phrases   *phraseTable
	vocab     *vocabulary
	completes []string
	stats     standoff.Stats
	weights   weights
	closeOnce sync.Once
	// background is what the index runs beside its answers (reading its files ahead,
	// prefetch.go), waited for by Close, which closes closing first; firstAnswer is closed
	// once an answer is given (answered).
	background  sync.WaitGroup
	closing     chan struct{}
	firstAnswer chan struct{}
	answered    func()

	now        func() time.Time
	datesFacts bool // most passages are dated (see datedShare)
	recentYear int  // the year from which newestFirst searches first; 0: none
	// oldestYear and newestYear are the first and last years in which a passage's date
	// ends (fieldDatedIn); 0 when none is dated.
	oldestYear, newestYear int
	// datedInMemory is datedInMemory, but where a test sets it lower.
	datedInMemory int
	// accumulators are kept for searchTerms, one a search that runs at once; exhaustive
	// leaves every search to bleve, where a test compares the two.
	accumulators chan *accumulator
	exhaustive   bool
	// lanes is how many goroutines searchTerms reads a disjunction on at most (1 or 2: as
	// many as run at once), from splitPostings passages found (see Index.split); tests
	// set them.
	lanes         int
	splitPostings uint64
	// filteredMax is filteredMax, but where a test sets it otherwise.
	filteredMax int
	// phraseReads keeps what the searches' phrases found (phrase.go), termLists their
	// terms' postings lists (postings.go); nil keeps none.
	phraseReads *phraseCache
	termLists   *termListsCache
	iterators   *iteratorPool // zap's postings iterators, reused
}

// meta is written beside a built index and read back to decide whether it can be reused.
type meta struct {
	MappingVersion int       `json:"mapping_version"`
	Fingerprint    string    `json:"fingerprint"`
	Documents      int       `json:"documents"`
	Passages       int       `json:"passages"`
	Built          time.Time `json:"built"`
}

const (
	metaFile    = "standoff-index.json"
	currentFile = "current"
	genPrefix   = "gen-"
	tmpPrefix   = "tmp-"
)

// Open returns an index of the corpus c: the one already built in cfg.Dir when it was
// built from the same documents under the same MappingVersion, otherwise a new one, built
// beside the old and then put in its place. A broken index on disk is rebuilt.
func Open(ctx context.Context, cfg Config, c *corpus.Corpus) (*Index, error) {
	ix, m, err := newIndex(cfg, c.Splitter)
	if err != nil {
		return nil, err
	}
	// The passages are only needed before the index opens when it must be built: a
	// reused index opens while they are computed.
	passages := sync.OnceValue(func() []corpus.Passage { return searchable(c.Passages()) })
	want := meta{
		MappingVersion: MappingVersion,
		Fingerprint:    c.Fingerprint(),
		Documents:      len(c.Documents),
	}

	if cfg.Dir == "" {
		ps := passages()
		want.Passages = len(ps)
		bi, err := buildIndex(ctx, "", m, ps, c.Taught, cfg)
		if err != nil {
			return nil, err
		}
		got := want
		got.Built = time.Now().UTC()
		store, err := memoryPassages(ps, ix.passageAnalysis(ps, taughtByPassage(c.Taught, positions(ps))), ix.logger)
		if err == nil {
			var df map[string]int
			if df, err = vocabularyCounts(bi); err == nil {
				ix.finish(bi, got, store, ix.synonymsOf(c.Synonyms, learnAcronyms(ps)), c.Taught, newVocabulary(df, got.Passages))
				return ix, nil
			}
		}
		bi.Close()
		return nil, fmt.Errorf("open index: %w", err)
	}

	bi, got, err := openOrBuild(ctx, cfg, m, want, passages, c, ix)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(cfg.Dir, generationName(got))
	s, store, err := readGeneration(dir, got, cfg)
	if err != nil {
		bi.Close()
		return nil, fmt.Errorf("open index: %w", err)
	}
	if cfg.Stamp != "" {
		// The stamp is recorded only once the generation is in place: a stamp never
		// names a generation that is not complete.
		if err := recordStamp(dir, cfg.Stamp); err != nil {
			ix.logger.Warn("record corpus stamp", "dir", cfg.Dir, "err", err)
		}
	}
	ix.finish(bi, got, store, ix.synonymsOf(c.Synonyms, s.Acronyms), c.Taught, newVocabulary(s.Vocabulary, got.Passages))
	return ix, nil
}

// newIndex returns an Index with its analyzers and clock but no passages yet, with the
// mapping an index is built under.
func newIndex(cfg Config, splitter func() *corpus.Splitter) (*Index, mapping.IndexMapping, error) {
	configureBleve()
	m, err := newMapping()
	if err != nil {
		return nil, nil, err
	}
	ix := &Index{logger: cfg.logger(), splitter: splitter, weights: defaultWeights, now: cfg.Now,
		accumulators: make(chan *accumulator, runtime.GOMAXPROCS(0)),
		lanes:        min(runtime.GOMAXPROCS(0), 2), splitPostings: splitPostings, filteredMax: filteredMax,
		phraseReads: newPhraseCache(phraseCacheMax), termLists: newTermListsCache(termListsMax), iterators: &iteratorPool{},
		closing: make(chan struct{}), firstAnswer: make(chan struct{})}
	ix.answered = sync.OnceFunc(func() { close(ix.firstAnswer) })
	if ix.now == nil {
		ix.now = time.Now
	}
	ix.analyzer, ix.plain = m.AnalyzerNamed(analyzerName), m.AnalyzerNamed(plainAnalyzerName)
	if ix.analyzer == nil || ix.plain == nil {
		return nil, nil, fmt.Errorf("open index: analyzers %q and %q missing", analyzerName, plainAnalyzerName)
	}
	return ix, m, nil
}

// finish makes ix answer from the opened bleve index bi, described by got, of the
// searchable passages ps, with the synonym table syn (synonymsOf), the corpus's taught
// questions and its vocabulary.
func (ix *Index) finish(bi bleve.Index, got meta, ps *passageStore, syn *synonymTable, taught []corpus.Taught, vocab *vocabulary) {
	ix.bleve = bi
	ix.stats = standoff.Stats{
		Documents:   got.Documents,
		Passages:    got.Passages,
		Built:       got.Built,
		Fingerprint: got.Fingerprint,
	}
	ix.passages = ps
	ix.taught = taughtByPassage(taught, ix.passages.lookup)
	if len(ix.taught) == 0 {
		ix.weights.taught = 0 // no leaves that can match nothing
	}
	ix.prepare(syn)
	ix.lexicon = embeddedLexicon()
	ix.prepareDates()
	ix.vocab = vocab
}

// logger is the configured logger, or one that discards.
func (cfg Config) logger() *slog.Logger {
	if cfg.Logger == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return cfg.Logger
}

// openOrBuild reopens the generation in cfg.Dir built for want (the current one, or the
// one kept from before, when commands alternate between two corpora), and builds a new
// generation otherwise. A generation folder exists only once complete: builds happen in a
// temporary folder renamed into place. The passages are stored analysed by ix.
func openOrBuild(ctx context.Context, cfg Config, m mapping.IndexMapping, want meta, passages func() []corpus.Passage, c *corpus.Corpus, ix *Index) (bleve.Index, meta, error) {
	logger := ix.logger
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, meta{}, fmt.Errorf("open index: %w", err)
	}
	name := generationName(want)
	var previous string // the generation in use until now: another process may serve it
	if cur, err := os.ReadFile(filepath.Join(cfg.Dir, currentFile)); err == nil {
		previous = strings.TrimSpace(string(cur))
	}
	if _, err := os.Stat(filepath.Join(cfg.Dir, name)); err == nil {
		bi, got, err := openGeneration(filepath.Join(cfg.Dir, name))
		if err == nil && (got.MappingVersion != want.MappingVersion || got.Fingerprint != want.Fingerprint) {
			bi.Close()
			err = errors.New("open index: built for another corpus or version")
		}
		if err == nil {
			// What the generation stored of its corpus must be whole, or a later open
			// without the corpus could not use it.
			if serr := checkStore(filepath.Join(cfg.Dir, name), got); serr != nil {
				bi.Close()
				err = serr
			}
		}
		if err == nil {
			if previous != name {
				if err := corpus.WriteFileAtomic(filepath.Join(cfg.Dir, currentFile), []byte(name+"\n"), 0o600); err != nil {
					bi.Close()
					return nil, meta{}, err
				}
			}
			logger.Debug("index reused", "dir", cfg.Dir, "generation", name)
			return bi, got, nil
		}
		logger.Warn("index unusable, rebuilding", "dir", cfg.Dir, "generation", name, "err", err)
	}

	start := time.Now()
	ps := passages()
	want.Passages = len(ps)
	tmp := filepath.Join(cfg.Dir, tmpPrefix+randomSuffix())
	bi, err := buildIndex(ctx, tmp, m, ps, c.Taught, cfg)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, meta{}, err
	}
	df, err := vocabularyCounts(bi)
	if cerr := bi.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close: %w", cerr)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, meta{}, fmt.Errorf("build index: %w", err)
	}
	got := want
	got.Built = time.Now().UTC()
	tables, err := writePassagesFile(tmp, ps, ix.passageAnalysis(ps, taughtByPassage(c.Taught, positions(ps))))
	if err == nil {
		err = writeStore(tmp, storedCorpus{Fingerprint: got.Fingerprint, Passages: len(ps), Tables: tables, Synonyms: c.Synonyms,
			Taught: c.Taught, Acronyms: learnAcronyms(ps), Vocabulary: df})
	}
	if err == nil {
		err = writeJSONAtomic(filepath.Join(tmp, metaFile), got)
	}
	if err == nil {
		err = restrictPermissions(tmp)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, meta{}, err
	}
	final := filepath.Join(cfg.Dir, name)
	if err := os.RemoveAll(final); err != nil {
		return nil, meta{}, fmt.Errorf("build index: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		return nil, meta{}, fmt.Errorf("build index: %w", err)
	}
	if err := corpus.WriteFileAtomic(filepath.Join(cfg.Dir, currentFile), []byte(name+"\n"), 0o600); err != nil {
		return nil, meta{}, err
	}
	removeStale(cfg.Dir, logger, name, previous)
	logger.Info("index built", "dir", cfg.Dir, "passages", len(ps), "took", time.Since(start).Round(time.Millisecond))

	bi, got, err = openGeneration(final)
	if err != nil {
		return nil, meta{}, err
	}
	return bi, got, nil
}

// generationName names the folder of an index built from a corpus under a mapping version.
func generationName(m meta) string {
	fp := m.Fingerprint
	if len(fp) > 16 {
		fp = fp[:16]
	}
	return fmt.Sprintf("%sv%d-%s", genPrefix, m.MappingVersion, fp)
}

// openGeneration opens a built index read-only, with its meta.
func openGeneration(dir string) (bleve.Index, meta, error) {
	got, err := readMeta(dir)
	if err != nil {
		return nil, got, err
	}
	bi, err := openBleve(dir, got)
	return bi, got, err
}

// readMeta reads the meta of the generation folder dir.
func readMeta(dir string) (meta, error) {
	var got meta
	data, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return got, fmt.Errorf("open index: %w", err)
	}
	if err := json.Unmarshal(data, &got); err != nil {
		return got, fmt.Errorf("open index: %s: %w", metaFile, err)
	}
	return got, nil
}

// openBleve opens the bleve index of the generation folder dir, read-only, checking it
// against its meta, got.
func openBleve(dir string, got meta) (bleve.Index, error) {
	bi, err := bleve.OpenUsing(dir, map[string]any{"read_only": true, "bolt_timeout": "10s"})
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	if n, err := bi.DocCount(); err != nil || int(n) != got.Passages {
		bi.Close()
		return nil, fmt.Errorf("open index: holds %d passages, meta says %d (%v)", n, got.Passages, err)
	}
	return bi, nil
}

// buildIndex indexes the passages, with the questions taught to them, into a new scorch
// index at path ("" for memory).
func buildIndex(ctx context.Context, path string, m mapping.IndexMapping, ps []corpus.Passage, taught []corpus.Taught, cfg Config) (bleve.Index, error) {
	bi, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	size := cfg.BatchSize
	if size <= 0 {
		size = 1000
	}
	fail := func(err error) (bleve.Index, error) {
		bi.Close()
		return nil, fmt.Errorf("build index: %w", err)
	}
	questions := taughtByPassage(taught, positions(ps))
	batch := bi.NewBatch()
	for i, p := range ps {
		start, end := dateNumbers(p.Date)
		if err := batch.Index(p.ID, indexedPassage{
			Text: maskURLs(p.Text), Title: p.Title, Section: p.Section, Doc: p.Doc, Kind: p.Kind,
			Taught: questions[i], DateStart: start, DateEnd: end, DatedIn: datedTerms(p.Date),
		}); err != nil {
			return fail(err)
		}
		if batch.Size() >= size || i == len(ps)-1 {
			if err := ctx.Err(); err != nil {
				return fail(err)
			}
			if err := bi.Batch(batch); err != nil {
				return fail(err)
			}
			batch.Reset()
			if cfg.Progress != nil {
				cfg.Progress(i+1, len(ps))
			}
		}
	}
	return bi, nil
}

// restrictPermissions makes a built index readable by its owner only: folders 0700,
// files 0600 (bleve creates some files 0644).
func restrictPermissions(dir string) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := os.FileMode(0o600)
		if d.IsDir() {
			mode = 0o700
		}
		return os.Chmod(path, mode)
	})
	if err != nil {
		return fmt.Errorf("build index: permissions: %w", err)
	}
	return nil
}

// removeStale deletes the generations not kept, and abandoned builds. The generation
// that was current is kept beside the new one: a process still serving it (a bot while
// the command line rebuilds) goes on reading it until it refreshes.
func removeStale(dir string, logger *slog.Logger, keep ...string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		stale := strings.HasPrefix(n, genPrefix) && !slices.Contains(keep, n)
		if strings.HasPrefix(n, tmpPrefix) || atomicfile.IsTemp(n) {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
				stale = true
			}
		}
		if stale {
			if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
				logger.Warn("remove stale index", "path", n, "err", err)
			}
		}
	}
}

// searchable leaves out the passages that are only a list of sources ("Sources: …"):
// they cite an answer, they are not one.
func searchable(ps []corpus.Passage) []corpus.Passage {
	out := ps[:0] // ps is the caller's own slice: filtered in place
	for _, p := range ps {
		if isCitation(p.Text) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// urlPattern finds web addresses in a passage.
var urlPattern = regexp.MustCompile(`https?://[^\s)\]>"”]+`)

// maskURLs blanks the web addresses of a text, keeping its length: the words of an
// address ("iran-deal-news") are not what a passage says.
func maskURLs(text string) string {
	return urlPattern.ReplaceAllStringFunc(text, func(u string) string { return strings.Repeat(" ", len(u)) })
}

// isCitation tells whether a sentence only names sources: "(Source: …)".
func isCitation(s string) bool {
	t := strings.TrimLeft(strings.TrimSpace(s), "([")
	return strings.HasPrefix(t, "Sources:") || strings.HasPrefix(t, "Source:")
}

// Close releases the index. Closing it again does nothing.
func (ix *Index) Close() error {
	var err error
	ix.closeOnce.Do(func() {
		close(ix.closing)
		ix.background.Wait()
		err = errors.Join(ix.bleve.Close(), ix.passages.close())
	})
	if err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}

// Stats describes the index.
func (ix *Index) Stats() standoff.Stats { return ix.stats }

// Documents lists the documents of the index, in corpus order.
func (ix *Index) Documents() []standoff.Document {
	var out []standoff.Document
	for _, d := range ix.passages.Docs {
		out = append(out, standoff.Document{ID: d.ID, Title: d.Title, Kind: d.Kind, Publisher: d.Publisher,
			Published: d.Published, URL: d.URL, Passages: d.Count, Newest: d.Newest})
	}
	return out
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// writeJSONAtomic writes v as JSON to path through a temporary file and a rename.
func writeJSONAtomic(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return corpus.WriteFileAtomic(path, append(data, '\n'), 0o600)
}
