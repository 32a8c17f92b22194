package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/standoff-bot/standoff/corpus/corpusfs"
)

// errNotRegular is the reason a FIFO, device or socket is not read as a document.
var errNotRegular = errors.New("not a regular file")

// rootFS is a corpus folder opened with os.Root: no path, symbolic links included, leads
// out of it.
type rootFS struct {
	fs.FS
	root *os.Root
}

// openRootFS opens the folder dir; close its root when done.
func openRootFS(dir string) (*rootFS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &rootFS{FS: r.FS(), root: r}, nil
}

// readRegular reads the file name, "/"-separated, as corpusfs.ReadRegular does: a
// regular file only, never through a link, never blocking on a FIFO or a device, at
// most max bytes.
func (r *rootFS) readRegular(name string, max int64) ([]byte, error) {
	data, _, err := corpusfs.ReadRegular(r.root, name, max)
	if tl, ok := errors.AsType[*corpusfs.TooLargeError](err); ok {
		return nil, errTooLarge(tl.Size)
	}
	if errors.Is(err, corpusfs.ErrNotRegular) {
		return nil, errNotRegular
	}
	return data, err
}

// errTooLarge is the error of a file over the size of a document.
func errTooLarge(n int64) error {
	return fmt.Errorf("too large: %s, over the %s limit", Size(n), Size(MaxDocumentBytes))
}

// readDocumentFile reads the file p of fsys: safely when fsys is a corpus folder opened
// by LoadDir.
func readDocumentFile(fsys fs.FS, p string) ([]byte, error) {
	if r, ok := fsys.(*rootFS); ok {
		return r.readRegular(p, MaxDocumentBytes)
	}
	return fs.ReadFile(fsys, p)
}

// readRegularFile reads the file rel of the folder dir as Load does: inside the folder,
// a regular file, at most MaxDocumentBytes.
func readRegularFile(dir, rel string) ([]byte, error) {
	r, err := openRootFS(dir)
	if err != nil {
		return nil, err
	}
	defer r.root.Close()
	return r.readRegular(rel, MaxDocumentBytes)
}

// Stat follows a symbolic link inside the folder without opening the file it leads to
// (opening a FIFO blocks).
func (r *rootFS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	return r.root.Stat(filepath.FromSlash(name))
}
