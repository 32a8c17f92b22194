package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/standoff-bot/standoff/corpus/atomicfile"
)

// Store writes documents into a corpus folder so that a crash at any moment leaves each
// file whole, old or new: a file is written to a temporary file in the same folder,
// synced, renamed over the old one, and the folder synced. Paths are relative to the
// folder, "/"-separated.
type Store struct {
	Dir string
}

// local turns a document path into a file path inside the folder, refusing a path that
// would leave it or touch a hidden file.
func (s Store) local(rel string) (string, error) {
	if rel == "" || !fs.ValidPath(rel) || !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", fmt.Errorf("store: %q is not a path inside the corpus folder", rel)
	}
	for _, part := range strings.Split(rel, "/") {
		if strings.HasPrefix(part, ".") {
			return "", fmt.Errorf("store: %q is hidden", rel)
		}
	}
	p := filepath.Join(s.Dir, filepath.FromSlash(rel))
	if err := s.inside(filepath.Dir(p)); err != nil {
		return "", fmt.Errorf("store: %q: %w", rel, err)
	}
	return p, nil
}

// inside checks that the folder dir, as far as it exists, is inside the corpus folder
// once symbolic links are followed: a file is never written or removed out of it.
func (s Store) inside(dir string) error {
	root, err := filepath.EvalSymlinks(s.Dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // nothing there yet: the folders are made as real folders
		}
		return err
	}
	existing := dir
	for {
		if _, err := os.Lstat(existing); err == nil {
			break
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			return nil
		}
		existing = parent
	}
	real, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(root, real); err != nil || !filepath.IsLocal(rel) && rel != "." {
		return errors.New("a symbolic link leads out of the corpus folder")
	}
	return nil
}

// Read returns the content of the file at rel and whether it exists.
func (s Store) Read(rel string) ([]byte, bool, error) {
	if _, err := s.local(rel); err != nil {
		return nil, false, err
	}
	data, err := readRegularFile(s.Dir, rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: read %s: %w", rel, err)
	}
	return data, true, nil
}

// Write replaces the file at rel with data atomically, creating its folders. A file it
// replaces keeps its permissions; a new one is readable by its owner only, as are new
// folders.
func (s Store) Write(rel string, data []byte) error {
	p, err := s.local(rel)
	if err != nil {
		return err
	}
	if err := mkdirAllSynced(s.Dir, filepath.Dir(p)); err != nil {
		return fmt.Errorf("store: write %s: %w", rel, err)
	}
	perm := os.FileMode(0o600)
	if info, err := os.Stat(p); err == nil {
		perm = info.Mode().Perm()
	}
	if err := WriteFileAtomic(p, data, perm); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// Remove deletes the file at rel, durably; removing a file that is not there is not an
// error.
func (s Store) Remove(rel string) error {
	p, err := s.local(rel)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: remove %s: %w", rel, err)
	}
	if err := atomicfile.SyncDir(filepath.Dir(p)); err != nil {
		return fmt.Errorf("store: remove %s: %w", rel, err)
	}
	return nil
}

// CleanTemp removes the temporary files that a crash left in the folder, if older than
// age (a younger one may be a write in progress by another process).
func (s Store) CleanTemp(age time.Duration) {
	_ = filepath.WalkDir(s.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !atomicfile.IsTemp(d.Name()) {
			return nil
		}
		if info, err := d.Info(); err == nil && time.Since(info.ModTime()) > age {
			os.Remove(p)
		}
		return nil
	})
}

// Hash returns the hex sha256 of data, as Document.Hash gives it.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// WriteFileAtomic replaces the file at p with data so that, whatever happens, the file
// holds the old content or the new, whole (atomicfile.Write); the error names the file.
// Its temporary file is hidden, so that Load skips one a crash leaves behind.
func WriteFileAtomic(p string, data []byte, perm os.FileMode) error {
	if err := atomicfile.Write(p, data, perm); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(p), err)
	}
	return nil
}

// mkdirAllSynced creates dir and its missing parents below root, syncing the parent of
// each folder it creates.
func mkdirAllSynced(root, dir string) error {
	if info, err := os.Stat(dir); err == nil && info.IsDir() {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir && strings.HasPrefix(parent, root) && parent != root {
		if err := mkdirAllSynced(root, parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return atomicfile.SyncDir(parent)
}

// idOf returns the document id of a path: without its extension.
func idOf(rel string) string {
	return strings.TrimSuffix(rel, path.Ext(rel))
}
