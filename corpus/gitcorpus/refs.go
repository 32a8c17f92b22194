package gitcorpus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/standoff-bot/standoff/corpus/atomicfile"
)

// atomicRefs is go-git's storage of a repository folder, with references written as git
// writes them: a whole new file renamed over the old one. go-git truncates the file and
// writes it again, so a process killed in between leaves an empty reference, and a
// repository (the shared remote, when it is served in process) that no one can read.
type atomicRefs struct {
	*filesystem.Storage
	dir string // the repository folder: .git, or a bare repository
}

// newAtomicRefs opens the repository storage in dir.
func newAtomicRefs(dir string) *atomicRefs {
	return &atomicRefs{Storage: filesystem.NewStorage(osfs.New(dir), cache.NewObjectLRUDefault()), dir: dir}
}

// SetReference implements storer.ReferenceStorer.
func (s *atomicRefs) SetReference(ref *plumbing.Reference) error {
	return s.write(ref)
}

// CheckAndSetReference implements storer.ReferenceStorer: the reference is set when it
// is still old (nil: whatever it is). The callers hold the repository's lock.
func (s *atomicRefs) CheckAndSetReference(ref, old *plumbing.Reference) error {
	if old != nil {
		cur, err := s.Storage.Reference(old.Name())
		if err != nil && !errors.Is(err, plumbing.ErrReferenceNotFound) {
			return err
		}
		if cur != nil && cur.Hash() != old.Hash() {
			return storage.ErrReferenceHasChanged
		}
	}
	return s.write(ref)
}

// write replaces the reference's file atomically.
func (s *atomicRefs) write(ref *plumbing.Reference) error {
	var content string
	switch ref.Type() {
	case plumbing.HashReference:
		content = ref.Hash().String() + "\n"
	case plumbing.SymbolicReference:
		content = "ref: " + ref.Target().String() + "\n"
	default:
		return s.Storage.SetReference(ref)
	}
	name := ref.Name().String()
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("set reference: %q is not a reference name", name)
	}
	p := filepath.Join(s.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("set reference %s: %w", name, err)
	}
	// The temporary file is made outside refs/: go-git takes every file there for a
	// reference, and one a crash left behind would make the repository unreadable.
	if err := atomicfile.Write(p, []byte(content), 0o644, atomicfile.InDir(s.dir)); err != nil {
		return fmt.Errorf("set reference %s: %w", name, err)
	}
	return nil
}

// removeStrayRefs removes from refs/ the temporary files that an earlier version of the
// reference writer, killed midway, may have left there.
func removeStrayRefs(gitDir string) {
	_ = filepath.WalkDir(filepath.Join(gitDir, "refs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && atomicfile.IsTemp(d.Name()) {
			os.Remove(p)
		}
		return nil
	})
}

// looseObjects is a repository storage that does not take packfiles whole: objects
// received by a fetch or a push are written one file each, each written whole and renamed
// into place. go-git writes a received packfile's index in place, so a process killed
// then leaves an empty index, and a repository that cannot be read.
type looseObjects struct {
	storage.Storer
}
