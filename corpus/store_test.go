package corpus

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/corpus/atomicfile"
)

func TestStore(t *testing.T) {
	dir := t.TempDir()
	s := Store{Dir: dir}
	if err := s.Write("added/deep/x.md", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := s.Write("added/deep/x.md", []byte("two")); err != nil {
		t.Fatal(err)
	}
	data, ok, err := s.Read("added/deep/x.md")
	if err != nil || !ok || string(data) != "two" {
		t.Fatalf("Read = %q %v %v", data, ok, err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "added/deep"))
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only x.md (no temporary file left)", len(entries))
	}
	if err := s.Remove("added/deep/x.md"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Read("added/deep/x.md"); ok {
		t.Error("file still there after Remove")
	}
	if err := s.Remove("added/deep/x.md"); err != nil {
		t.Errorf("removing a missing file: %v", err)
	}
	for _, bad := range []string{"../x.md", "/etc/x.md", "a/../../x.md", ".hidden.md", "a/.git/x.md", ""} {
		if err := s.Write(bad, []byte("x")); err == nil {
			t.Errorf("Write(%q) accepted a path outside the corpus or hidden", bad)
		}
	}

	// A temporary file left by a crash is ignored by Load and removed by CleanTemp.
	stale := filepath.Join(dir, ".y.md"+atomicfile.Marker+"123")
	os.WriteFile(stale, []byte("half"), 0o644)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)
	s.Write("y.md", []byte("---\ntitle: Y\n---\n\nWhole.\n"))
	c, err := LoadDir(context.Background(), dir)
	if err != nil || len(c.Documents) != 1 || len(c.Problems) != 0 {
		t.Fatalf("load: %v, %d documents, problems %v", err, len(c.Documents), c.Problems)
	}
	s.CleanTemp(time.Minute)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("CleanTemp left the stale temporary file")
	}
}

func TestWatch(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	changed := make(chan struct{}, 10)
	done := make(chan error, 1)
	go func() {
		done <- Watch(ctx, dir, 150*time.Millisecond, nil, func(context.Context) {
			calls.Add(1)
			changed <- struct{}{}
		})
	}()
	time.Sleep(100 * time.Millisecond) // let the watcher start
	s := Store{Dir: dir}
	// A burst of writes, in a new subfolder too, is one change.
	for i := 0; i < 5; i++ {
		if err := s.Write("sub/a.md", []byte(strings.Repeat("x", i+1))); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("no change reported")
	}
	time.Sleep(400 * time.Millisecond)
	if got := calls.Load(); got != 1 {
		t.Errorf("%d calls for one burst of writes, want 1", got)
	}
	// A change in the subfolder created meanwhile is seen.
	if err := s.Write("sub/b.md", []byte("y")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("a change in a new subfolder was not reported")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch: %v", err)
	}
}
