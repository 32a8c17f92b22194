package gitcorpus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/standoff-bot/standoff/corpus/corpusfs"
)

// stage records in the index the files of the work tree named by paths ("/"-separated;
// none: every file of the folder), as the next commit will have them. It takes what the
// loader takes, by the same rule (corpusfs.Admit): regular files with safe names, never
// through a link, never opening a FIFO or a device; anything else is left out, and a
// tracked file that is gone, or no longer a regular file, leaves the index. go-git's
// staging opens whatever it finds, and writes links and malformed names into trees.
func (r *Repo) stage(paths []string) error {
	idx, err := r.repo.Storer.Index()
	if err != nil {
		return fmt.Errorf("stage: read the index: %w", err)
	}
	entries := make(map[string]*index.Entry, len(idx.Entries))
	for _, e := range idx.Entries {
		entries[e.Name] = e
	}
	root, err := os.OpenRoot(r.cfg.Dir)
	if err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	defer root.Close()
	if len(paths) == 0 {
		found := map[string]bool{}
		err := filepath.WalkDir(r.cfg.Dir, func(full string, d fs.DirEntry, err error) error {
			if full == r.cfg.Dir {
				return err
			}
			rel, rerr := filepath.Rel(r.cfg.Dir, full)
			if rerr != nil {
				return rerr
			}
			rel = filepath.ToSlash(rel)
			if err != nil {
				r.log.Warn("a corpus file cannot be read; left out of the commit", "path", rel, "err", err)
				return nil
			}
			switch kind, why := corpusfs.Admit(rel, d.Type()); kind {
			case corpusfs.Skip:
				if d.IsDir() {
					return fs.SkipDir
				}
			case corpusfs.Folder:
			case corpusfs.Refused:
				r.log.Warn("a corpus folder entry is left out of the commit", "path", rel, "why", why)
				if d.IsDir() {
					return fs.SkipDir
				}
			case corpusfs.File:
				found[rel] = true
				if err := r.stageFile(root, entries, rel); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("stage: %w", err)
		}
		for name := range entries {
			if !found[name] {
				delete(entries, name)
			}
		}
	}
	for _, p := range paths {
		if err := corpusfs.CheckName(p); err != nil {
			return fmt.Errorf("stage: %w", err)
		}
		info, err := root.Lstat(filepath.FromSlash(p))
		if isNotExist(err) {
			delete(entries, p)
			continue
		}
		if err != nil {
			return fmt.Errorf("stage: %w", err)
		}
		if kind, why := corpusfs.Admit(p, info.Mode().Type()); kind != corpusfs.File {
			return fmt.Errorf("stage %s: %s", p, strings.TrimPrefix(why, "ignored: "))
		}
		if err := r.stageFile(root, entries, p); err != nil {
			return fmt.Errorf("stage: %w", err)
		}
	}
	idx.Entries = idx.Entries[:0]
	for _, e := range entries {
		idx.Entries = append(idx.Entries, e)
	}
	slices.SortFunc(idx.Entries, func(a, b *index.Entry) int { return strings.Compare(a.Name, b.Name) })
	if err := checkEntries(idx.Entries); err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	if err := r.repo.Storer.SetIndex(idx); err != nil {
		return fmt.Errorf("stage: write the index: %w", err)
	}
	return nil
}

// stageFile records the regular file rel in entries, its content stored as a blob. A
// file whose size and modification time are those the index has is taken as unchanged.
func (r *Repo) stageFile(root *os.Root, entries map[string]*index.Entry, rel string) error {
	info, err := root.Lstat(filepath.FromSlash(rel))
	if err != nil {
		return err
	}
	mode := filemode.Regular
	if info.Mode().Perm()&0o100 != 0 {
		mode = filemode.Executable
	}
	if e, ok := entries[rel]; ok && e.Mode == mode && int64(e.Size) == info.Size() && !e.ModifiedAt.IsZero() && e.ModifiedAt.Equal(info.ModTime()) {
		return nil
	}
	data, info, err := corpusfs.ReadRegular(root, rel, corpusfs.MaxFileBytes)
	var tl *corpusfs.TooLargeError
	if errors.Is(err, corpusfs.ErrNotRegular) || errors.As(err, &tl) {
		r.log.Warn("a corpus file is left out of the commit", "path", rel, "why", err)
		delete(entries, rel)
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", rel, err)
	}
	h := plumbing.ComputeHash(plumbing.BlobObject, data)
	if _, err := r.repo.Storer.EncodedObjectSize(h); err != nil {
		obj := r.repo.Storer.NewEncodedObject()
		obj.SetType(plumbing.BlobObject)
		obj.SetSize(int64(len(data)))
		w, err := obj.Writer()
		if err != nil {
			return fmt.Errorf("store %s: %w", rel, err)
		}
		if _, err := w.Write(data); err != nil {
			w.Close()
			return fmt.Errorf("store %s: %w", rel, err)
		}
		if err := w.Close(); err != nil {
			return fmt.Errorf("store %s: %w", rel, err)
		}
		if _, err := r.repo.Storer.SetEncodedObject(obj); err != nil {
			return fmt.Errorf("store %s: %w", rel, err)
		}
	}
	entries[rel] = &index.Entry{Hash: h, Name: rel, Mode: mode, Size: uint32(len(data)), ModifiedAt: info.ModTime()}
	return nil
}

// checkEntries refuses an index that would make a malformed tree: an unsafe name, or a
// file that is also a folder of another ("added" and "added/x.md"). entries are sorted.
func checkEntries(entries []*index.Entry) error {
	files := make(map[string]bool, len(entries))
	for _, e := range entries {
		files[e.Name] = true
	}
	for _, e := range entries {
		if err := corpusfs.CheckName(e.Name); err != nil {
			return err
		}
		for d := path.Dir(e.Name); d != "."; d = path.Dir(d) {
			if files[d] {
				return fmt.Errorf("%q is a file and the folder of %q", d, e.Name)
			}
		}
	}
	return nil
}
