package gitcorpus

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/standoff-bot/standoff/corpus/atomicfile"
)

// maxPushAttempts bounds how often a push refused because the remote moved on is
// retried on its new tip.
const maxPushAttempts = 20

// SyncResult is what a Sync did.
type SyncResult struct {
	// Changed is true when the work tree changed: the remote had new commits.
	Changed bool
	// Pushed is true when local commits were pushed.
	Pushed bool
	// From and To are the commits the work tree was at before and after.
	From, To string
}

// Sync brings the remote's new commits: a cheap look at the remote's branch first, then,
// when it moved, a fetch and a fast-forward of the work tree. Local commits not pushed
// yet are re-applied onto the remote's tip and pushed. A remote whose branch no longer
// contains what it had before (a force-push) is refused with ErrForged, and nothing
// changes here. Without a remote, Sync does nothing.
func (r *Repo) Sync(ctx context.Context) (SyncResult, error) {
	if r.cfg.Remote == "" {
		h := r.Head()
		return SyncResult{From: h, To: h}, nil
	}
	unlock, err := r.lock()
	if err != nil {
		return SyncResult{}, err
	}
	defer unlock()
	return r.syncLocked(ctx)
}

// syncLocked is Sync with the lock held.
func (r *Repo) syncLocked(ctx context.Context) (SyncResult, error) {
	head, err := r.head()
	if err != nil {
		return SyncResult{}, err
	}
	res := SyncResult{From: head.String(), To: head.String()}
	remote, err := r.lsRemote(ctx)
	if err != nil {
		return res, fmt.Errorf("sync: %w", err)
	}
	seen, err := r.tracking()
	if err != nil {
		return res, err
	}
	if remote == seen && remote == head {
		return res, nil
	}
	// Files edited in the folder but not committed would be overwritten by the remote's:
	// commit them first, so that they are re-applied and pushed like any change.
	if err := r.commitDirty(ctx); err != nil {
		return res, err
	}
	if head, err = r.head(); err != nil {
		return res, err
	}
	if remote.IsZero() {
		// An empty (or emptied) remote: seed it.
		if err := r.pushLocked(ctx); err != nil {
			return res, fmt.Errorf("sync: %w", err)
		}
		res.Pushed = true
		return res, nil
	}
	tip := seen
	if remote != seen {
		if err := r.fetch(ctx); err != nil {
			return res, fmt.Errorf("sync: %w", err)
		}
		if tip, err = r.incoming(); err != nil {
			return res, err
		}
	}
	if !seen.IsZero() && seen != tip {
		ok, err := r.isAncestor(seen, tip)
		if err != nil {
			return res, err
		}
		if !ok {
			return res, fmt.Errorf("sync: %w: its branch %s is now at %s, which does not contain %s that this copy had from it; refusing to follow it (restore the branch on the remote, or start this copy afresh)",
				ErrForged, r.cfg.Branch, short(tip.String()), short(seen.String()))
		}
	}
	if err := r.setTracking(tip); err != nil {
		return res, err
	}
	switch {
	case head == tip:
	case head.IsZero():
		if err := r.moveTo(head, tip); err != nil {
			return res, fmt.Errorf("sync: %w", err)
		}
	default:
		behind, err := r.isAncestor(head, tip)
		if err != nil {
			return res, err
		}
		if behind {
			if err := r.moveTo(head, tip); err != nil {
				return res, fmt.Errorf("sync: %w", err)
			}
			r.log.Info("corpus fast-forwarded from its remote", "from", short(head.String()), "to", short(tip.String()))
			break
		}
		// Local commits not on the remote: push them, re-applied if need be.
		if err := r.pushLocked(ctx); err != nil {
			return res, fmt.Errorf("sync: %w", err)
		}
		res.Pushed = true
	}
	now, err := r.head()
	if err != nil {
		return res, err
	}
	res.To = now.String()
	if now != head {
		changed, err := r.treeChanged(head, now)
		if err != nil {
			return res, err
		}
		res.Changed = changed
	}
	return res, nil
}

// commitDirty commits the changes of the work tree that no commit recorded (files
// edited in the folder by hand), so that moving the work tree never loses them.
func (r *Repo) commitDirty(ctx context.Context) error {
	_, err := r.commitLocked(ctx, Change{Subject: "corpus: record the files edited in the corpus folder", Author: systemAuthor})
	if err != nil && !errors.Is(err, git.ErrEmptyCommit) {
		return fmt.Errorf("sync: %w", err)
	}
	return nil
}

// treeChanged reports whether commits a and b have different trees.
func (r *Repo) treeChanged(a, b plumbing.Hash) (bool, error) {
	if a.IsZero() || b.IsZero() {
		return a != b, nil
	}
	ca, err := r.repo.CommitObject(a)
	if err != nil {
		return false, fmt.Errorf("read commit: %w", err)
	}
	cb, err := r.repo.CommitObject(b)
	if err != nil {
		return false, fmt.Errorf("read commit: %w", err)
	}
	return ca.TreeHash != cb.TreeHash, nil
}

// lsRemote returns the commit of the remote's branch, zero when the branch (or the whole
// remote) is empty.
func (r *Repo) lsRemote(ctx context.Context) (plumbing.Hash, error) {
	rem, err := r.repo.Remote(remoteName)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("remote: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	refs, err := rem.ListContext(ctx, &git.ListOptions{Auth: r.auth})
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("look at the remote: %w", err)
	}
	for _, ref := range refs {
		if ref.Name() == r.branchRef() {
			return ref.Hash(), nil
		}
	}
	return plumbing.ZeroHash, nil
}

// incomingRef receives the remote's branch on a fetch, before it is checked.
const incomingRef = plumbing.ReferenceName("refs/standoff/incoming")

// fetch brings the remote's branch into incomingRef, whatever it is.
func (r *Repo) fetch(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	err := r.repo.FetchContext(ctx, &git.FetchOptions{RemoteName: remoteName, Auth: r.auth,
		RefSpecs: []config.RefSpec{config.RefSpec("+" + r.branchRef().String() + ":" + incomingRef.String())},
		Tags:     git.NoTags})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return fmt.Errorf("fetch: %w", err)
	}
	return nil
}

// incoming returns what the last fetch brought.
func (r *Repo) incoming() (plumbing.Hash, error) {
	ref, err := r.repo.Storer.Reference(incomingRef)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("sync: read the fetched branch: %w", err)
	}
	return ref.Hash(), nil
}

// setTracking records h as the remote's branch.
func (r *Repo) setTracking(h plumbing.Hash) error {
	if err := r.repo.Storer.SetReference(plumbing.NewHashReference(r.trackingRef(), h)); err != nil {
		return fmt.Errorf("set %s: %w", r.trackingRef(), err)
	}
	return nil
}

// isAncestor reports whether commit a is b or one of its ancestors.
func (r *Repo) isAncestor(a, b plumbing.Hash) (bool, error) {
	if a == b {
		return true, nil
	}
	ca, err := r.repo.CommitObject(a)
	if err != nil {
		return false, fmt.Errorf("read commit %s: %w", short(a.String()), err)
	}
	cb, err := r.repo.CommitObject(b)
	if err != nil {
		return false, fmt.Errorf("read commit %s: %w", short(b.String()), err)
	}
	ok, err := ca.IsAncestor(cb)
	if err != nil {
		return false, fmt.Errorf("history of %s: %w", short(b.String()), err)
	}
	return ok, nil
}

// pushLocked pushes the local branch. When the remote moved on meanwhile, it fetches,
// re-applies the local commits onto the remote's tip, and tries again; the same document
// changed on both sides is a *ConflictError.
func (r *Repo) pushLocked(ctx context.Context) error {
	if err := r.commitDirty(ctx); err != nil {
		return err
	}
	var last error
	for attempt := 0; attempt < maxPushAttempts; attempt++ {
		head, err := r.head()
		if err != nil {
			return err
		}
		if head.IsZero() {
			return nil
		}
		pctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		err = r.repo.PushContext(pctx, &git.PushOptions{RemoteName: remoteName, Auth: r.auth,
			RefSpecs: []config.RefSpec{config.RefSpec(r.branchRef().String() + ":" + r.branchRef().String())}})
		cancel()
		if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
			return r.setTracking(head)
		}
		last = err
		if ctx.Err() != nil {
			return fmt.Errorf("push: %w", err)
		}
		// Refused, or failed: see where the remote is.
		remote, lerr := r.lsRemote(ctx)
		if lerr != nil {
			return fmt.Errorf("push: %w", err)
		}
		if remote.IsZero() || remote == head {
			continue
		}
		if ferr := r.fetch(ctx); ferr != nil {
			return fmt.Errorf("push: %w", ferr)
		}
		tip, ierr := r.incoming()
		if ierr != nil {
			return ierr
		}
		if ok, aerr := r.isAncestor(tip, head); aerr != nil {
			return aerr
		} else if ok {
			continue // the remote is behind: the push failed for another reason; retry
		}
		seen, terr := r.tracking()
		if terr != nil {
			return terr
		}
		if !seen.IsZero() {
			if ok, aerr := r.isAncestor(seen, tip); aerr != nil {
				return aerr
			} else if !ok {
				return fmt.Errorf("push: %w: its branch %s no longer contains %s; refusing to push onto it",
					ErrForged, r.cfg.Branch, short(seen.String()))
			}
		}
		if err := r.setTracking(tip); err != nil {
			return err
		}
		if err := r.rebase(head, tip); err != nil {
			return err
		}
		// Another process is pushing too: leave it a moment, a random one so that two
		// pushers do not keep meeting.
		select {
		case <-ctx.Done():
			return fmt.Errorf("push: %w", ctx.Err())
		case <-time.After(rand.N(time.Duration(attempt+1) * 20 * time.Millisecond)):
		}
	}
	return fmt.Errorf("push: the remote kept moving; gave up after %d attempts: %w", maxPushAttempts, last)
}

// rebase re-applies the local commits (those of head not in tip) onto tip, one by one,
// keeping their messages and authors; documents are separate files, so each commit's
// files are set on the new tip as the commit had them. A file the remote changed too is
// a *ConflictError: the local commits are kept under refs/standoff/refused/, and the work
// tree follows the remote.
func (r *Repo) rebase(head, tip plumbing.Hash) error {
	hc, err := r.repo.CommitObject(head)
	if err != nil {
		return fmt.Errorf("rebase: %w", err)
	}
	tc, err := r.repo.CommitObject(tip)
	if err != nil {
		return fmt.Errorf("rebase: %w", err)
	}
	bases, err := hc.MergeBase(tc)
	if err != nil {
		return fmt.Errorf("rebase: %w", err)
	}
	var base *object.Commit
	if len(bases) > 0 {
		base = bases[0]
	}
	// The local commits, oldest first.
	var local []*object.Commit
	for c := hc; base == nil || c.Hash != base.Hash; {
		local = append([]*object.Commit{c}, local...)
		if c.NumParents() == 0 {
			break
		}
		if c, err = c.Parent(0); err != nil {
			return fmt.Errorf("rebase: %w", err)
		}
	}
	// What the remote changed since the base.
	var baseTree *object.Tree
	if base != nil {
		if baseTree, err = base.Tree(); err != nil {
			return fmt.Errorf("rebase: %w", err)
		}
	}
	tipTree, err := tc.Tree()
	if err != nil {
		return fmt.Errorf("rebase: %w", err)
	}
	theirs, err := object.DiffTree(baseTree, tipTree)
	if err != nil {
		return fmt.Errorf("rebase: %w", err)
	}
	changedThere := map[string]bool{}
	for _, c := range theirs {
		changedThere[c.From.Name] = true
		changedThere[c.To.Name] = true
	}
	delete(changedThere, "")
	// The files each local commit sets, and the conflicts.
	type fileState struct {
		path string
		data []byte
		mode os.FileMode
		gone bool
	}
	var plans [][]fileState
	var conflicts []string
	for _, c := range local {
		files, err := r.filesOf(c)
		if err != nil {
			return fmt.Errorf("rebase: %w", err)
		}
		tree, err := c.Tree()
		if err != nil {
			return fmt.Errorf("rebase: %w", err)
		}
		var plan []fileState
		for _, f := range files {
			if changedThere[f.Path] && !sameFile(tree, tipTree, f.Path) {
				conflicts = append(conflicts, f.Path)
				continue
			}
			st := fileState{path: f.Path, gone: f.Action == "removed"}
			if !st.gone {
				file, err := tree.File(f.Path)
				if err != nil {
					return fmt.Errorf("rebase: %w", err)
				}
				s, err := file.Contents()
				if err != nil {
					return fmt.Errorf("rebase: %w", err)
				}
				st.data = []byte(s)
				st.mode = 0o600
				if m, err := file.Mode.ToOSFileMode(); err == nil && m&0o111 != 0 {
					st.mode = 0o700
				}
			}
			plan = append(plan, st)
		}
		plans = append(plans, plan)
	}
	if len(conflicts) > 0 {
		saved := plumbing.ReferenceName("refs/standoff/refused/" + short(head.String()))
		if err := r.repo.Storer.SetReference(plumbing.NewHashReference(saved, head)); err != nil {
			return fmt.Errorf("rebase: keep the refused change: %w", err)
		}
		if err := r.moveTo(head, tip); err != nil {
			return fmt.Errorf("rebase: %w", err)
		}
		r.log.Warn("corpus change refused: the same document changed on the remote", "paths", conflicts, "kept", saved)
		return &ConflictError{Paths: conflicts, Saved: saved.String()}
	}
	if err := r.repo.Storer.SetReference(plumbing.NewHashReference(rebasingRef, head)); err != nil {
		return fmt.Errorf("rebase: %w", err)
	}
	if err := r.moveTo(head, tip); err != nil {
		return fmt.Errorf("rebase: %w", err)
	}
	for i, c := range local {
		var paths []string
		for _, st := range plans[i] {
			full := filepath.Join(r.cfg.Dir, filepath.FromSlash(st.path))
			if st.gone {
				if err := os.Remove(full); err != nil && !errors.Is(err, os.ErrNotExist) {
					return fmt.Errorf("rebase: %w", err)
				}
			} else {
				if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
					return fmt.Errorf("rebase: %w", err)
				}
				if err := atomicfile.Write(full, st.data, st.mode); err != nil {
					return fmt.Errorf("rebase: %w", err)
				}
			}
			paths = append(paths, st.path)
		}
		if len(paths) == 0 {
			continue
		}
		subject, body := splitMessage(c.Message)
		_, err := r.commitLocked(context.Background(), Change{Subject: subject, Body: body,
			Author: Author{Name: c.Author.Name, Email: c.Author.Email}, Paths: paths})
		if err != nil && !errors.Is(err, git.ErrEmptyCommit) {
			return fmt.Errorf("rebase: %w", err)
		}
	}
	if err := r.repo.Storer.RemoveReference(rebasingRef); err != nil {
		return fmt.Errorf("rebase: %w", err)
	}
	r.log.Info("corpus change re-applied onto the remote's tip", "commits", len(local), "tip", short(tip.String()))
	return nil
}

// sameFile reports whether path is the same in both trees (both absent counts).
func sameFile(a, b *object.Tree, path string) bool {
	ea, erra := a.FindEntry(path)
	eb, errb := b.FindEntry(path)
	if erra != nil || errb != nil {
		return erra != nil && errb != nil
	}
	return ea.Hash == eb.Hash
}

// splitMessage splits a commit message into its subject and the rest.
func splitMessage(msg string) (string, string) {
	subject, body, _ := splitLine(msg)
	return subject, body
}

// splitLine cuts s at its first line break.
func splitLine(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
