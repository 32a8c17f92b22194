package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/standoff-bot/standoff"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/pflag"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/index"
)

// commonFlags are the flags of ask, index and eval.
type commonFlags struct {
	corpus string
	data   string
	k      int
	json   bool
	today  string // --today: YYYY-MM-DD, the date questions are read against
	// conversation (--conversation, ask only): the questions of stdin are one
	// conversation, each read with the one before; a blank line starts another.
	conversation bool
}

// readToday reads --today: the zero time when it is not given.
func (cf commonFlags) readToday() (time.Time, error) {
	if cf.today == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, cf.today)
	if err != nil {
		return time.Time{}, fmt.Errorf("--today %q: want YYYY-MM-DD", cf.today)
	}
	return t, nil
}

// addTodayFlag binds --today, the date that "now", "this year" or "last month" are read
// against (for evaluations and reproducible answers).
func addTodayFlag(fs *pflag.FlagSet, cf *commonFlags) {
	fs.StringVar(&cf.today, "today", "", "read \"now\", \"this year\" and \"last month\" against this `YYYY-MM-DD` instead of today's date")
}

// checkK validates the -k flag.
func (cf commonFlags) checkK() error {
	if cf.k < 1 || cf.k > standoff.MaxK {
		return fmt.Errorf("-k must be between 1 and %d, got %d", standoff.MaxK, cf.k)
	}
	return nil
}

// loadCorpus reads the corpus folder, or the embedded corpus when dir is empty, and
// reports unreadable documents on stderr.
func loadCorpus(ctx context.Context, dir string, stderr io.Writer) (*corpus.Corpus, error) {
	c, err := corpus.LoadDirOrDefault(ctx, dir)
	if err != nil {
		return nil, err
	}
	for _, p := range c.Problems {
		fmt.Fprintf(stderr, "standoff: skipped %s\n", p.Error())
	}
	if len(c.Documents) == 0 {
		return nil, errors.New("load corpus: no readable document")
	}
	return c, nil
}

// chooseCorpus returns the corpus folder ask, index and eval read, and says which on
// stderr: --corpus when given; else the data folder's corpus (the one the bot serves
// and standoff corpus add changes: $STANDOFF_CORPUS_DIR, else DATA/corpus) when it
// exists; else "", the corpus embedded in the binary.
func chooseCorpus(flagValue, data string, lookup env, stderr io.Writer) (string, error) {
	if dir := strings.TrimSpace(flagValue); dir != "" {
		fmt.Fprintf(stderr, "standoff: corpus %s (--corpus)\n", dir)
		return dir, nil
	}
	dir := corpusDir("", data, lookup)
	switch _, err := os.Stat(dir); {
	case err == nil:
		fmt.Fprintf(stderr, "standoff: corpus %s (the data folder's, as the bot and standoff corpus use)\n", dir)
		return dir, nil
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintln(stderr, "standoff: corpus embedded in the binary (no corpus folder yet; --corpus chooses one)")
		return "", nil
	default:
		return "", fmt.Errorf("corpus folder: %w", err)
	}
}

// openIndex opens the index of the corpus in the data folder: straight from what the
// index stored of its corpus when the corpus folder is as it was when last read (see
// corpus.Stamp), else as openIndexOf does.
func openIndex(ctx context.Context, cf commonFlags, stderr io.Writer, showProgress bool) (*index.Index, error) {
	data, dir, err := chooseData(cf, stderr)
	if err != nil {
		return nil, err
	}
	logger := commandLogger(stderr, os.LookupEnv)
	ix, stamp := openStored(ctx, filepath.Join(data, "index"), dir, logger)
	if ix != nil {
		return ix, nil
	}
	ix, _, err = openLoaded(ctx, data, dir, stamp, logger, stderr, showProgress)
	return ix, err
}

// openStored opens the index in indexDir straight from what it stored of its corpus,
// without reading the corpus folder dir, when the folder is as it was when last read (see
// corpus.Stamp); ask, eval and the bot's start open through it. When it cannot, ix is nil
// and stamp is what to record (index.Config.Stamp) with the index of the corpus the
// caller reads next: "" when the folder's stamp is not settled.
func openStored(ctx context.Context, indexDir, dir string, logger *slog.Logger) (ix *index.Index, stamp string) {
	var (
		settled  bool
		stampErr error
	)
	// The folder is stamped while the index opens (index.OpenStoredStamped).
	ix, err := index.OpenStoredStamped(ctx, index.Config{Dir: indexDir, Logger: logger}, func() (string, error) {
		stamp, settled, stampErr = corpus.Stamp(dir)
		return stamp, stampErr
	})
	if stampErr != nil {
		logger.Debug("corpus stamp", "err", stampErr)
		return nil, ""
	}
	if err == nil {
		return ix, stamp
	}
	logger.Debug("index not opened from its stored corpus", "reason", err)
	if !settled {
		stamp = ""
	}
	return nil, stamp
}

// openIndexOf loads the corpus and opens its index in the data folder, building it
// when needed, with a progress bar when showProgress is set and stderr is a terminal; it
// also returns the corpus it read (with its problems).
func openIndexOf(ctx context.Context, cf commonFlags, stderr io.Writer, showProgress bool) (*index.Index, *corpus.Corpus, error) {
	data, dir, err := chooseData(cf, stderr)
	if err != nil {
		return nil, nil, err
	}
	logger := commandLogger(stderr, os.LookupEnv)
	stamp, settled, err := corpus.Stamp(dir)
	if err != nil || !settled {
		stamp = ""
	}
	return openLoaded(ctx, data, dir, stamp, logger, stderr, showProgress)
}

// chooseData returns the data folder and the corpus folder of ask, index and eval.
func chooseData(cf commonFlags, stderr io.Writer) (data, dir string, err error) {
	data, err = dataDir(cf.data, os.LookupEnv)
	if err != nil {
		return "", "", err
	}
	dir, err = chooseCorpus(cf.corpus, data, os.LookupEnv, stderr)
	if err != nil {
		return "", "", err
	}
	return data, dir, nil
}

// openLoaded loads the corpus folder dir and opens its index in the data folder. A
// stamp (corpus.Stamp, taken before the corpus was read) is recorded with the index when
// the corpus had no problem to report, for the next openIndex.
func openLoaded(ctx context.Context, data, dir, stamp string, logger *slog.Logger, stderr io.Writer, showProgress bool) (*index.Index, *corpus.Corpus, error) {
	c, err := loadCorpus(ctx, dir, stderr)
	if err != nil {
		return nil, nil, err
	}
	logger.Debug("corpus read", "documents", len(c.Documents), "problems", len(c.Problems))
	if len(c.Problems) > 0 {
		stamp = "" // they are reported at every open, so the corpus is read at every open
	}
	cfg := index.Config{Dir: filepath.Join(data, "index"), Logger: logger, Stamp: stamp}
	if showProgress && useStyles(isTerminal(stderr), os.LookupEnv) {
		var bar *progressbar.ProgressBar
		cfg.Progress = func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr),
					progressbar.OptionSetDescription("indexing passages"), progressbar.OptionShowCount(),
					progressbar.OptionClearOnFinish())
			}
			_ = bar.Set(done)
		}
	}
	ix, err := index.Open(ctx, cfg, c)
	return ix, c, err
}

// commandLogger is the logger of ask, index and eval: their output is the answer, so
// it logs only when STANDOFF_LOG_LEVEL=debug asks it to, on stderr.
func commandLogger(stderr io.Writer, lookup env) *slog.Logger {
	if v, _ := lookup("STANDOFF_LOG_LEVEL"); strings.EqualFold(strings.TrimSpace(v), "debug") {
		return newLogger(stderr, slog.LevelDebug)
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// oneLine folds white space so that a question or passage prints on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
