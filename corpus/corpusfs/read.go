package corpusfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrNotRegular is the error of an entry read as a file that is not a regular file: a
// link, a FIFO, a device, a socket.
var ErrNotRegular = errors.New("not a regular file")

// TooLargeError is the error of a file over the size limit of a read.
type TooLargeError struct {
	Size, Limit int64
}

// Error implements error.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("too large: %d bytes, over the %d-byte limit", e.Size, e.Limit)
}

// ReadRegular reads the file name ("/"-separated) of root: a regular file only, never
// through a link in its last part (a link inside is never followed out of root either),
// without blocking on a FIFO or a device, and without reading more than max bytes. The
// error is ErrNotRegular for anything but a regular file, a *TooLargeError over max.
func ReadRegular(root *os.Root, name string, max int64) ([]byte, fs.FileInfo, error) {
	// os.Root follows a link in the last part even with O_NOFOLLOW: look first, and
	// check that what was opened is what was looked at.
	seen, err := root.Lstat(filepath.FromSlash(name))
	if err != nil {
		return nil, nil, err
	}
	if !seen.Mode().IsRegular() {
		return nil, nil, ErrNotRegular
	}
	f, err := root.OpenFile(filepath.FromSlash(name), openReadFlags, 0)
	if err != nil {
		if isLinkErr(err) {
			return nil, nil, ErrNotRegular
		}
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !info.Mode().IsRegular() || !os.SameFile(seen, info) {
		return nil, nil, ErrNotRegular
	}
	if info.Size() > max {
		return nil, nil, &TooLargeError{Size: info.Size(), Limit: max}
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, nil, err
	}
	if int64(len(data)) > max {
		return nil, nil, &TooLargeError{Size: int64(len(data)), Limit: max}
	}
	return data, info, nil
}
