package atomicfile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// names lists the entries of dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "current")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "new" {
		t.Fatalf("content %q, %v; want new", got, err)
	}
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	if n := names(t, dir); !slices.Equal(n, []string{"current"}) {
		t.Errorf("folder holds %q, want only the file", n)
	}
}

func TestNothingVisibleBeforeCommit(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "doc.md")
	f, err := Create(p, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("half")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatalf("target exists before Commit: %v", err)
	}
	if !IsTemp(filepath.Base(f.Name())) || filepath.Dir(f.Name()) != dir {
		t.Errorf("temporary file %s: want a marked name in %s", f.Name(), dir)
	}
	f.Abort()
	if n := names(t, dir); len(n) != 0 {
		t.Errorf("Abort left %q", n)
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
}

func TestInDir(t *testing.T) {
	root := t.TempDir()
	refs := filepath.Join(root, "refs")
	if err := os.Mkdir(refs, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(refs, "main")
	f, err := Create(p, 0o644, InDir(root))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if filepath.Dir(f.Name()) != root {
		t.Errorf("temporary file in %s, want %s", filepath.Dir(f.Name()), root)
	}
	if n := names(t, refs); len(n) != 0 {
		t.Errorf("refs/ holds %q before Commit", n)
	}
	if _, err := f.Write([]byte("abc\n")); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "abc\n" {
		t.Errorf("content %q", got)
	}
	if n := names(t, root); !slices.Equal(n, []string{"refs"}) {
		t.Errorf("root holds %q, want refs only", n)
	}
}

func TestFailedRenameLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "busy")
	// A non-empty folder cannot be replaced by a file.
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(target, []byte("data"), 0o600); err == nil {
		t.Fatal("replacing a folder succeeded")
	}
	if n := names(t, dir); !slices.Equal(n, []string{"busy"}) {
		t.Errorf("folder holds %q after the failure, want the folder alone", n)
	}
}

func TestMissingFolder(t *testing.T) {
	if err := Write(filepath.Join(t.TempDir(), "no", "such"), []byte("x"), 0o600); err == nil {
		t.Fatal("writing into a missing folder succeeded")
	}
}

func TestIsTemp(t *testing.T) {
	for name, want := range map[string]bool{
		".doc.md.tmp-1a2b": true,
		"doc.md":           false,
		".hidden":          false,
		"doc.tmp-1":        false,
	} {
		if IsTemp(name) != want {
			t.Errorf("IsTemp(%q) = %v, want %v", name, !want, want)
		}
	}
}
