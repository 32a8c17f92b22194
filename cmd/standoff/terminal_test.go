package main

import (
	"bytes"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// onTerminal runs the binary with a pseudo-terminal as its standard input, output and
// error, as a person at a terminal would, and returns all it wrote there; it fails the
// test when the command fails.
func onTerminal(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	out, err := onTerminalExit(t, bin, env, args...)
	if err != nil {
		t.Errorf("standoff %v: %v", args, err)
	}
	return out
}

// onTerminalExit is onTerminal for a command that may fail: it returns its error too.
func onTerminalExit(t *testing.T, bin string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Dir = env, t.TempDir()
	tty, err := pty.Start(cmd)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer tty.Close()
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() { io.Copy(&out, tty); close(copied) }() // ends with EIO once the command exits
	err = cmd.Wait()
	<-copied
	return strings.ReplaceAll(out.String(), "\r\n", "\n"), err
}

// TestTerminalOutput: on a terminal, ask styles the answer with escape codes unless TERM
// is dumb or NO_COLOR is set, and corpus list prints an aligned table under a header
// (programs, reading a pipe, get tab-separated lines, see TestCorpusCommands).
func TestTerminalOutput(t *testing.T) {
	bin := buildStandoff(t)
	work := t.TempDir()
	data := filepath.Join(work, "data")
	env := append(baseEnv(work), "STANDOFF_DATA_DIR="+data)
	ask := []string{"ask", "what is breakout time?"}

	if out := onTerminal(t, bin, append(env, "TERM=xterm-256color"), ask...); !strings.Contains(out, "\x1b[") {
		t.Errorf("TERM=xterm-256color: no escape code in\n%q", out)
	}
	for _, vars := range [][]string{{"TERM=dumb"}, {"TERM=xterm-256color", "NO_COLOR=1"}} {
		out := onTerminal(t, bin, append(env, vars...), ask...)
		if strings.Contains(out, "\x1b") || !strings.Contains(out, "Breakout time") {
			t.Errorf("%v: want the answer without escape codes, got\n%q", vars, out)
		}
	}
	out := onTerminal(t, bin, append(env, "TERM=dumb"), "index")
	if strings.Contains(out, "\x1b") || !strings.Contains(out, "index ready") {
		t.Errorf("index, TERM=dumb: want no escape codes, got\n%q", out)
	}

	// A start that fails tells a person in plain words, not in log lines.
	out, err := onTerminalExit(t, bin, env, "bot")
	if out = strings.TrimSpace(out); err == nil || !strings.HasPrefix(out, "standoff bot: DISCORD_TOKEN is not set") || strings.Contains(out, "{") {
		t.Errorf("bot without a token on a terminal: %v\n%s\nwant one plain line", err, out)
	}

	out = onTerminal(t, bin, append(env, "TERM=xterm-256color"), "corpus", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var table []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "standoff corpus list:") {
			table = append(table, l)
		}
	}
	if len(table) < 2 || !strings.HasPrefix(table[0], "DOCUMENT ") || strings.Contains(out, "\t") {
		t.Fatalf("corpus list on a terminal: want a header and aligned rows, got\n%s", out)
	}
	col := strings.Index(table[0], "TITLE")
	for _, l := range table[1:] {
		if len(l) <= col || l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("row %q: its title does not start under TITLE (column %d)", l, col)
		}
	}
}
