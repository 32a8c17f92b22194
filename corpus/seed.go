package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/standoff-bot/standoff/corpus/atomicfile"
)

// Seed fills dir with the embedded corpus when dir does not exist, and reports whether it
// did. The copy is made in a temporary folder beside dir, every file and folder synced to
// disk, then renamed into place and the parent synced: after a crash, dir is either
// missing or whole.
func Seed(dir string) (bool, error) {
	return seed(dir, Default())
}

// seed is Seed with the files of src.
func seed(dir string, src fs.FS) (bool, error) {
	if _, err := os.Stat(dir); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("corpus folder: %w", err)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return false, fmt.Errorf("corpus folder: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".corpus-")
	if err != nil {
		return false, fmt.Errorf("corpus folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	var dirs []string
	err = fs.WalkDir(src, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(tmp, filepath.FromSlash(path))
		if d.IsDir() {
			dirs = append(dirs, target)
			return os.MkdirAll(target, 0o700)
		}
		data, err := fs.ReadFile(src, path)
		if err != nil {
			return err
		}
		return atomicfile.Write(target, data, 0o600)
	})
	if err != nil {
		return false, fmt.Errorf("corpus folder: copy the embedded corpus: %w", err)
	}
	for _, d := range dirs {
		if err := atomicfile.SyncDir(d); err != nil {
			return false, fmt.Errorf("corpus folder: %w", err)
		}
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		return false, fmt.Errorf("corpus folder: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return false, fmt.Errorf("corpus folder: %w", err)
	}
	if err := atomicfile.SyncDir(parent); err != nil {
		return true, fmt.Errorf("corpus folder: %w", err)
	}
	return true, nil
}
