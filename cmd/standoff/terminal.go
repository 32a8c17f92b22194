package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal: the command line then writes for a person
// (aligned tables, a progress bar, text logs) rather than for a program.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// useStyles tells whether to write escape codes (bold, underline, a redrawn progress
// bar) to a terminal: never when NO_COLOR is set to anything (no-color.org), nor when
// TERM is "dumb" (a terminal that understands none, such as Emacs's shell).
func useStyles(terminal bool, lookup env) bool {
	if !terminal {
		return false
	}
	if v, _ := lookup("NO_COLOR"); v != "" {
		return false
	}
	t, _ := lookup("TERM")
	return t != "dumb"
}
