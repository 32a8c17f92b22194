package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
)

// completeDocuments completes the argument of corpus remove with the ids of the corpus
// folder's documents, each with its title. It reads the folder only: a shell's Tab must
// not make one.
func completeDocuments(cf *corpusFlags) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		_, dir, err := folders(cf.data, cf.corpus, os.LookupEnv)
		if err != nil || !exists(dir) {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		c, err := corpus.LoadDir(cmd.Context(), dir)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, d := range c.Documents {
			if strings.HasPrefix(d.ID, prefix) {
				out = append(out, cobra.CompletionWithDesc(d.ID, oneLine(d.Title)))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeChanges completes the argument of corpus undo with the ids of the corpus's
// recent changes, each with what it did. A folder that is not a repository yet has none.
func completeChanges(cf *corpusFlags) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		_, dir, err := folders(cf.data, cf.corpus, os.LookupEnv)
		if err != nil || !exists(filepath.Join(dir, ".git", "HEAD")) {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		repo, err := gitcorpus.Open(ctx, gitConfig(dir, os.LookupEnv, slog.New(slog.DiscardHandler)))
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		hist, err := repo.History(ctx, 50)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, e := range hist {
			if strings.HasPrefix(e.Short, prefix) {
				out = append(out, cobra.CompletionWithDesc(e.Short, oneLine(e.Subject)))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	}
}

// exists reports whether path names something.
func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
