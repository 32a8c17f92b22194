package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
		writeAged(t, filepath.Join(dir, rel), text, 0o600, time.Hour)
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

// referenceStamp is Stamp of a folder as first written, with filepath.WalkDir and
// fmt: what Stamp must still give, so that stamps recorded before stay valid.
func referenceStamp(t *testing.T, dir string) (string, bool) {
	t.Helper()
	h := sha256.New()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(h, "folder\x00%s\x00%s\n", formatVersion, abs)
	recent := time.Now().Add(-stampSettle)
	settled := true
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(abs, p)
		if err != nil {
			return err
		}
		if rel != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			fmt.Fprintf(h, "%s\x00dir\n", filepath.ToSlash(rel))
			return nil
		}
		if !info.ModTime().Before(recent) {
			settled = false
		}
		fmt.Fprintf(h, "%s\x00%d\x00%o\x00%d\n", filepath.ToSlash(rel), info.Size(), info.Mode(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil)), settled
}

// TestStampIsTheReference: Stamp gives what it first gave, for folders of every kind of
// entry: nested folders, hidden ones and hidden files, a folder of many files, an empty
// folder, links to a file and to a folder, files just written; and for a link to the
// folder and a file given as the folder.
func TestStampIsTheReference(t *testing.T) {
	dir := t.TempDir()
	put := func(rel, text string, age time.Duration) {
		t.Helper()
		writeAged(t, filepath.Join(dir, rel), text, 0o640, age)
	}
	put("a.md", "# A\n", time.Hour)
	put("news/2025/b.md", "# B\n", time.Hour)
	put("news/2025/deep/c.txt", "C", time.Hour)
	put(".git/HEAD", "ref", time.Hour)
	put("news/.hidden/d.md", "# D\n", time.Hour)
	put("news/.lock", "", time.Hour)
	for i := range 150 {
		put(fmt.Sprintf("many/%03d.md", i), strings.Repeat("x", i), time.Duration(i)*time.Minute)
	}
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.md", filepath.Join(dir, "link.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("news", filepath.Join(dir, "news-link")); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "corpus")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, link, filepath.Join(dir, "a.md"), filepath.Join(dir, "many")} {
		got, gotSettled, err := Stamp(d)
		if err != nil {
			t.Fatal(err)
		}
		want, wantSettled := referenceStamp(t, d)
		if got != want || gotSettled != wantSettled {
			t.Errorf("%s: stamp %s (settled %v), want %s (settled %v)", d, got, gotSettled, want, wantSettled)
		}
	}
	put("many/new.md", "new", 0) // just written: not settled
	got, gotSettled, _ := Stamp(dir)
	if want, wantSettled := referenceStamp(t, dir); got != want || gotSettled != wantSettled || gotSettled {
		t.Errorf("after a write: stamp %s (settled %v), want %s (settled false)", got, gotSettled, want)
	}
}

// writeAged writes text into the file at path, its folders made, with mode, as written
// age ago.
func writeAged(t *testing.T, path, text string, mode os.FileMode, age time.Duration) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-age)
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
}
