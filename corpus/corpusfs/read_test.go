package corpusfs

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestReadRegularRefusesLinksFIFOsAndLargeFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("doc.md", "# Title\n\nText.\n")
	write("big.md", string(make([]byte, 100)))
	if err := os.Symlink("doc.md", filepath.Join(dir, "link.md")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.md"), 0o600); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if got, _, err := ReadRegular(root, "doc.md", 50); err != nil || string(got) != "# Title\n\nText.\n" {
		t.Errorf("doc.md: got %q, %v", got, err)
	}
	for _, name := range []string{"link.md", "fifo.md"} {
		if _, _, err := ReadRegular(root, name, 50); !errors.Is(err, ErrNotRegular) {
			t.Errorf("%s: got %v, want ErrNotRegular", name, err)
		}
	}
	var tl *TooLargeError
	if _, _, err := ReadRegular(root, "big.md", 50); !errors.As(err, &tl) || tl.Size != 100 {
		t.Errorf("big.md: got %v, want too large", err)
	}
}
