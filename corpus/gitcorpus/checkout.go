package gitcorpus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/standoff-bot/standoff/corpus/atomicfile"
	"github.com/standoff-bot/standoff/corpus/corpusfs"
)

// The checkout of standoff's own: go-git's reset moves the branch before the files, stops
// halfway on a name it refuses, and writes through links. Here a move checks the tree
// first (checkTree), writes each file whole and never through a link (corpusfs), writes
// the index whole, and points the branch at the new commit last, so that a move killed
// at any moment is finished, or undone, by doing it again (see resume).

// doMove makes the work tree and the index match commit to, coming from commit from
// (zero: the folder holds no checked-out tree), and then points the branch at to. An
// unsafe tree is a *TreeError, and nothing moves. Doing a move again after it was
// interrupted finishes it.
func (r *Repo) doMove(from, to plumbing.Hash) error {
	files, err := r.checkTree(to)
	if err != nil {
		return err
	}
	if err := r.checkout(from, files); err != nil {
		return fmt.Errorf("check out %s: %w", short(to.String()), err)
	}
	return r.setBranch(to)
}

// checkout writes the files of a checked tree into the work tree, removes those of the
// tree of commit from that it does not have, and writes the index to match.
func (r *Repo) checkout(from plumbing.Hash, files []treeFile) error {
	want := make(map[string]bool, len(files))
	for _, f := range files {
		want[f.path] = true
	}
	if !from.IsZero() {
		old, err := r.listTree(from)
		if err != nil {
			return err
		}
		for _, p := range old {
			if want[p] || corpusfs.CheckName(p) != nil {
				continue // an unsafe name was never checked out by this code
			}
			if err := corpusfs.Remove(r.cfg.Dir, p); err != nil {
				return err
			}
		}
	}
	// A folder of the new tree where a file of the old one was, or the reverse, is
	// replaced: the tree says what the folder holds.
	root, err := os.OpenRoot(r.cfg.Dir)
	if err != nil {
		return err
	}
	defer root.Close()
	for _, f := range files {
		if r.sameOnDisk(root, f) {
			continue
		}
		data, err := r.blob(f.hash)
		if err != nil {
			return fmt.Errorf("read %s: %w", f.path, err)
		}
		if err := corpusfs.WriteFile(r.cfg.Dir, f.path, data, filePerm(f.mode), corpusfs.Replace); err != nil {
			return err
		}
	}
	return r.writeIndex(files)
}

// filePerm is the permission of a checked-out file: its owner's only, as the rest of
// the corpus folder.
func filePerm(m filemode.FileMode) os.FileMode {
	if m == filemode.Executable {
		return 0o700
	}
	return 0o600
}

// sameOnDisk reports whether the work tree (opened as root) holds file f already: a
// regular file, reached through real folders and not a link, with its content and
// permission.
func (r *Repo) sameOnDisk(root *os.Root, f treeFile) bool {
	for d := path.Dir(f.path); d != "."; d = path.Dir(d) {
		if info, err := os.Lstat(filepath.Join(r.cfg.Dir, filepath.FromSlash(d))); err != nil || !info.IsDir() {
			return false
		}
	}
	data, info, err := corpusfs.ReadRegular(root, f.path, f.size)
	if err != nil || info.Mode().Perm() != filePerm(f.mode) {
		return false
	}
	return plumbing.ComputeHash(plumbing.BlobObject, data) == f.hash
}

// blob reads the content of blob h.
func (r *Repo) blob(h plumbing.Hash) ([]byte, error) {
	b, err := r.repo.BlobObject(h)
	if err != nil {
		return nil, err
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(io.LimitReader(rd, corpusfs.MaxFileBytes+1))
}

// listTree lists the paths of the files of commit h's tree, unchecked: it is a tree this
// folder was at, to be left.
func (r *Repo) listTree(h plumbing.Hash) ([]string, error) {
	t, err := r.treeOf(h)
	if err != nil {
		return nil, err
	}
	var out []string
	err = t.Files().ForEach(func(f *object.File) error {
		out = append(out, f.Name)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", short(h.String()), err)
	}
	return out, nil
}

// writeIndex makes the index list exactly files, with what the work tree holds of each
// (its size and times), so that a status compares cheaply.
func (r *Repo) writeIndex(files []treeFile) error {
	idx := &index.Index{Version: 2}
	for _, f := range files {
		e := &index.Entry{Hash: f.hash, Name: f.path, Mode: f.mode, Size: uint32(f.size)}
		if info, err := os.Lstat(filepath.Join(r.cfg.Dir, filepath.FromSlash(f.path))); err == nil && info.Mode().IsRegular() {
			e.ModifiedAt = info.ModTime()
		}
		idx.Entries = append(idx.Entries, e)
	}
	if err := r.repo.Storer.SetIndex(idx); err != nil {
		return fmt.Errorf("write the index: %w", err)
	}
	return nil
}

// writeIndexFile writes an index to the file path whole: encoded in memory, then
// replaced atomically, so that a kill never leaves it truncated.
func writeIndexFile(p string, idx *index.Index) error {
	var buf bytes.Buffer
	if err := index.NewEncoder(&buf).Encode(idx); err != nil {
		return fmt.Errorf("encode the index: %w", err)
	}
	if err := atomicfile.Write(p, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return nil
}

// isNotExist reports whether err says a file is not there.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
