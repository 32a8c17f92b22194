package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/index"
)

// commonFlags are the flags of ask, index and eval.
type commonFlags struct {
	corpus string
	data   string
	k      int
	json   bool
}

// newFlagSet returns a flag set with the common flags bound to cf.
func newFlagSet(name string, cf *commonFlags, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cf.corpus, "corpus", "", "the corpus `folder` (default: the embedded corpus)")
	fs.StringVar(&cf.data, "data", "", "the `folder` for the index and state")
	fs.IntVar(&cf.k, "k", index.DefaultK, "how many passages to return (at most 100)")
	fs.BoolVar(&cf.json, "json", false, "machine-readable output")
	return fs
}

// parseInterspersed parses flags wherever they stand among the arguments, so that
// `ask what is breakout time? --json` works; "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" || (len(args) > 0 && len(rest) > 0 && args[0] == "--") {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// checkK validates the -k flag.
func (cf commonFlags) checkK() error {
	if cf.k < 1 || cf.k > index.MaxK {
		return fmt.Errorf("-k must be between 1 and %d, got %d", index.MaxK, cf.k)
	}
	return nil
}

// dataDir resolves the data folder: the flag, else $STANDOFF_DATA_DIR, else
// $XDG_DATA_HOME/standoff, else ~/.local/share/standoff.
func dataDir(flagValue string, getenv func(string) string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if d := getenv("STANDOFF_DATA_DIR"); d != "" {
		return d, nil
	}
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "standoff"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find data folder: %w (set STANDOFF_DATA_DIR or --data)", err)
	}
	return filepath.Join(home, ".local", "share", "standoff"), nil
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

// openIndex loads the corpus and opens its index in the data folder, building it when
// needed, with a progress bar when showProgress is set and stderr is a terminal.
func openIndex(ctx context.Context, cf commonFlags, stderr io.Writer, showProgress bool) (*index.Index, error) {
	data, err := dataDir(cf.data, os.Getenv)
	if err != nil {
		return nil, err
	}
	c, err := loadCorpus(ctx, cf.corpus, stderr)
	if err != nil {
		return nil, err
	}
	cfg := index.Config{Dir: filepath.Join(data, "index"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if f, ok := stderr.(*os.File); ok && showProgress && term.IsTerminal(int(f.Fd())) {
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
	return index.Open(ctx, cfg, c)
}

// oneLine folds white space so that a question or passage prints on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
