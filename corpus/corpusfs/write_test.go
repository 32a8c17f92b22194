package corpusfs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFileNeverFollowsALink: a link where a folder or the file should be is
// refused (or, with Replace, replaced), and the file it leads to is never touched.
func TestWriteFileNeverFollowsALink(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	victim := filepath.Join(outside, "victim.txt")
	if err := os.WriteFile(victim, []byte("v"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "news")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dir, "link.md")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(dir, "news/a.md", []byte("a"), 0o600, false); !errors.Is(err, ErrLink) {
		t.Errorf("write through a linked folder: %v, want ErrLink", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "a.md")); err == nil {
		t.Error("a file was written outside the folder")
	}
	if err := WriteFile(dir, "link.md", []byte("new"), 0o600, false); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(dir, "news/a.md", []byte("a"), 0o600, Replace); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(victim); string(data) != "v" {
		t.Errorf("the file a link led to was changed: %q", data)
	}
	if info, _ := os.Stat(victim); info.Mode().Perm() != 0o644 {
		t.Errorf("the file a link led to was chmodded: %v", info.Mode())
	}
	for _, p := range []string{"link.md", "news"} {
		if info, err := os.Lstat(filepath.Join(dir, p)); err != nil || info.Mode()&os.ModeSymlink != 0 {
			t.Errorf("%s is still a link: %v", p, err)
		}
	}
	if err := Remove(dir, "news/a.md"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "news")); err == nil {
		t.Error("the emptied folder was left")
	}
	if err := WriteFile(dir, "aux.md", []byte("x"), 0o600, false); !errors.Is(err, ErrUnsafeName) {
		t.Errorf("aux.md: %v, want an unsafe name", err)
	}
}
