package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path/filepath"
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
	recent := time.Now().Add(-stampSettle)
	settled = true
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
			// A folder by its name only: its time changes with its hidden entries too (a
			// lock file, the repository), and its other entries are stamped themselves.
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
		return "", false, fmt.Errorf("stamp corpus: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), settled, nil
}
