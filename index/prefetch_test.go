package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// readAheadLog records what an index asks to read ahead: a file's name and a window a
// line.
type readAheadLog struct {
	mu    sync.Mutex
	asked []string
}

func (l *readAheadLog) ask(f *os.File, off, n int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked = append(l.asked, fmt.Sprintf("%s %d %d", filepath.Base(f.Name()), off, n))
}

func (l *readAheadLog) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.asked)
}

// wantWindows is what prefetch asks of the file at path from off (negative: from its
// end) to its end, a window a line.
func wantWindows(t *testing.T, path string, off int64) []string {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if off < 0 {
		off = max(0, fi.Size()+off)
	}
	var out []string
	for at := off; at < fi.Size(); at += prefetchWindow {
		out = append(out, fmt.Sprintf("%s %d %d", filepath.Base(path), at, min(prefetchWindow, fi.Size()-at)))
	}
	return out
}

// TestOpenStoredReadsAhead: an index opened from its store asks for its generation's
// files to be read ahead, whole and in order: while it opens, the stored corpus, the
// passages' rows and bleve's root; once it has answered, every segment, then the
// passages' records. Closed before any answer, it asks nothing more.
func TestOpenStoredReadsAhead(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// In batches of 37 passages: bleve's index then has many segments.
	built, err := Open(ctx, Config{Dir: dir, Stamp: "stamp-1", BatchSize: 37}, loadDefault(t))
	if err != nil {
		t.Fatal(err)
	}
	passages := built.Stats().Passages
	built.Close()
	gen, err := filepath.Glob(filepath.Join(dir, genPrefix+"*"))
	if err != nil || len(gen) != 1 {
		t.Fatalf("generations %v (%v)", gen, err)
	}
	records := filepath.Join(gen[0], passagesFile)
	opening := append(wantWindows(t, filepath.Join(gen[0], storeFile), 0), wantWindows(t, records, -int64(passages*rowSize+trailerSize))...)
	files, _ := filepath.Glob(filepath.Join(gen[0], "store", "*"))
	var answering []string
	segments := 0
	for _, p := range files {
		if !strings.HasSuffix(p, ".zap") {
			opening = append(opening, wantWindows(t, p, 0)...)
		}
	}
	for _, p := range files {
		if strings.HasSuffix(p, ".zap") {
			answering = append(answering, wantWindows(t, p, 0)...)
			segments++
		}
	}
	if segments < 2 {
		t.Fatalf("%d segments, want several", segments)
	}
	answering = append(answering, wantWindows(t, records, 0)...)

	var unanswered readAheadLog
	ix, err := OpenStored(ctx, Config{Dir: dir, Stamp: "stamp-1", readAhead: unanswered.ask})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close() // waits for what it reads ahead
	if got, want := strings.Join(unanswered.lines(), "\n"), strings.Join(opening, "\n"); got != want {
		t.Errorf("closed unanswered, asked:\n%s\nwant:\n%s", got, want)
	}

	var answered readAheadLog
	ix, err = OpenStored(ctx, Config{Dir: dir, Stamp: "stamp-1", readAhead: answered.ask})
	if err != nil {
		t.Fatal(err)
	}
	ask(t, ix, "what is breakout time?", 3)
	ix.Close()
	if got, want := strings.Join(answered.lines(), "\n"), strings.Join(append(opening, answering...), "\n"); got != want {
		t.Errorf("answered, asked:\n%s\nwant:\n%s", got, want)
	}
}

// TestPrefetchSkipsWhatIsNotAFile: a range of a missing file or of a folder is passed
// over, and the next read ahead.
func TestPrefetchSkipsWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, make([]byte, prefetchWindow+5), 0o600); err != nil {
		t.Fatal(err)
	}
	var log readAheadLog
	prefetch([]fileRange{{path: filepath.Join(dir, "missing")}, {path: dir}, {path: file, off: -10}, {path: file}}, log.ask)
	want := []string{
		fmt.Sprintf("f %d 10", prefetchWindow-5),
		fmt.Sprintf("f 0 %d", prefetchWindow), fmt.Sprintf("f %d 5", prefetchWindow),
	}
	if got := log.lines(); !slices.Equal(got, want) {
		t.Errorf("asked %q, want %q", got, want)
	}
}
