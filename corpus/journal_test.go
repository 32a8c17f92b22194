package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestJournal: lines are appended as JSON, the file is private, and Rewrite appends to
// the file that replaced the old one, or leaves the journal as it was when it fails.
func TestJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.jsonl")
	os.WriteFile(path, nil, 0o644)
	j, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	if err := j.Write(map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	if err := j.WriteSync(map[string]int{"b": 2}, map[string]int{"c": 3}); err != nil {
		t.Fatal(err)
	}
	read := func() string { b, _ := os.ReadFile(path); return string(b) }
	if got, want := read(), "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	boom := errors.New("boom")
	if err := j.Rewrite(func(string) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("failed rewrite: %v, want boom", err)
	}
	if err := j.Rewrite(func(p string) error { return WriteFileAtomic(p, []byte("{\"c\":3}\n"), 0o600) }); err != nil {
		t.Fatal(err)
	}
	j.Write(map[string]int{"d": 4})
	if got, want := read(), "{\"c\":3}\n{\"d\":4}\n"; got != want {
		t.Errorf("after rewrite got %q, want %q", got, want)
	}
}
