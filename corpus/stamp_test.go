package corpus

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestStampFollowsTheFilesLoadReads: writing, adding or removing a document changes the
// stamp of the folder; a hidden file (a lock, the repository) added or removed beside the
// documents leaves it as it was, though it changes the time of the folder it is in.
func TestStampFollowsTheFilesLoadReads(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, text string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-time.Hour)
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	stamp := func() string {
		t.Helper()
		s, settled, err := Stamp(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !settled {
			t.Fatal("stamp of files an hour old not settled")
		}
		return s
	}
	write("a.md", "# A\n\nOne.\n")
	write("notes/b.md", "# B\n\nTwo.\n")
	s0 := stamp()
	write(".lock", "")
	write("notes/.tmp-b.md", "")
	if s := stamp(); s != s0 {
		t.Error("a hidden file changed the stamp")
	}
	if err := os.Remove(filepath.Join(dir, ".lock")); err != nil {
		t.Fatal(err)
	}
	if s := stamp(); s != s0 {
		t.Error("removing a hidden file changed the stamp")
	}
	write("notes/b.md", "# B\n\nTwo, again.\n")
	s1 := stamp()
	if s1 == s0 {
		t.Error("a document written again left the stamp as it was")
	}
	write("notes/c.md", "# C\n\nThree.\n")
	s2 := stamp()
	if s2 == s1 {
		t.Error("a new document left the stamp as it was")
	}
	if err := os.Remove(filepath.Join(dir, "notes/c.md")); err != nil {
		t.Fatal(err)
	}
	if s := stamp(); s != s1 {
		t.Error("removing the new document did not bring the stamp back")
	}
	if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte("# A\n\nOne!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, settled, err := Stamp(dir); err != nil || settled {
		t.Errorf("stamp just after a write: settled %v, err %v; want not settled", settled, err)
	}
}
