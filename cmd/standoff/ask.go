package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/standoff-bot/standoff/index"
)

// cmdAsk answers one question given as arguments, or, with "-", one question per line of
// stdin.
func cmdAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var cf commonFlags
	fs := newFlagSet("ask", &cf, stderr)
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return 1
	}
	if err := cf.checkK(); err != nil {
		fmt.Fprintf(stderr, "standoff ask: %v\n", err)
		return 1
	}
	stream := len(rest) == 1 && rest[0] == "-"
	question := strings.TrimSpace(strings.Join(rest, " "))
	if question == "" {
		fmt.Fprintln(stderr, "standoff ask: no question: usage: standoff ask [flags] QUESTION... (or - to read questions from stdin)")
		return 1
	}
	ix, err := openIndex(ctx, cf, stderr, false)
	if err != nil {
		fmt.Fprintf(stderr, "standoff ask: %v\n", err)
		return 1
	}
	defer ix.Close()

	bold := false
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bold = true
	}
	answer := func(q string) error {
		ans, err := ix.Answer(ctx, index.Request{Question: q, K: cf.k})
		if err != nil {
			return err
		}
		if cf.json {
			return json.NewEncoder(stdout).Encode(ans)
		}
		printAnswer(stdout, ans, bold)
		return nil
	}
	if !stream {
		if err := answer(question); err != nil {
			fmt.Fprintf(stderr, "standoff ask: %v\n", err)
			return 1
		}
		return 0
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		if err := answer(q); err != nil {
			fmt.Fprintf(stderr, "standoff ask: %v\n", err)
			return 1
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(stderr, "standoff ask: read questions: %v\n", err)
		return 1
	}
	return 0
}

// printAnswer writes an answer for a person: each passage with its citation.
func printAnswer(w io.Writer, ans index.Answer, bold bool) {
	fmt.Fprintf(w, "Q: %s\n\n", oneLine(ans.Question))
	if ans.Closest {
		fmt.Fprintln(w, "No passage answers this directly; the closest:")
		fmt.Fprintln(w)
	} else if !ans.Answered {
		fmt.Fprintln(w, "The corpus does not cover this question.")
		if index.OtherScript(ans.Question) {
			fmt.Fprintln(w, "The corpus is in English: ask in English.")
		}
		if len(ans.Suggestions) > 0 {
			fmt.Fprintf(w, "Nearby terms of the corpus: %s\n", strings.Join(ans.Suggestions, "; "))
		}
		return
	}
	for _, r := range ans.Results {
		text := r.Highlighted
		if bold {
			text = markdownBoldToANSI(text)
		}
		fmt.Fprintf(w, "[%d] %s\n", r.Rank, citation(r))
		fmt.Fprintf(w, "    %s\n", text)
		if r.Link != "" {
			fmt.Fprintf(w, "    %s\n", r.Link)
		}
		fmt.Fprintln(w)
	}
}

// citation is the one-line source of a result: title, section, paragraph, publisher, date.
func citation(r index.Result) string {
	parts := []string{r.Title}
	if r.Section != "" {
		parts = append(parts, r.Section)
	}
	parts = append(parts, fmt.Sprintf("¶%d", r.Paragraph))
	if r.Publisher != "" {
		parts = append(parts, r.Publisher)
	}
	if r.Published != "" {
		parts = append(parts, r.Published)
	}
	return strings.Join(parts, " · ")
}

// markdownBoldToANSI turns **bold** into terminal bold.
func markdownBoldToANSI(s string) string {
	var b strings.Builder
	on := false
	for {
		i := strings.Index(s, "**")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		if on {
			b.WriteString("\x1b[0m")
		} else {
			b.WriteString("\x1b[1m")
		}
		on = !on
		s = s[i+2:]
	}
	if on {
		b.WriteString("\x1b[0m")
	}
	return b.String()
}
