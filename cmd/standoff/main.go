// Command standoff answers questions about the Iran–US nuclear standoff from a corpus of
// documents, on the command line or as a Discord bot.
//
//	standoff ask [flags] QUESTION...
//	standoff ask --json [flags] -
//	standoff index [flags]
//	standoff eval [flags] FILE.tsv
//	standoff bot [--watch]
//	standoff corpus add|remove|list|teach|unteach [flags]
//	standoff version
//
// The command line is built on github.com/spf13/cobra (GNU double-dash flags through
// pflag, --help on every command, -- to end the flags, shell completion).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/standoff-bot/standoff"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
)

func main() {
	gitcorpus.InstallFileTransport()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exitStatus is the error of a command that has already said why it failed on stderr:
// run exits with it and prints nothing more.
type exitStatus int

// Error describes the status; run never prints it.
func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// status turns a command's exit status into the error cobra expects.
func status(code int) error {
	if code == 0 {
		return nil
	}
	return exitStatus(code)
}

// run executes one command line and returns the process's exit status: 0 when it ran,
// 1 on bad usage or failure, with the reason on stderr.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	if code, ok := errors.AsType[exitStatus](err); ok {
		return int(code)
	}
	// Cobra's own errors (unknown command or flag, missing or extra arguments).
	fmt.Fprintf(stderr, "%s: %v\nRun '%s --help' for usage.\n", cmd.CommandPath(), err, cmd.CommandPath())
	return 1
}

// newRootCmd builds the command tree. Every command writes to stdout and stderr as
// given, so that tests run it as main does.
func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	build := bot.ReadBuild()
	var oldVersion bool
	root := &cobra.Command{
		Use:   "standoff",
		Short: "Answers questions about the Iran–US nuclear standoff from a corpus, quoting it word for word",
		Long: `standoff answers questions about the Iran–US nuclear standoff from a corpus of
documents, always quoting passages word for word with their citations: on the command
line (ask, index, eval, corpus) or as a Discord bot (bot).`,
		Version:       build.String(),
		SilenceErrors: true,
		SilenceUsage:  true,
		// No command: the help, as `standoff help` and `standoff completion` give it.
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if oldVersion {
				fmt.Fprintln(stderr, "standoff: -v is the old spelling of --version")
				fmt.Fprintf(stdout, "standoff %s\n", build)
				return nil
			}
			return cmd.Help()
		},
		// cobra's own default, which SuggestionsFor does not apply by itself.
		SuggestionsMinimumDistance: 2,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("standoff {{.Version}}\n")
	// --version only: Go tools read -v as "verbose". The old -v still works for scripts,
	// unlisted, with a note on stderr (pflag's own deprecation notes would go to stdout).
	root.Flags().Bool("version", false, "print the version")
	root.Flags().BoolVarP(&oldVersion, "old-version", "v", false, "the old spelling of --version")
	_ = root.Flags().MarkHidden("old-version")
	root.AddCommand(newAskCmd(stdin, stdout, stderr), newIndexCmd(stdout, stderr), newEvalCmd(stdout, stderr),
		newBotCmd(stdout, stderr), newCorpusCmd(stdout, stderr), newVersionCmd(build, stdout),
		newHealthCmd(stdout, stderr))
	return root
}

// unknownCommand refuses arguments where a subcommand is expected, with cobra's "Did you
// mean" suggestions (which a command's own Args function would otherwise bypass).
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t") + "\n"
	}
	return errors.New(msg)
}

// addCorpusFlags binds --corpus and --data, the flags of every command that reads a
// corpus.
func addCorpusFlags(fs *pflag.FlagSet, cf *commonFlags) {
	fs.StringVar(&cf.corpus, "corpus", "", "the corpus `folder` (default: the data folder's corpus when it exists, else the embedded one)")
	fs.StringVar(&cf.data, "data", "", "the `folder` for the index and state (default: $STANDOFF_DATA_DIR, else $STATE_DIRECTORY, else $XDG_DATA_HOME/standoff, else ~/.local/share/standoff)")
}

// newAskCmd is `standoff ask`.
func newAskCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var cf commonFlags
	cmd := &cobra.Command{
		Use:   "ask [flags] QUESTION... | ask --json [flags] -",
		Short: "Answer one question, or, with -, one question a line of stdin",
		Long: `Answer one question with the passages of the corpus that answer it, each quoted word
for word with its citation. With "-" as the only argument, read questions from stdin, one a
line; with --conversation, read them as one conversation, each with the one before, so
that "when was that?" after a question about Fordow is about Fordow. Flags may stand before or after the question; "--" ends them, so that
"standoff ask -- what is --json" asks about "--json".`,
		Example: `  standoff ask what is breakout time?
  standoff ask --json -k 5 "what is snapback?"
  printf 'what is HEU?\nwho signed the JCPOA?\n' | standoff ask --json -
  printf 'what did the US do to Fordow?\nwhen was that?\n' | standoff ask --conversation`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(cmdAsk(cmd.Context(), cf, args, stdin, stdout, stderr))
		},
	}
	addCorpusFlags(cmd.Flags(), &cf)
	cf.k = standoff.DefaultK
	limit := (*passageCount)(&cf.k)
	cmd.Flags().VarP(limit, "limit", "k", fmt.Sprintf("how many passages to return, 1 to %d", standoff.MaxK))
	// --k, the old spelling of --limit, still works for scripts, unlisted, with a note on
	// stderr (pflag's own deprecation notes would go to stdout, into the JSON).
	cmd.Flags().Var(oldSpelling{limit, "--k", "-k or --limit", stderr}, "k", "the old spelling of --limit")
	_ = cmd.Flags().MarkHidden("k")
	cmd.Flags().BoolVar(&cf.json, "json", false, "machine-readable output: one JSON object a question")
	cmd.Flags().BoolVar(&cf.conversation, "conversation", false, "read questions from stdin as one conversation: each is read with the one before (a follow-up), a blank line starts another")
	addTodayFlag(cmd.Flags(), &cf)
	return cmd
}

// newIndexCmd is `standoff index`.
func newIndexCmd(stdout, stderr io.Writer) *cobra.Command {
	var cf commonFlags
	cmd := &cobra.Command{
		Use:   "index [flags]",
		Short: "Build or refresh the index, with progress on a terminal",
		Long: `Build the index of the corpus in the data folder, or confirm that the built one is
current. Documents that cannot be read are reported with their path, line and reason,
and left out of the index.

Exit status: 0 when every document was read; 2 when the index was built but some
documents were skipped (a corpus check for CI or a pre-commit hook:
"standoff index --corpus DIR"); 1 when it failed.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unexpected argument %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return status(cmdIndex(cmd.Context(), cf, stdout, stderr))
		},
	}
	addCorpusFlags(cmd.Flags(), &cf)
	cmd.Flags().BoolVar(&cf.json, "json", false, "machine-readable output")
	return cmd
}

// newEvalCmd is `standoff eval`.
func newEvalCmd(stdout, stderr io.Writer) *cobra.Command {
	var cf commonFlags
	cmd := &cobra.Command{
		Use:   "eval [flags] FILE.tsv",
		Short: "Score a question file: Recall@1, Recall@3, MRR, and the misses",
		Long: `Score the questions of a file of lines question<TAB>gold<TAB>tier, and list each
question whose passage was not among the first three. Gold alternatives are split by |:
a phrase the right passage contains, or a fact set, "fact: TOKEN; TOKEN; …", whose every
token it holds: a date (YYYY, YYYY-MM or YYYY-MM-DD, in any English spelling), a figure
("440.9 kg", "60%", "1,044") or a name. A question alone on its line must not be
answered. A "# today: YYYY-MM-DD" line sets the date the questions are read against;
--today overrides it.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return errors.New("want one question file: usage: standoff eval [flags] FILE.tsv")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(cmdEval(cmd.Context(), cf, args, stdout, stderr))
		},
	}
	addCorpusFlags(cmd.Flags(), &cf)
	cmd.Flags().BoolVar(&cf.json, "json", false, "machine-readable output")
	addTodayFlag(cmd.Flags(), &cf)
	return cmd
}

// newBotCmd is `standoff bot`.
func newBotCmd(stdout, stderr io.Writer) *cobra.Command {
	var watch bool
	cmd := &cobra.Command{
		Use:   "bot [--watch]",
		Short: "Run the Discord bot",
		Long: `Run the Discord bot until interrupted. It is configured by the environment; a .env file
in the working folder is read first and never overrides a variable already set. See
.env.example for every variable: DISCORD_TOKEN is required.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return status(cmdBot(cmd.Context(), watch, stdout, stderr))
		},
	}
	cmd.Flags().BoolVar(&watch, "watch", false, "refresh the index by itself when files in the corpus folder change")
	return cmd
}

// newCorpusCmd is `standoff corpus` and its subcommands add, remove, list, sync, history,
// undo, teach and unteach.
func newCorpusCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "corpus add|remove|list|sync|history|undo|teach|unteach|watch|poll|queue|approve|reject",
		Short: "Add, remove or list the documents of the corpus folder; its git history",
		Long: `Change the corpus folder the bot serves: --corpus, else $STANDOFF_CORPUS_DIR, else
DATA/corpus, filled with the embedded corpus on first use.

add writes the document at once, without asking, and prints what it wrote; a page from
an address the corpus already has updates that document. Every change rebuilds the index
in the data folder and is recorded in DATA/audit.jsonl. Downloads may not reach loopback,
private or link-local addresses unless STANDOFF_FETCH_ALLOW allows them.

teach PASSAGE QUESTION records that the passage (doc#paragraph, as an answer gives it)
answers the question: the question is kept in taught-questions.tsv in the corpus folder,
searched as part of the passage and never quoted; unteach removes it.

The corpus folder is a git repository: every change is one commit. With
STANDOFF_CORPUS_GIT (a remote: https, ssh or file://; STANDOFF_CORPUS_GIT_BRANCH, default
main; STANDOFF_CORPUS_GIT_TOKEN for https) every change is pushed, and sync brings the
changes others pushed.`,
		Args:                       unknownCommand,
		RunE:                       func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		SuggestionsMinimumDistance: 2,
	}
	subOf := func(parent *cobra.Command, prefix, use, short string, nargs int, run func(ctx context.Context, w *workspace, cf corpusFlags, args []string) error) (*cobra.Command, *corpusFlags) {
		var cf corpusFlags
		c := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  cobra.ExactArgs(nargs),
			RunE: func(c *cobra.Command, args []string) error {
				return status(cmdCorpus(c.Context(), prefix+c.Name(), cf, args, stdout, stderr, run))
			},
		}
		if nargs == 0 {
			c.ValidArgsFunction = cobra.NoFileCompletions
		}
		c.Flags().StringVar(&cf.corpus, "corpus", "", "the corpus `folder` (default: $STANDOFF_CORPUS_DIR, else DATA/corpus)")
		c.Flags().StringVar(&cf.data, "data", "", "the `folder` for the index and the audit log (as for ask and index)")
		parent.AddCommand(c)
		return c, &cf
	}
	sub := func(use, short string, nargs int, run func(ctx context.Context, w *workspace, cf corpusFlags, args []string) error) (*cobra.Command, *corpusFlags) {
		return subOf(cmd, "", use, short, nargs, run)
	}
	add, addFlags := sub("add [flags] URL|FILE", "Add a web page or a .md, .txt or .html file", 1,
		func(ctx context.Context, w *workspace, cf corpusFlags, args []string) error {
			return w.add(ctx, args[0], cf.dryRun, stdout)
		})
	add.Flags().BoolVar(&addFlags.dryRun, "dry-run", false, "show what would be written, and write nothing")
	remove, removeFlags := sub("remove [flags] ID", "Remove a document", 1,
		func(ctx context.Context, w *workspace, _ corpusFlags, args []string) error {
			return w.remove(ctx, args[0], stdout)
		})
	list, listFlags := sub("list [flags]", "List the documents", 0,
		func(ctx context.Context, w *workspace, cf corpusFlags, _ []string) error {
			return w.list(ctx, cf.json, stdout, stderr)
		})
	list.Flags().BoolVar(&listFlags.json, "json", false, "one JSON object a line")
	syncCmd, syncFlags := sub("sync [flags]", "Bring the changes pushed to the corpus's git remote", 0,
		func(ctx context.Context, w *workspace, cf corpusFlags, _ []string) error {
			return w.sync(ctx, cf.adopt, stdout)
		})
	syncCmd.Flags().BoolVar(&syncFlags.adopt, "adopt", false,
		"also push the history this folder had before it joined a remote with its own (kept aside when it joined; never pushed otherwise)")
	history, historyFlags := sub("history [flags]", "The corpus's changes, newest first", 0,
		func(ctx context.Context, w *workspace, cf corpusFlags, _ []string) error {
			return w.history(ctx, cf.json, stdout)
		})
	history.Flags().BoolVar(&historyFlags.json, "json", false, "one JSON object a line")
	undo, undoFlags := sub("undo [flags] ID", "Revert a change of the history with a new commit", 1,
		func(ctx context.Context, w *workspace, _ corpusFlags, args []string) error {
			return w.undo(ctx, args[0], stdout)
		})
	addReviewCmds(cmd, subOf, stdout, stderr)
	// Tab completes document and change ids, not file names.
	remove.ValidArgsFunction = completeDocuments(removeFlags)
	undo.ValidArgsFunction = completeChanges(undoFlags)
	for _, name := range []string{"teach", "unteach"} {
		short := "Record that a question is answered by a passage (doc#paragraph): it is searched as part of it, never quoted"
		if name == "unteach" {
			short = "Remove a question taught to a passage"
		}
		c, _ := sub(name+" [flags] PASSAGE QUESTION", short, 2,
			func(ctx context.Context, w *workspace, _ corpusFlags, args []string) error {
				return w.teach(ctx, args[0], strings.Join(args[1:], " "), name == "unteach", stdout)
			})
		c.Args = cobra.MinimumNArgs(2) // an unquoted question is its words
	}
	return cmd
}

// addReviewCmds adds to cmd the subcommands of watched sources and the review queue:
// watch add|remove|list, poll, queue, approve and reject.
func addReviewCmds(cmd *cobra.Command, subOf func(parent *cobra.Command, prefix, use, short string, nargs int,
	run func(ctx context.Context, w *workspace, cf corpusFlags, args []string) error) (*cobra.Command, *corpusFlags), stdout, stderr io.Writer) {
	watchCmd := &cobra.Command{
		Use:   "watch add|remove|list",
		Short: "The RSS and Atom feeds and single pages the corpus watches",
		Long: `Watch an RSS or Atom feed, or a single page, for the whole corpus. The list lives in the
corpus folder (review/watch/), so the git remote shares it with every machine. Watched
sources are read by standoff corpus poll, and by the bot every STANDOFF_WATCH_EVERY; what
is new and on topic waits in the review queue (standoff corpus queue) for a moderator.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			c.SetOut(stderr)
			_ = c.Usage()
			return exitStatus(1)
		},
	}
	cmd.AddCommand(watchCmd)
	subOf(watchCmd, "watch ", "add [flags] URL", "Watch a feed or a page", 1,
		func(ctx context.Context, w *workspace, _ corpusFlags, args []string) error {
			return w.watchAdd(ctx, args[0], stdout)
		})
	subOf(watchCmd, "watch ", "remove [flags] URL", "Stop watching a feed or a page", 1,
		func(ctx context.Context, w *workspace, _ corpusFlags, args []string) error {
			return w.watchRemove(ctx, args[0], stdout)
		})
	wl, wlFlags := subOf(watchCmd, "watch ", "list [flags]", "The watched sources and how each last answered", 0,
		func(ctx context.Context, w *workspace, cf corpusFlags, _ []string) error {
			return w.watchList(cf.json, stdout, stderr)
		})
	wl.Flags().BoolVar(&wlFlags.json, "json", false, "one JSON object a line")
	poll, pollFlags := subOf(cmd, "", "poll [flags]", "Read every watched source once, now, and queue what is new", 0,
		func(ctx context.Context, w *workspace, cf corpusFlags, _ []string) error {
			return w.poll(ctx, cf.json, stdout, stderr)
		})
	poll.Flags().BoolVar(&pollFlags.json, "json", false, "the poll's report as one JSON object")
	queue, queueFlags := subOf(cmd, "", "queue [flags]", "The proposals waiting for review", 0,
		func(ctx context.Context, w *workspace, cf corpusFlags, _ []string) error {
			return w.queue(cf.all, cf.json, stdout, stderr)
		})
	queue.Flags().BoolVar(&queueFlags.json, "json", false, "one JSON object a line")
	queue.Flags().BoolVar(&queueFlags.all, "all", false, "also the articles recent polls did not propose, with the reason")
	subOf(cmd, "", "approve [flags] ID", "Write a proposal's document into the corpus, as corpus add does", 1,
		func(ctx context.Context, w *workspace, _ corpusFlags, args []string) error {
			return w.approve(ctx, args[0], stdout)
		})
	reject, rejectFlags := subOf(cmd, "", "reject [flags] ID", "Refuse a proposal: its text is never proposed again", 1,
		func(ctx context.Context, w *workspace, cf corpusFlags, args []string) error {
			return w.reject(ctx, args[0], cf.reason, stdout)
		})
	reject.Flags().StringVar(&rejectFlags.reason, "reason", "", "why, for the record")
}

// newHealthCmd is `standoff health`, the probe of the container's health check.
func newHealthCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		url     string
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "health [--url URL]",
		Short: "Probe a running bot: exit 0 when its /livez answers 200",
		Long: `Ask a running bot's liveness probe and exit 0 when it answers 200 ok, 1 otherwise with
the reason on stderr: a health check for container images without curl. The default
address is /livez on STANDOFF_HTTP_ADDR (else 127.0.0.1:8080); --url asks another, such as
/readyz.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return status(cmdHealth(cmd.Context(), url, timeout, os.LookupEnv, stdout, stderr))
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "the `address` to ask (default: http://$STANDOFF_HTTP_ADDR/livez)")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "how long to wait for the answer")
	return cmd
}

// newVersionCmd is `standoff version`; the root command's --version prints the same.
func newVersionCmd(build bot.Build, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version: module version, commit and Go release",
		Args:  cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			fmt.Fprintf(stdout, "standoff %s\n", build)
		},
	}
}

// passageCount is the value of --limit: a whole number of passages from 1 to
// standoff.MaxK, refused with a plain message otherwise.
type passageCount int

// String gives the count for the help's default.
func (p *passageCount) String() string { return strconv.Itoa(int(*p)) }

// Set reads the flag's argument.
func (p *passageCount) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > standoff.MaxK {
		return fmt.Errorf("want a whole number of passages from 1 to %d", standoff.MaxK)
	}
	*p = passageCount(n)
	return nil
}

// Type names the argument in the help.
func (p *passageCount) Type() string { return "N" }

// oldSpelling is a flag kept under its old name for scripts: it sets the new flag's
// value and says, on stderr, what to write instead.
type oldSpelling struct {
	pflag.Value
	old, now string
	stderr   io.Writer
}

// Set sets the new flag's value and notes the old spelling.
func (o oldSpelling) Set(s string) error {
	fmt.Fprintf(o.stderr, "standoff: %s is the old spelling of %s\n", o.old, o.now)
	return o.Value.Set(s)
}
