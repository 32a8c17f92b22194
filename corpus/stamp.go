package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// stampSettle is how old every file must be for a stamp to be settled: a file written
// again within the same tick of the file system's clock, at the same size, would keep
// its stamp.
const stampSettle = 2 * time.Second

// Stamp is a cheap fingerprint of the corpus folder dir, from the names, sizes, modes
// and modification times of its files (and the names of its folders), without reading them: two stamps differ whenever
// a file that Load reads was added, removed, resized or written. Hidden files and
// folders are left out, as Load leaves them out. For "" (the embedded corpus) it hashes
// the embedded files, which are small.
//
// settled is false when a file was written so recently (within a couple of seconds) that
// another write in the same clock tick could leave the stamp as it is: such a stamp may
// be compared with one recorded earlier, but must not be recorded.
func Stamp(dir string) (stamp string, settled bool, err error) {
	h := sha256.New()
	if dir == "" {
		fsys := Default()
		fmt.Fprintf(h, "embedded\x00%s\n", formatVersion)
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			fmt.Fprintf(h, "%s\x00%x\n", p, sum)
			return nil
		})
		if err != nil {
			return "", false, fmt.Errorf("stamp corpus: %w", err)
		}
		return hex.EncodeToString(h.Sum(nil)), true, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false, fmt.Errorf("stamp corpus: %w", err)
	}
	fmt.Fprintf(h, "folder\x00%s\x00%s\n", formatVersion, abs)
	st := folderStamp{h: h, recent: time.Now().Add(-stampSettle), settled: true}
	info, err := os.Lstat(abs)
	if err != nil {
		return "", false, fmt.Errorf("stamp corpus: %w", err)
	}
	if info.IsDir() {
		st.folder(".")
		err = st.walk(abs, "")
	} else {
		st.file(".", info) // not followed, as filepath.WalkDir does not follow it
	}
	if err != nil {
		return "", false, fmt.Errorf("stamp corpus: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), st.settled, nil
}

// folderStamp hashes a folder's entries, in the order filepath.WalkDir visits them: a
// folder by its name, then its entries by name, a file by its name, size, mode and
// time, each line written into one buffer (10,000 files at 200,000 passages: 20 ms, where
// filepath.WalkDir, filepath.Rel and fmt took 37).
type folderStamp struct {
	h       hash.Hash
	recent  time.Time // a file written since is too recent for a settled stamp
	settled bool
	line    []byte
}

// walk hashes the visible entries of the folder abs, at rel ("" for the top) in the
// stamped folder, and those of its folders.
func (st *folderStamp) walk(abs, rel string) error {
	entries, err := os.ReadDir(abs) // sorted by name, as filepath.WalkDir reads them
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue // hidden, as Load leaves it out
		}
		name := e.Name()
		if rel != "" {
			name = rel + "/" + name
		}
		if e.IsDir() {
			st.folder(name)
			if err := st.walk(filepath.Join(abs, e.Name()), name); err != nil {
				return err
			}
			continue
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		st.file(name, info)
	}
	return nil
}

// folder hashes a folder by its name only: its time changes with its hidden entries too
// (a lock file, the repository), and its other entries are stamped themselves.
func (st *folderStamp) folder(rel string) {
	st.line = append(append(st.line[:0], rel...), "\x00dir\n"...)
	st.h.Write(st.line)
}

// file hashes a file by its name, size, mode and time.
func (st *folderStamp) file(rel string, info fs.FileInfo) {
	if !info.ModTime().Before(st.recent) {
		st.settled = false
	}
	b := append(append(st.line[:0], rel...), 0)
	b = append(strconv.AppendInt(b, info.Size(), 10), 0)
	b = append(strconv.AppendUint(b, uint64(info.Mode()), 8), 0)
	b = append(strconv.AppendInt(b, info.ModTime().UnixNano(), 10), '\n')
	st.line = b
	st.h.Write(b)
}
