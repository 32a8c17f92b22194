package gitcorpus

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"golang.org/x/text/unicode/norm"

	"github.com/standoff-bot/standoff/corpus/corpusfs"
)

// ErrUnsafeTree reports a commit whose files cannot be checked out safely everywhere.
var ErrUnsafeTree = errors.New("unsafe tree")

// TreeError is a commit refused because of one of its entries: nothing was checked out.
type TreeError struct {
	Commit string // the commit refused
	Path   string // the entry, "/"-separated; empty for the tree as a whole
	Why    string // "is a symbolic link"
}

// Error implements error.
func (e *TreeError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("refused commit %s: its tree %s; nothing was checked out", short(e.Commit), e.Why)
	}
	return fmt.Sprintf("refused commit %s: %q %s; nothing was checked out", short(e.Commit), clipPath(e.Path), e.Why)
}

// Is makes errors.Is(err, ErrUnsafeTree) true.
func (e *TreeError) Is(target error) bool { return target == ErrUnsafeTree }

// treeFile is one file of a checked tree.
type treeFile struct {
	path string
	hash plumbing.Hash
	mode filemode.FileMode // Regular or Executable
	size int64
}

// checkTree reads the tree of commit h and refuses it, with a *TreeError, unless every
// entry can be checked out safely on every system the corpus may be checked out on: a
// name corpusfs.CheckName accepts (no "..", no ".git" in any case or short form, no
// hidden name, no Windows device, no control character), a regular file, executable or
// not, or a folder (no symbolic link, no submodule), at most corpusfs.MaxFileBytes a file,
// at most corpusfs.MaxFiles files, no two names that a case-insensitive or normalising
// file system takes for one. It returns the files, sorted by path as git sorts them.
//
// It runs before anything moves, and is stricter than go-git's own checks: protectNTFS
// (on by default) guarded only go-git's checkout, which is not used, and lets device
// names through on Linux, where a corpus checked out on Windows would then break.
func (r *Repo) checkTree(h plumbing.Hash) ([]treeFile, error) {
	c, err := r.repo.CommitObject(h)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", short(h.String()), err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", short(h.String()), err)
	}
	refuse := func(p, why string) error { return &TreeError{Commit: h.String(), Path: p, Why: why} }
	var files []treeFile
	folded := map[string]string{} // case-folded, normalised path → the path
	var walk func(t *object.Tree, dir string, depth int) error
	walk = func(t *object.Tree, dir string, depth int) error {
		if depth > 64 {
			return refuse(dir, "nests folders more than 64 deep")
		}
		seen := map[string]bool{}
		for _, e := range t.Entries {
			p := e.Name
			if dir != "" {
				p = dir + "/" + e.Name
			}
			if e.Name == "" || strings.Contains(e.Name, "/") {
				return refuse(p, "has an entry with an empty name or a \"/\" in its name")
			}
			if seen[e.Name] {
				return refuse(p, "is in its folder twice")
			}
			seen[e.Name] = true
			if err := corpusfs.CheckName(p); err != nil {
				var ne *corpusfs.NameError
				if errors.As(err, &ne) {
					return refuse(p, ne.Why)
				}
				return refuse(p, err.Error())
			}
			key := strings.ToLower(norm.NFC.String(p))
			if other, ok := folded[key]; ok {
				return refuse(p, fmt.Sprintf("is the same name as %q on a case-insensitive file system", clipPath(other)))
			}
			folded[key] = p
			switch e.Mode {
			case filemode.Dir:
				sub, err := r.repo.TreeObject(e.Hash)
				if err != nil {
					return fmt.Errorf("read tree %s: %w", p, err)
				}
				if err := walk(sub, p, depth+1); err != nil {
					return err
				}
			case filemode.Regular, filemode.Deprecated, filemode.Executable:
				size, err := r.repo.Storer.EncodedObjectSize(e.Hash)
				if err != nil {
					return fmt.Errorf("read %s: %w", p, err)
				}
				if size > corpusfs.MaxFileBytes {
					return refuse(p, fmt.Sprintf("is %d bytes, over the %d-byte limit of a file", size, corpusfs.MaxFileBytes))
				}
				mode := filemode.Regular
				if e.Mode == filemode.Executable {
					mode = filemode.Executable
				}
				files = append(files, treeFile{path: p, hash: e.Hash, mode: mode, size: size})
				if len(files) > corpusfs.MaxFiles {
					return refuse("", fmt.Sprintf("has more than %d files", corpusfs.MaxFiles))
				}
			case filemode.Symlink:
				return refuse(p, "is a symbolic link (links are never checked out)")
			case filemode.Submodule:
				return refuse(p, "is a submodule (another repository)")
			default:
				return refuse(p, fmt.Sprintf("has the unknown mode %o", uint32(e.Mode)))
			}
		}
		return nil
	}
	if err := walk(t, "", 0); err != nil {
		return nil, err
	}
	// Git sorts a folder's entries as if folders ended in "/"; checkouts and the index
	// want plain path order.
	sortFiles(files)
	return files, nil
}

// sortFiles sorts files by path, byte by byte, as the git index does.
func sortFiles(files []treeFile) {
	slices.SortFunc(files, func(a, b treeFile) int { return strings.Compare(a.path, b.path) })
}

// clipPath shortens a path for a message.
func clipPath(p string) string {
	if len(p) <= 80 {
		return p
	}
	return strings.ToValidUTF8(p[:40], "") + "…" + path.Base(p)
}
