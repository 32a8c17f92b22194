package corpus

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// TestSeed fills a missing folder with the given files, privately, and leaves an existing
// folder as it is.
func TestSeed(t *testing.T) {
	src := fstest.MapFS{
		"a.md":         {Data: []byte("---\ntitle: A\n---\n\nAlpha.\n")},
		"sub/b.md":     {Data: []byte("---\ntitle: B\n---\n\nBeta.\n")},
		"synonyms.txt": {Data: []byte("iaea => agency\n")},
	}
	dir := filepath.Join(t.TempDir(), "data", "corpus")
	created, err := seed(dir, src)
	if err != nil || !created {
		t.Fatalf("seed a missing folder: created %v, err %v; want true, nil", created, err)
	}
	for name, f := range src {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || string(got) != string(f.Data) {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, f.Data)
		}
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.Mode().Perm(), fs.FileMode(0o700); got != want {
		t.Errorf("folder mode: got %v, want %v", got, want)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".corpus-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary folders left: %v", leftovers)
	}

	os.Remove(filepath.Join(dir, "a.md"))
	created, err = seed(dir, src)
	if err != nil || created {
		t.Fatalf("seed an existing folder: created %v, err %v; want false, nil", created, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.md")); !os.IsNotExist(err) {
		t.Errorf("an existing folder was filled again: %v", err)
	}
}

// TestSeedDefault copies the embedded corpus whole: the folder loads as Default does.
func TestSeedDefault(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	if _, err := Seed(dir); err != nil {
		t.Fatal(err)
	}
	var want int
	fs.WalkDir(Default(), ".", func(_ string, d fs.DirEntry, _ error) error {
		if !d.IsDir() {
			want++
		}
		return nil
	})
	var got int
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, _ error) error {
		if !d.IsDir() {
			got++
		}
		return nil
	})
	if got != want || want == 0 {
		t.Errorf("files copied: got %d, want %d", got, want)
	}
}
