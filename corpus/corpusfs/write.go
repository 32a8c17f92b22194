package corpusfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/standoff-bot/standoff/corpus/atomicfile"
)

// ErrLink is the error of a write or a removal whose path goes through a link or a file
// where a folder should be.
var ErrLink = errors.New("a part of the path is a link or a file, not a folder")

// Replace, as the replace argument of MkdirAll and WriteFile, removes whatever stands
// where a folder or the file should be (a link, a file, a folder), as a checkout of a
// tree does; without it, such a path is refused with ErrLink.
const Replace = true

// MkdirAll makes the folders of the "/"-separated path rel inside dir, each a real
// folder readable by its owner only, never following a link: a link or a file in the
// place of one is refused with ErrLink, or removed when replace is set.
func MkdirAll(dir, rel string, replace bool) error {
	if rel == "." || rel == "" {
		return nil
	}
	cur := dir
	for _, part := range splitPath(rel) {
		cur = filepath.Join(cur, part)
		info, err := os.Lstat(cur)
		switch {
		case err == nil && info.IsDir():
			continue
		case err == nil && !replace:
			return fmt.Errorf("make folder %s: %w", rel, ErrLink)
		case err == nil:
			if err := os.Remove(cur); err != nil {
				return fmt.Errorf("make folder %s: %w", rel, err)
			}
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("make folder %s: %w", rel, err)
		}
		if err := os.Mkdir(cur, 0o700); err != nil {
			return fmt.Errorf("make folder %s: %w", rel, err)
		}
		if err := atomicfile.SyncDir(filepath.Dir(cur)); err != nil {
			return fmt.Errorf("make folder %s: %w", rel, err)
		}
	}
	return nil
}

// WriteFile replaces the file rel ("/"-separated, a name CheckName accepts) of the
// folder dir with data, atomically (atomicfile.Write), with exactly the mode perm, never
// through a link: its folders are made as MkdirAll makes them, and a link where the file
// is is replaced, not followed. A folder where the file should be is refused, or removed
// with everything in it when replace is set.
func WriteFile(dir, rel string, data []byte, perm fs.FileMode, replace bool) error {
	if err := CheckName(rel); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err := MkdirAll(dir, path.Dir(rel), replace); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	full := filepath.Join(dir, filepath.FromSlash(rel))
	if info, err := os.Lstat(full); err == nil && info.IsDir() {
		if !replace {
			return fmt.Errorf("write %s: a folder has that name", rel)
		}
		if err := os.RemoveAll(full); err != nil {
			return fmt.Errorf("write %s: %w", rel, err)
		}
	}
	if err := atomicfile.Write(full, data, perm); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	return nil
}

// Remove removes the file rel of the folder dir (a link there is removed, not followed),
// then its folders left empty; a file that is not there, or whose folder is a link, is
// not an error: it is not one of the folder's files.
func Remove(dir, rel string) error {
	if err := CheckName(rel); err != nil {
		return fmt.Errorf("remove: %w", err)
	}
	cur := dir
	for _, part := range splitPath(path.Dir(rel)) {
		cur = filepath.Join(cur, part)
		if info, err := os.Lstat(cur); err != nil || !info.IsDir() {
			return nil
		}
	}
	full := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", rel, err)
	}
	for d := path.Dir(rel); d != "." && d != "/" && d != ""; d = path.Dir(d) {
		if os.Remove(filepath.Join(dir, filepath.FromSlash(d))) != nil {
			break
		}
	}
	if err := atomicfile.SyncDir(filepath.Dir(full)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", rel, err)
	}
	return nil
}

// splitPath splits a "/"-separated path into its parts; "." has none.
func splitPath(p string) []string {
	if p == "." || p == "" {
		return nil
	}
	var parts []string
	for p != "." && p != "/" && p != "" {
		parts = append([]string{path.Base(p)}, parts...)
		p = path.Dir(p)
	}
	return parts
}
