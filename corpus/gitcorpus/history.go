package gitcorpus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/standoff-bot/standoff/corpus/atomicfile"
)

// MaxHistory bounds how many commits History returns.
const MaxHistory = 1000

// History returns the n most recent commits of the work tree's branch, newest first.
func (r *Repo) History(ctx context.Context, n int) ([]Entry, error) {
	if n <= 0 || n > MaxHistory {
		n = MaxHistory
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	head, err := r.head()
	if err != nil || head.IsZero() {
		return nil, err
	}
	var out []Entry
	c, err := r.repo.CommitObject(head)
	for err == nil && len(out) < n {
		if cerr := ctx.Err(); cerr != nil {
			return out, cerr
		}
		e, eerr := r.entry(c.Hash)
		if eerr != nil {
			return out, fmt.Errorf("history: %w", eerr)
		}
		out = append(out, e)
		if c.NumParents() == 0 {
			break
		}
		c, err = c.Parent(0)
	}
	if err != nil {
		return out, fmt.Errorf("history: %w", err)
	}
	return out, nil
}

// ErrUnknownChange reports a change id that names no commit of the history.
var ErrUnknownChange = errors.New("no such change")

// Describe returns the commit of the history whose id starts with id (at least 7 hex
// digits).
func (r *Repo) Describe(ctx context.Context, id string) (Entry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, err := r.resolve(id)
	if err != nil {
		return Entry{}, err
	}
	return r.entry(h)
}

// resolve finds the commit of the branch's history whose id starts with id.
func (r *Repo) resolve(id string) (plumbing.Hash, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	if len(id) < 7 || len(id) > 40 || strings.Trim(id, "0123456789abcdef") != "" {
		return plumbing.ZeroHash, fmt.Errorf("%w: %q is not a change id (7 to 40 hexadecimal digits, from the history)", ErrUnknownChange, id)
	}
	head, err := r.head()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if head.IsZero() {
		return plumbing.ZeroHash, fmt.Errorf("%w: the history is empty", ErrUnknownChange)
	}
	iter, err := r.repo.Log(&git.LogOptions{From: head})
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("history: %w", err)
	}
	defer iter.Close()
	var found []plumbing.Hash
	err = iter.ForEach(func(c *object.Commit) error {
		if strings.HasPrefix(c.Hash.String(), id) {
			found = append(found, c.Hash)
		}
		return nil
	})
	if err != nil && !errors.Is(err, io.EOF) {
		return plumbing.ZeroHash, fmt.Errorf("history: %w", err)
	}
	switch len(found) {
	case 0:
		return plumbing.ZeroHash, fmt.Errorf("%w: %s is not in the history", ErrUnknownChange, id)
	case 1:
		return found[0], nil
	default:
		return plumbing.ZeroHash, fmt.Errorf("%w: %s names %d changes; give more digits", ErrUnknownChange, id, len(found))
	}
}

// Undo records a commit that reverts change id: every file it added, updated or removed
// is set back as it was before it. A file changed again since is a *ConflictError, and
// nothing changes. The revert is pushed as Commit pushes.
func (r *Repo) Undo(ctx context.Context, id string, author Author, trailers ...Trailer) (Entry, error) {
	unlock, err := r.lock()
	if err != nil {
		return Entry{}, err
	}
	defer unlock()
	h, err := r.resolve(id)
	if err != nil {
		return Entry{}, err
	}
	c, err := r.repo.CommitObject(h)
	if err != nil {
		return Entry{}, fmt.Errorf("undo: %w", err)
	}
	if c.NumParents() == 0 {
		return Entry{}, fmt.Errorf("undo: %s is the first change of the history; it cannot be undone", short(h.String()))
	}
	parent, err := c.Parent(0)
	if err != nil {
		return Entry{}, fmt.Errorf("undo: %w", err)
	}
	ch, err := r.revertFiles(c, parent)
	if err != nil {
		return Entry{}, err
	}
	subject, _ := splitMessage(c.Message)
	ch.Subject = "corpus undo: " + strings.TrimPrefix(subject, "corpus ")
	ch.Body = fmt.Sprintf("This reverts commit %s.", h)
	ch.Author = author
	ch.Trailers = trailers
	return r.commitPushLocked(ctx, ch)
}

// revertFiles writes back, in the work tree, each file of commit c as it was in parent,
// after checking that none changed since c.
func (r *Repo) revertFiles(c, parent *object.Commit) (Change, error) {
	files, err := r.filesOf(c)
	if err != nil {
		return Change{}, fmt.Errorf("undo: %w", err)
	}
	head, err := r.head()
	if err != nil {
		return Change{}, err
	}
	headTree, err := r.treeOf(head)
	if err != nil {
		return Change{}, fmt.Errorf("undo: %w", err)
	}
	ct, err := c.Tree()
	if err != nil {
		return Change{}, fmt.Errorf("undo: %w", err)
	}
	pt, err := parent.Tree()
	if err != nil {
		return Change{}, fmt.Errorf("undo: %w", err)
	}
	var changed []string
	for _, f := range files {
		if !sameFile(ct, headTree, f.Path) {
			changed = append(changed, f.Path)
		}
	}
	if len(changed) > 0 {
		return Change{}, &ConflictError{Paths: changed, Saved: "nothing (nothing was changed)"}
	}
	var ch Change
	for _, f := range files {
		full := filepath.Join(r.cfg.Dir, filepath.FromSlash(f.Path))
		file, err := pt.File(f.Path)
		if errors.Is(err, object.ErrFileNotFound) {
			if err := os.Remove(full); err != nil && !errors.Is(err, os.ErrNotExist) {
				return Change{}, fmt.Errorf("undo: %w", err)
			}
			removeEmptyParents(r.cfg.Dir, parentDir(f.Path))
			ch.Paths = append(ch.Paths, f.Path)
			continue
		}
		if err != nil {
			return Change{}, fmt.Errorf("undo: %w", err)
		}
		s, err := file.Contents()
		if err != nil {
			return Change{}, fmt.Errorf("undo: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
			return Change{}, fmt.Errorf("undo: %w", err)
		}
		if err := atomicfile.Write(full, []byte(s), 0o600); err != nil {
			return Change{}, fmt.Errorf("undo: %w", err)
		}
		ch.Paths = append(ch.Paths, f.Path)
	}
	return ch, nil
}

// parentDir returns the folder of a "/"-separated path.
func parentDir(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[:i]
	}
	return "."
}
