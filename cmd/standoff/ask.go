package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"

	"github.com/standoff-bot/standoff/index"
)

// cmdAsk answers one question given as arguments (rest), or, with "-", one question per
// line of stdin.
func cmdAsk(ctx context.Context, cf commonFlags, rest []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if err := cf.checkK(); err != nil {
		fmt.Fprintf(stderr, "standoff ask: %v\n", err)
		return 1
	}
	today, err := cf.readToday()
	if err != nil {
		fmt.Fprintf(stderr, "standoff ask: %v\n", err)
		return 1
	}
	stream := len(rest) == 1 && rest[0] == "-" || cf.conversation && len(rest) == 0
	question := strings.TrimSpace(strings.Join(rest, " "))
	if cf.conversation && !stream {
		fmt.Fprintln(stderr, "standoff ask: --conversation reads its questions from stdin, one a line: give no question (or -)")
		return 1
	}
	if question == "" && !stream {
		fmt.Fprintln(stderr, "standoff ask: no question: usage: standoff ask [flags] QUESTION... (or - to read questions from stdin)")
		return 1
	}
	ix, err := openIndex(ctx, cf, stderr, false)
	if err != nil {
		fmt.Fprintf(stderr, "standoff ask: %v\n", err)
		return 1
	}
	defer ix.Close()

	bold := useStyles(isTerminal(stdout), os.LookupEnv)
	previous := "" // the question before, as it was read, in --conversation
	answer := func(q string) error {
		req := standoff.Request{Question: q, K: cf.k, Today: today}
		if cf.conversation {
			req.Previous = previous
		}
		ans, err := ix.Answer(ctx, req)
		if err != nil {
			return err
		}
		previous = cmp.Or(ans.ReadAs, q)
		if cf.json {
			return json.NewEncoder(stdout).Encode(ans)
		}
		printAnswer(stdout, ans, bold)
		return nil
	}
	// tooLong answers for line n, of size bytes, over maxQuestionLine: a JSON object in
	// place of an answer, or a line on stderr.
	tooLong := func(n, size int) error {
		reason := fmt.Sprintf("the question is %s long, over the %s limit of a line; it was not read", corpus.Size(int64(size)), corpus.Size(maxQuestionLine))
		if cf.json {
			return json.NewEncoder(stdout).Encode(questionTooLong{Line: n, Error: reason})
		}
		fmt.Fprintf(stderr, "standoff ask: line %d: %s\n", n, reason)
		return nil
	}
	if !stream {
		if err := answer(question); err != nil {
			fmt.Fprintf(stderr, "standoff ask: %v\n", err)
			return 1
		}
		return 0
	}
	err = eachQuestion(stdin, func(n int, q string, long int) error {
		if long > 0 {
			return tooLong(n, long)
		}
		if q == "" {
			previous = "" // a blank line starts another conversation
			return nil
		}
		return answer(q)
	})
	if err != nil {
		fmt.Fprintf(stderr, "standoff ask: %v\n", err)
		return 1
	}
	return 0
}

// maxQuestionLine is the longest line of questions read from stdin: far more than the
// index reads of a question (about 1,000 characters), so that only a line that is no
// question at all is refused.
const maxQuestionLine = 64 << 10

// questionTooLong is what ask --json - writes, on its own line, for a line of stdin
// over maxQuestionLine: the number of that line and the reason, in place of an answer.
type questionTooLong struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// eachQuestion calls fn with every line of r, trimmed (a blank one as ""), and its
// number from 1, in order. A line longer than maxQuestionLine is not kept: fn gets its number and its
// length in bytes (long > 0) instead, and the lines after it are read on. It returns the
// first error of fn, or of reading r.
func eachQuestion(r io.Reader, fn func(n int, q string, long int) error) error {
	br := bufio.NewReaderSize(r, 4096)
	var line []byte
	for n := 1; ; n++ {
		line = line[:0]
		size := 0
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			size += len(chunk)
			if len(line) <= maxQuestionLine { // keep no more than a question and its newline
				line = append(line, chunk...)
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("read questions: %w", err)
		}
		if err == nil {
			size-- // ReadSlice found the newline, which is not part of the line
		}
		long := 0
		if size > maxQuestionLine {
			long = size
		}
		text := strings.TrimSuffix(string(line), "\n")
		if err != io.EOF || text != "" || long > 0 { // not the nothing after the last newline
			if err := fn(n, strings.TrimSpace(text), long); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// printAnswer writes an answer for a person: what it has to say about time, then each
// passage with what it is, its citation (with its date), its text with the best sentence
// marked, its sources and its link, and last how far the corpus reaches. With styled
// set (a terminal), the best sentence is underlined and the question's rare terms are in
// bold; otherwise the text is plain, the best sentence between » and «.
func printAnswer(w io.Writer, ans standoff.Answer, styled bool) {
	fmt.Fprintf(w, "Q: %s\n", oneLine(ans.Question))
	if ans.ReadAs != "" {
		fmt.Fprintf(w, "Reading this as: %s\n", oneLine(ans.ReadAs))
	}
	fmt.Fprintln(w)
	reach := standoff.Reach(ans.AsOf)
	if ans.Request != "" {
		fmt.Fprintln(w, oneLine(ans.Request))
		return
	}
	if len(ans.Results) == 0 {
		fmt.Fprintln(w, "The corpus does not cover this question.")
		if index.OtherScript(ans.Question) {
			fmt.Fprintln(w, "The corpus is in English: ask in English.")
		}
		if len(ans.Suggestions) > 0 {
			fmt.Fprintf(w, "Nearby terms of the corpus: %s\n", strings.Join(ans.Suggestions, "; "))
		}
		if note := oneLine(ans.Note); note != "" && note != reach {
			fmt.Fprintln(w, note)
		}
		fmt.Fprintln(w, reach)
		return
	}
	if c := oneLine(ans.Corrected); c != "" {
		fmt.Fprintf(w, "Showing results for: %s\n\n", c)
	}
	if note := oneLine(ans.Note); note != "" && note != reach {
		fmt.Fprintf(w, "%s\n\n", note)
	}
	if !ans.Answered || ans.Closest {
		fmt.Fprint(w, "No passage answers this directly; the closest:\n\n")
	}
	for _, r := range ans.Results {
		fmt.Fprintf(w, "[%d] %s\n", r.Rank, oneLine(r.Label()))
		fmt.Fprintf(w, "    %s\n", oneLine(r.Citation()))
		fmt.Fprintf(w, "    %s\n", markPassage(r, styled))
		if len(r.Sources) > 0 {
			fmt.Fprintln(w, "    Sources:")
			for _, src := range r.Sources {
				fmt.Fprintf(w, "    - %s\n", sourceText(src))
			}
		}
		if link := r.Link; link != "" {
			fmt.Fprintf(w, "    %s\n", link)
		} else if r.URL != "" {
			fmt.Fprintf(w, "    %s\n", r.URL)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, reach)
}

// sourceText is one source on a line: title (publisher, date): address.
func sourceText(s standoff.Source) string {
	name := oneLine(s.Title)
	var extra []string
	for _, e := range []string{s.Publisher, s.Published} {
		if e = oneLine(e); e != "" {
			extra = append(extra, e)
		}
	}
	switch {
	case name == "" && len(extra) > 0:
		name, extra = extra[0], extra[1:]
	case name == "":
		name = "a source"
	}
	if len(extra) > 0 {
		name += " (" + strings.Join(extra, ", ") + ")"
	}
	if s.URL != "" {
		name += ": " + s.URL
	}
	return name
}

// Terminal styles.
const (
	ansiBold      = "\x1b[1m"
	ansiNoBold    = "\x1b[22m"
	ansiUnderline = "\x1b[4m"
	ansiNoUnder   = "\x1b[24m"
)

// markPassage returns the text of r on one line with its best sentence marked: styled,
// underlined with the question's rare terms in bold; plain, between » and «, with no
// markup at all.
func markPassage(r standoff.Result, styled bool) string {
	text, pos := oneLineMap(r.Text)
	// at returns where sp, without the white space at its edges, lands in text.
	at := func(sp standoff.Span) (int, int, bool) {
		if sp.Start < 0 || sp.Start >= sp.End || sp.End > len(r.Text) {
			return 0, 0, false
		}
		in := r.Text[sp.Start:sp.End]
		start := sp.Start + len(in) - len(strings.TrimLeftFunc(in, unicode.IsSpace))
		end := sp.Start + len(strings.TrimRightFunc(in, unicode.IsSpace))
		return pos[start], pos[end], start < end
	}
	bs, be, ok := at(r.Best)
	if !ok || bs == 0 && be == len(text) {
		bs, be = -1, -1 // no best sentence, or the whole passage is its best sentence
	}
	var bold [][2]int
	if styled {
		for _, sp := range r.Emphasis {
			if s, e, ok := at(sp); ok {
				bold = append(bold, [2]int{s, e})
			}
		}
	}
	inBold := func(i int) bool {
		for _, b := range bold {
			if i >= b[0] && i < b[1] {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	on := false
	for i := 0; i <= len(text); i++ {
		if want := i < len(text) && inBold(i); want != on {
			if on {
				b.WriteString(ansiNoBold)
			} else {
				b.WriteString(ansiBold)
			}
			on = want
		}
		switch {
		case i == bs && styled:
			b.WriteString(ansiUnderline)
		case i == bs:
			b.WriteString("» ")
		case i == be && styled:
			b.WriteString(ansiNoUnder)
		case i == be:
			b.WriteString(" «")
		}
		if i < len(text) {
			b.WriteByte(text[i])
		}
	}
	return b.String()
}

// oneLineMap returns s on one line as oneLine does, and where each byte offset of s
// (0 to len(s)) lands in it: white space lands where the space that replaces it starts.
func oneLineMap(s string) (string, []int) {
	var b strings.Builder
	pos := make([]int, len(s)+1)
	pending := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			pending = pending || b.Len() > 0
			for k := i; k < i+size; k++ {
				pos[k] = b.Len()
			}
			i += size
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		for k := i; k < i+size; k++ {
			pos[k] = b.Len()
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	pos[len(s)] = b.Len()
	return b.String(), pos
}
