package gitcorpus

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// Joining is a recorded step: a folder follows its remote once joinedRef says it joined
// it. Until then (a first start killed midway, a folder first used without a remote, a
// remote unreachable at the first start) Open and every Sync try to join, and nothing
// local is pushed: a remote that has a branch is followed, the local commits kept under
// beforeRemoteRef, pushed only when an operator asks (Adopt).

// joinedRef records that the folder joined its remote: the remote's commit then.
const joinedRef = plumbing.ReferenceName("refs/standoff/joined")

// beforeRemoteRef keeps the local history a folder had when it joined a remote that had
// its own.
const beforeRemoteRef = plumbing.ReferenceName("refs/standoff/before-remote")

// joined reports whether the folder has joined its remote.
func (r *Repo) joined() bool {
	_, err := r.repo.Storer.Reference(joinedRef)
	return err == nil
}

// markJoined records the join at commit h.
func (r *Repo) markJoined(h plumbing.Hash) error {
	if err := r.repo.Storer.SetReference(plumbing.NewHashReference(joinedRef, h)); err != nil {
		return fmt.Errorf("join: %w", err)
	}
	return nil
}

// join makes the folder follow the remote: an empty remote is seeded with the local
// commits; a remote whose branch shares history with the local one (a folder that
// followed it before joining was recorded) is simply recorded; otherwise the remote's
// branch is checked (checkTree) and taken, and the local commits kept under
// beforeRemoteRef. An unreachable remote or an unsafe tree is an error, and nothing
// changes: the next Sync tries again.
func (r *Repo) join(ctx context.Context) error {
	remote, err := r.lsRemote(ctx)
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	head, err := r.head()
	if err != nil {
		return err
	}
	if remote.IsZero() {
		if err := r.pushLocked(ctx); err != nil {
			return fmt.Errorf("join: seed the empty remote: %w", err)
		}
		r.log.Info("seeded the empty corpus remote", "branch", r.cfg.Branch)
		now, err := r.head()
		if err != nil {
			return err
		}
		return r.markJoined(now)
	}
	if err := r.fetch(ctx); err != nil {
		return fmt.Errorf("join: %w", err)
	}
	tip, err := r.incoming()
	if err != nil {
		return err
	}
	if !head.IsZero() {
		if related, err := r.related(head, tip); err != nil {
			return fmt.Errorf("join: %w", err)
		} else if related {
			r.log.Info("the corpus folder follows its remote", "branch", r.cfg.Branch)
			return r.markJoined(tip)
		}
	}
	if _, err := r.checkTree(tip); err != nil {
		// A fresh folder has no old tree to keep serving: it takes the newest commit
		// of the remote's branch that is safe, and the next Sync reports the refusal.
		good, gerr := r.lastSafe(tip)
		if gerr != nil {
			return fmt.Errorf("join: %w", err)
		}
		r.log.Warn("the corpus remote's branch is refused; following its newest safe commit", "err", err, "commit", short(good.String()))
		tip = good
	}
	if err := r.setTracking(tip); err != nil {
		return err
	}
	if !head.IsZero() {
		if err := r.repo.Storer.SetReference(plumbing.NewHashReference(beforeRemoteRef, head)); err != nil {
			return fmt.Errorf("join: %w", err)
		}
	}
	if err := r.moveTo(head, tip); err != nil {
		return fmt.Errorf("join: take the remote's branch: %w", err)
	}
	if !head.IsZero() {
		r.log.Warn("the corpus folder joined a remote with its own history; the local history is kept, not pushed (adopt it to push it)",
			"kept", beforeRemoteRef.String(), "commit", short(head.String()))
	}
	r.log.Info("the corpus follows its remote", "branch", r.cfg.Branch, "commit", short(tip.String()))
	return r.markJoined(tip)
}

// related reports whether commits a and b share history: one contains the other.
func (r *Repo) related(a, b plumbing.Hash) (bool, error) {
	if ok, err := r.isAncestor(a, b); err != nil || ok {
		return ok, err
	}
	return r.isAncestor(b, a)
}

// ErrNothingToAdopt reports an Adopt with no local history kept aside.
var ErrNothingToAdopt = errors.New("no local history is kept aside: there is nothing to adopt")

// Adopt re-applies onto the remote's branch the local history the folder had when it
// joined a remote with a history of its own (kept under refs/standoff/before-remote),
// and pushes it: what an operator asks for with "corpus sync --adopt". A document
// both histories have, with different content, is a *ConflictError, and nothing is
// pushed.
func (r *Repo) Adopt(ctx context.Context) (SyncResult, error) {
	if r.cfg.Remote == "" {
		return SyncResult{}, errors.New("adopt: the corpus has no remote")
	}
	unlock, err := r.lock()
	if err != nil {
		return SyncResult{}, err
	}
	defer unlock()
	res, err := r.syncLocked(ctx)
	if err != nil {
		return res, fmt.Errorf("adopt: %w", err)
	}
	saved, err := r.repo.Storer.Reference(beforeRemoteRef)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return res, fmt.Errorf("adopt: %w", ErrNothingToAdopt)
	}
	if err != nil {
		return res, fmt.Errorf("adopt: %w", err)
	}
	head, err := r.head()
	if err != nil {
		return res, err
	}
	r.adopting = true
	defer func() { r.adopting = false }()
	// The work tree is at head, the remote's branch: rebase takes it from there.
	if err := r.rebase(saved.Hash(), head); err != nil {
		return res, fmt.Errorf("adopt: %w", err)
	}
	if err := r.pushLocked(ctx); err != nil {
		return res, fmt.Errorf("adopt: %w", err)
	}
	if err := r.repo.Storer.RemoveReference(beforeRemoteRef); err != nil {
		return res, fmt.Errorf("adopt: %w", err)
	}
	now, err := r.head()
	if err != nil {
		return res, err
	}
	res.To, res.Pushed, res.Changed = now.String(), true, now != head
	return res, nil
}

// maxSafeSearch bounds how far back lastSafe looks.
const maxSafeSearch = 200

// lastSafe returns the newest first-parent ancestor of commit h whose tree checkTree
// accepts.
func (r *Repo) lastSafe(h plumbing.Hash) (plumbing.Hash, error) {
	for range maxSafeSearch {
		c, err := r.repo.CommitObject(h)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("read commit %s: %w", short(h.String()), err)
		}
		if c.NumParents() == 0 {
			break
		}
		h = c.ParentHashes[0]
		if _, err := r.checkTree(h); err == nil {
			return h, nil
		}
	}
	return plumbing.ZeroHash, errors.New("no safe commit in the remote's recent history")
}
