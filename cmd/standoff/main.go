// Command standoff answers questions about the Iran–US nuclear standoff from a corpus of
// documents, on the command line or as a Discord bot.
//
//	standoff ask [flags] QUESTION...
//	standoff ask --json [flags] -
//	standoff index [flags]
//	standoff eval [flags] FILE.tsv
//	standoff bot [--watch]
//	standoff corpus add|remove|list [flags]
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/standoff-bot/standoff/corpus/gitcorpus"
)

const usage = `usage:
  standoff ask [flags] QUESTION...      answer one question
  standoff ask --json [flags] -         read questions from stdin, one a line
  standoff index [flags]                build or refresh the index
  standoff eval [flags] FILE.tsv        score questions (question<TAB>gold<TAB>tier)
  standoff bot [--watch]                run the Discord bot
  standoff corpus add [flags] URL|FILE  add a web page or a .md, .txt or .html file
  standoff corpus remove [flags] ID     remove a document
  standoff corpus list [flags]          list the documents
  standoff corpus sync|history|undo ID  the corpus's git history (see standoff corpus help)

flags of ask, index and eval (corpus: see standoff corpus help):
  --corpus DIR   the corpus folder (default: the corpus embedded in the binary)
  --data DIR     where the index and other state live (default: $STANDOFF_DATA_DIR,
                 else $XDG_DATA_HOME/standoff, else ~/.local/share/standoff)
  -k N           how many passages to return (default 3, at most 100)
  --json         machine-readable output
`

func main() {
	gitcorpus.InstallFileTransport()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process's exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 1
	}
	switch args[0] {
	case "ask":
		return cmdAsk(ctx, args[1:], stdin, stdout, stderr)
	case "index":
		return cmdIndex(ctx, args[1:], stdout, stderr)
	case "eval":
		return cmdEval(ctx, args[1:], stdout, stderr)
	case "bot":
		return cmdBot(ctx, args[1:], stdout, stderr)
	case "corpus":
		return cmdCorpus(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "standoff: unknown command %q\n\n%s", args[0], usage)
		return 1
	}
}
