// Package atomicfile replaces files so that, whatever happens, a file holds its old
// content or its new content, whole: the new content goes to a temporary file on the same
// file system, which is synced, renamed over the file, and the file's folder synced so
// that the rename itself survives a crash.
//
// It is the one such writer of the project: the corpus folder, its git repository and the
// index all write through it. It sits under corpus/ so that each of them may import it; it
// imports nothing of the project's.
//
// github.com/google/renameio/v2 was considered: it does not sync the folder after the
// rename, and it names its temporary files without a marker, so that one a crash left in a
// corpus folder could not be told from a document, ignored by git or cleaned.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Marker is in the name of every temporary file: ".NAME.tmp-RANDOM". The name starts
// with "." so that readers of a folder skip it as hidden; IsTemp recognises it.
const Marker = ".tmp-"

// IsTemp reports whether a file name (not a path) is that of a temporary file of this
// package, which a crash may have left behind.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, Marker)
}

// Option changes how Create and Write make the temporary file.
type Option func(*options)

type options struct {
	tempDir string
}

// InDir makes the temporary file in dir instead of the target's own folder; dir must be
// on the target's file system. The git repository uses it to keep temporary files out of
// refs/, where any file is taken for a reference.
func InDir(dir string) Option {
	return func(o *options) { o.tempDir = dir }
}

// File is a replacement in progress: write to it, then Commit it, or Abort it. Abort after
// Commit does nothing, so `defer f.Abort()` is the usual way to clean up on an error.
type File struct {
	f      *os.File
	path   string
	closed bool
	done   bool
}

// Create starts replacing the file at path, which will have exactly the mode perm (the
// umask does not apply). Nothing is visible at path until Commit.
func Create(path string, perm os.FileMode, opts ...Option) (*File, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	dir := o.tempDir
	if dir == "" {
		dir = filepath.Dir(path)
	}
	prefix := filepath.Join(dir, "."+filepath.Base(path)+Marker)
	for attempt := 0; ; attempt++ {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		f, err := os.OpenFile(prefix+hex.EncodeToString(b), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) && attempt < 100 {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := f.Chmod(perm.Perm()); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, err
		}
		return &File{f: f, path: path}, nil
	}
}

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	return f.f.Write(p)
}

// Name returns the path of the temporary file.
func (f *File) Name() string {
	return f.f.Name()
}

// Commit syncs the temporary file, renames it over the target and syncs the target's
// folder. After an error the target is as it was (or, when only the folder sync failed,
// already replaced), and the temporary file is removed.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomic write: already committed or aborted")
	}
	err := f.f.Sync()
	f.closed = true
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.f.Name(), f.path)
	}
	if err != nil {
		f.Abort()
		return err
	}
	f.done = true
	return SyncDir(filepath.Dir(f.path))
}

// Abort closes and removes the temporary file, leaving the target as it was. It does
// nothing after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	if !f.closed {
		f.closed = true
		f.f.Close()
	}
	os.Remove(f.f.Name())
}

// Write replaces the file at path with data; the file will have exactly the mode perm.
func Write(path string, data []byte, perm os.FileMode, opts ...Option) error {
	f, err := Create(path, perm, opts...)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}

// SyncDir syncs a folder, so that the entries created, renamed or removed in it last.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}
