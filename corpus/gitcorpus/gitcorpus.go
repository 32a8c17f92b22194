// Package gitcorpus keeps a corpus folder as a git work tree: every change is one commit,
// with its author and the reason in words; with a remote, every change is pushed, and
// Sync brings the changes others pushed. It uses go-git, so no git binary is needed.
//
// Documents are separate files, so two changes of different documents never conflict:
// when a push is refused because another process pushed first, the change is applied
// again onto the remote's new tip and pushed again. The same document changed on both
// sides is a true conflict: the change is refused, and kept under refs/standoff/refused/.
package gitcorpus

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/standoff-bot/standoff/corpus/atomicfile"
)

// DefaultBranch is the branch used when Config.Branch is empty.
const DefaultBranch = "main"

// remoteName is the name of the remote in the repository's configuration.
const remoteName = "origin"

// Config says where the work tree is and which remote it follows.
type Config struct {
	// Dir is the corpus folder, the work tree. It must exist.
	Dir string
	// Remote is the URL of the shared repository (https, ssh or file://); empty keeps
	// the repository local.
	Remote string
	// Branch is the remote's branch; DefaultBranch when empty.
	Branch string
	// Token, when set, is sent as the password of https basic authentication.
	Token string
	// Logger receives what the repository does; nil discards it.
	Logger *slog.Logger
}

// Author is who made a change.
type Author struct {
	Name  string
	Email string
}

// Trailer is one "Key: value" line at the end of a commit message.
type Trailer struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Change is one change of the corpus, made in the work tree by the caller and recorded
// by Commit.
type Change struct {
	// Subject is the first line of the message: what changed, in a few words.
	Subject string
	// Body explains the change; may be empty.
	Body string
	// Trailers end the message, e.g. who on Discord made the change.
	Trailers []Trailer
	// Author made the change.
	Author Author
	// Paths are the files the change wrote or removed, relative to the folder with "/";
	// empty records every change of the work tree.
	Paths []string
}

// Entry is one commit of the history.
type Entry struct {
	ID       string       `json:"id"`
	Short    string       `json:"short"`
	Parent   string       `json:"parent,omitempty"`
	Author   string       `json:"author"`
	Email    string       `json:"email,omitempty"`
	When     time.Time    `json:"when"`
	Subject  string       `json:"subject"`
	Message  string       `json:"message"`
	Trailers []Trailer    `json:"trailers,omitempty"`
	Files    []FileChange `json:"files"`
}

// FileChange is one file a commit added, updated or removed.
type FileChange struct {
	Path   string `json:"path"`
	Action string `json:"action"` // added, updated or removed
}

// Repo is a corpus folder kept as a git work tree. Its methods are safe for concurrent
// use, and for several processes sharing the folder (a lock file serialises them).
type Repo struct {
	cfg  Config
	log  *slog.Logger
	auth transport.AuthMethod
	mu   sync.Mutex
	repo *git.Repository
}

// ErrConflict reports a change refused because the remote changed the same document.
var ErrConflict = errors.New("conflict")

// ErrForged reports a remote whose branch was rewritten (force-pushed).
var ErrForged = errors.New("the remote's history was rewritten")

// ConflictError is a change refused because the same document changed on the remote.
type ConflictError struct {
	Paths []string // the files changed on both sides
	Saved string   // the reference that keeps the refused change
}

// Error implements error.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("the same document changed on the remote meanwhile (%s); the change was not applied, and is kept as %s",
		strings.Join(e.Paths, ", "), e.Saved)
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// PushError is a change committed locally that could not be pushed; the next Commit or
// Sync pushes it.
type PushError struct {
	Commit string
	Err    error
}

// Error implements error.
func (e *PushError) Error() string {
	return fmt.Sprintf("committed as %s, but not pushed yet (a later sync pushes it): %v", short(e.Commit), e.Err)
}

// Unwrap returns the cause.
func (e *PushError) Unwrap() error { return e.Err }

// systemAuthor signs the commits the program makes by itself.
var systemAuthor = Author{Name: "standoff", Email: "standoff@localhost"}

// Open opens the corpus folder as a repository, making it one when it is not: the files
// present become the first commit. With a remote, a repository made here follows the
// remote's branch when it has one (the files present are kept under
// refs/standoff/before-remote), and seeds an empty remote with them; an existing
// repository is not synced (call Sync). Changes that a crash left uncommitted are
// committed.
func Open(ctx context.Context, cfg Config) (*Repo, error) {
	if cfg.Branch == "" {
		cfg.Branch = DefaultBranch
	}
	if !plumbing.NewBranchReferenceName(cfg.Branch).IsBranch() || strings.ContainsAny(cfg.Branch, " ~^:?*[\\") {
		return nil, fmt.Errorf("open corpus repository: %q is not a branch name", cfg.Branch)
	}
	r := &Repo{cfg: cfg, log: cfg.Logger}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if cfg.Remote != "" {
		ep, err := transport.NewEndpoint(cfg.Remote)
		if err != nil {
			return nil, fmt.Errorf("open corpus repository: remote: %w", err)
		}
		if cfg.Token != "" && (ep.Protocol == "https" || ep.Protocol == "http") {
			r.auth = &githttp.BasicAuth{Username: "standoff", Password: cfg.Token}
		}
	}
	if info, err := os.Stat(cfg.Dir); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("open corpus repository: %s is not a folder", cfg.Dir)
	}
	unlock, err := lockFile(filepath.Join(cfg.Dir, ".git-standoff.lock"))
	if err != nil {
		return nil, fmt.Errorf("open corpus repository: %w", err)
	}
	defer unlock()
	fresh := false
	if _, err := os.Stat(filepath.Join(cfg.Dir, ".git", "HEAD")); errors.Is(err, fs.ErrNotExist) {
		os.RemoveAll(filepath.Join(cfg.Dir, ".git")) // what an init killed midway left
		_, err = git.PlainInitWithOptions(cfg.Dir, &git.PlainInitOptions{
			InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(cfg.Branch)}})
		if err != nil {
			return nil, fmt.Errorf("open corpus repository: %w", err)
		}
		fresh = true
	}
	if head, err := os.ReadFile(filepath.Join(cfg.Dir, ".git", "HEAD")); err == nil && !validHead(head) {
		// A HEAD that a crash left empty: point it at the branch again.
		if err := atomicfile.Write(filepath.Join(cfg.Dir, ".git", "HEAD"), []byte("ref: "+plumbing.NewBranchReferenceName(cfg.Branch).String()+"\n"), 0o644); err != nil {
			return nil, fmt.Errorf("open corpus repository: repair HEAD: %w", err)
		}
	}
	excludeOwnFiles(cfg.Dir)
	removeStrayRefs(filepath.Join(cfg.Dir, ".git"))
	// References and objects are written whole (see atomicRefs and looseObjects); the
	// work tree is the folder.
	repo, err := git.Open(looseObjects{newAtomicRefs(filepath.Join(cfg.Dir, ".git"))}, osfs.New(cfg.Dir))
	if err != nil {
		return nil, fmt.Errorf("open corpus repository: %w", err)
	}
	r.repo = repo
	if err := r.configure(); err != nil {
		return nil, err
	}
	if err := r.resume(); err != nil {
		return nil, err
	}
	if err := r.repair(ctx, fresh); err != nil {
		return nil, err
	}
	if cfg.Remote != "" && fresh {
		if err := r.join(ctx); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// configure makes the remote in the repository's configuration the one of cfg, and
// points HEAD at the branch.
func (r *Repo) configure() error {
	c, err := r.repo.Config()
	if err != nil {
		return fmt.Errorf("open corpus repository: config: %w", err)
	}
	changed := false
	if r.cfg.Remote == "" {
		if _, ok := c.Remotes[remoteName]; ok {
			delete(c.Remotes, remoteName)
			changed = true
		}
	} else if rc, ok := c.Remotes[remoteName]; !ok || len(rc.URLs) != 1 || rc.URLs[0] != r.cfg.Remote {
		c.Remotes[remoteName] = &config.RemoteConfig{Name: remoteName, URLs: []string{r.cfg.Remote},
			Fetch: []config.RefSpec{config.RefSpec("+refs/heads/*:refs/remotes/" + remoteName + "/*")}}
		changed = true
	}
	if changed {
		if err := r.repo.SetConfig(c); err != nil {
			return fmt.Errorf("open corpus repository: config: %w", err)
		}
	}
	head := plumbing.NewSymbolicReference(plumbing.HEAD, r.branchRef())
	if cur, err := r.repo.Storer.Reference(plumbing.HEAD); err != nil || cur.Target() != r.branchRef() {
		if err := r.repo.Storer.SetReference(head); err != nil {
			return fmt.Errorf("open corpus repository: HEAD: %w", err)
		}
	}
	return nil
}

// repair brings the repository back to a usable state after a crash: a missing or
// unreadable index is rebuilt from HEAD, and files changed but not committed are
// committed, so that nothing a change wrote is lost.
func (r *Repo) repair(ctx context.Context, fresh bool) error {
	if _, err := r.repo.Storer.Index(); err != nil {
		r.log.Warn("the corpus repository's index is unreadable; rebuilding it", "err", err)
		os.Remove(filepath.Join(r.cfg.Dir, ".git", "index"))
	}
	head, err := r.head()
	if err != nil {
		return err
	}
	if !head.IsZero() {
		wt, err := r.repo.Worktree()
		if err != nil {
			return fmt.Errorf("open corpus repository: %w", err)
		}
		if _, err := r.repo.Storer.Index(); err != nil {
			if err := wt.Reset(&git.ResetOptions{Commit: head, Mode: git.MixedReset}); err != nil {
				return fmt.Errorf("open corpus repository: rebuild the index: %w", err)
			}
		}
	}
	subject := "corpus: record the changes found uncommitted at start"
	if fresh {
		subject = "corpus: start the history with the documents present"
	}
	_, err = r.commitLocked(ctx, Change{Subject: subject, Author: systemAuthor})
	if err != nil && !errors.Is(err, git.ErrEmptyCommit) {
		return fmt.Errorf("open corpus repository: %w", err)
	}
	if err == nil && !fresh {
		r.log.Warn("committed corpus changes that a crash left uncommitted")
	}
	return nil
}

// join makes a repository just made follow the remote: it takes the remote's branch
// when there is one, and seeds an empty remote. Later, Sync does the rest.
func (r *Repo) join(ctx context.Context) error {
	remote, err := r.lsRemote(ctx)
	if err != nil {
		r.log.Warn("the corpus remote is unreachable; working on the local copy", "err", err)
		return nil
	}
	if remote.IsZero() {
		if err := r.pushLocked(ctx); err != nil {
			r.log.Warn("seeding the corpus remote failed", "err", err)
		} else {
			r.log.Info("seeded the empty corpus remote", "branch", r.cfg.Branch)
		}
		return nil
	}
	if err := r.fetch(ctx); err != nil {
		r.log.Warn("fetching the corpus remote failed", "err", err)
		return nil
	}
	tip, err := r.incoming()
	if err != nil {
		return err
	}
	if err := r.setTracking(tip); err != nil {
		return err
	}
	head, err := r.head()
	if err != nil {
		return err
	}
	if !head.IsZero() {
		if err := r.repo.Storer.SetReference(plumbing.NewHashReference("refs/standoff/before-remote", head)); err != nil {
			return fmt.Errorf("open corpus repository: %w", err)
		}
	}
	if err := r.moveTo(head, tip); err != nil {
		return fmt.Errorf("open corpus repository: take the remote's branch: %w", err)
	}
	r.log.Info("the corpus follows its remote", "branch", r.cfg.Branch, "commit", short(tip.String()))
	return nil
}

// ownFiles are the patterns of the files standoff keeps in the work tree for itself: the
// lock file and the temporary files of writes in progress.
const ownFiles = "/.git-standoff.lock\n.*" + atomicfile.Marker + "*\n"

// excludeOwnFiles lists ownFiles in .git/info/exclude, so that git (and go-git) leave
// them out of status and commits.
func excludeOwnFiles(dir string) {
	p := filepath.Join(dir, ".git", "info", "exclude")
	old, err := os.ReadFile(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return
	}
	if strings.Contains(string(old), ownFiles) {
		return
	}
	if len(old) > 0 && !strings.HasSuffix(string(old), "\n") {
		old = append(old, '\n')
	}
	if os.MkdirAll(filepath.Dir(p), 0o755) == nil {
		_ = atomicfile.Write(p, append(old, ownFiles...), 0o644)
	}
}

// validHead reports whether the content of a HEAD file names a reference or a commit.
func validHead(b []byte) bool {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, "ref: refs/") {
		return true
	}
	return len(s) == 40 && strings.Trim(s, "0123456789abcdef") == ""
}

// branchRef is the local branch.
func (r *Repo) branchRef() plumbing.ReferenceName {
	return plumbing.NewBranchReferenceName(r.cfg.Branch)
}

// trackingRef is the remote-tracking reference: the remote's branch as last seen.
func (r *Repo) trackingRef() plumbing.ReferenceName {
	return plumbing.NewRemoteReferenceName(remoteName, r.cfg.Branch)
}

// head returns the local branch's commit, zero when there is none yet.
func (r *Repo) head() (plumbing.Hash, error) {
	ref, err := r.repo.Storer.Reference(r.branchRef())
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("corpus repository: read %s: %w", r.branchRef(), err)
	}
	return ref.Hash(), nil
}

// tracking returns the remote's branch as last seen, zero when never seen.
func (r *Repo) tracking() (plumbing.Hash, error) {
	ref, err := r.repo.Storer.Reference(r.trackingRef())
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("corpus repository: read %s: %w", r.trackingRef(), err)
	}
	return ref.Hash(), nil
}

// Head returns the id of the commit the work tree is at, empty before the first one.
func (r *Repo) Head() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, err := r.head()
	if err != nil || h.IsZero() {
		return ""
	}
	return h.String()
}

// Dir returns the work tree's folder.
func (r *Repo) Dir() string { return r.cfg.Dir }

// HasRemote reports whether the repository follows a remote.
func (r *Repo) HasRemote() bool { return r.cfg.Remote != "" }

// lock serialises the repository's users: the goroutines of this process, and the
// processes sharing the folder.
func (r *Repo) lock() (func(), error) {
	r.mu.Lock()
	unlock, err := lockFile(filepath.Join(r.cfg.Dir, ".git-standoff.lock"))
	if err != nil {
		r.mu.Unlock()
		return nil, fmt.Errorf("corpus repository: %w", err)
	}
	return func() { unlock(); r.mu.Unlock() }, nil
}

// Commit records a change the caller made in the work tree as one commit, and pushes it
// when there is a remote. It returns the commit; git.ErrEmptyCommit when nothing changed.
// A push refused because the remote moved on is retried on the remote's new tip; a
// *ConflictError when the same document changed there; a *PushError when the remote
// could not be reached (the commit stays, and is pushed later).
func (r *Repo) Commit(ctx context.Context, ch Change) (Entry, error) {
	unlock, err := r.lock()
	if err != nil {
		return Entry{}, err
	}
	defer unlock()
	return r.commitPushLocked(ctx, ch)
}

// commitPushLocked is Commit with the lock held.
func (r *Repo) commitPushLocked(ctx context.Context, ch Change) (Entry, error) {
	h, err := r.commitLocked(ctx, ch)
	if err != nil {
		return Entry{}, err
	}
	if r.cfg.Remote != "" {
		if err := r.pushLocked(ctx); err != nil {
			var ce *ConflictError
			if errors.As(err, &ce) {
				return Entry{}, err
			}
			e, _ := r.entry(h)
			return e, &PushError{Commit: h.String(), Err: err}
		}
		// The change may have been re-applied onto the remote's tip.
		if h, err = r.head(); err != nil {
			return Entry{}, err
		}
	}
	return r.entry(h)
}

// commitLocked stages the change's paths (every change of the work tree when it names
// none) and commits them.
func (r *Repo) commitLocked(ctx context.Context, ch Change) (plumbing.Hash, error) {
	if err := ctx.Err(); err != nil {
		return plumbing.ZeroHash, err
	}
	wt, err := r.repo.Worktree()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("commit: %w", err)
	}
	if len(ch.Paths) == 0 {
		if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("commit: stage: %w", err)
		}
		// AddWithOptions skips hidden leftovers only by .gitignore; drop them from the index.
		if err := r.unstageHidden(); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	for _, p := range ch.Paths {
		if err := checkPath(p); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("commit: %w", err)
		}
		if _, err := os.Lstat(filepath.Join(r.cfg.Dir, filepath.FromSlash(p))); errors.Is(err, fs.ErrNotExist) {
			if err := r.unstage(p); err != nil {
				return plumbing.ZeroHash, err
			}
			continue
		}
		if err := wt.AddWithOptions(&git.AddOptions{Path: p, SkipStatus: true}); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("commit: stage %s: %w", p, err)
		}
	}
	head, err := r.head()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	a := ch.Author
	if a.Name == "" {
		a = systemAuthor
	}
	if a.Email == "" {
		a.Email = systemAuthor.Email
	}
	sig := &object.Signature{Name: oneLine(a.Name), Email: oneLine(a.Email), When: time.Now()}
	opts := &git.CommitOptions{Author: sig, Committer: sig}
	if !head.IsZero() {
		opts.Parents = []plumbing.Hash{head}
	}
	h, err := wt.Commit(message(ch), opts)
	if err != nil {
		if errors.Is(err, git.ErrEmptyCommit) {
			return plumbing.ZeroHash, err
		}
		return plumbing.ZeroHash, fmt.Errorf("commit: %w", err)
	}
	r.log.Info("corpus change committed", "commit", short(h.String()), "subject", ch.Subject)
	return h, nil
}

// unstage removes p from the index (the file is gone from the work tree).
func (r *Repo) unstage(p string) error {
	idx, err := r.repo.Storer.Index()
	if err != nil {
		return fmt.Errorf("commit: index: %w", err)
	}
	if _, err := idx.Remove(p); err != nil {
		return nil // not tracked: nothing to record
	}
	if err := r.repo.Storer.SetIndex(idx); err != nil {
		return fmt.Errorf("commit: index: %w", err)
	}
	return nil
}

// unstageHidden removes from the index the hidden files (temporary files of a write in
// progress, the lock file) that staging everything picked up.
func (r *Repo) unstageHidden() error {
	idx, err := r.repo.Storer.Index()
	if err != nil {
		return fmt.Errorf("commit: index: %w", err)
	}
	kept := idx.Entries[:0]
	for _, e := range idx.Entries {
		if !hidden(e.Name) {
			kept = append(kept, e)
		}
	}
	if len(kept) == len(idx.Entries) {
		return nil
	}
	idx.Entries = kept
	if err := r.repo.Storer.SetIndex(idx); err != nil {
		return fmt.Errorf("commit: index: %w", err)
	}
	return nil
}

// hidden reports whether a path has a part starting with ".".
func hidden(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

// checkPath refuses a path outside the folder or inside a hidden folder.
func checkPath(p string) error {
	if p == "" || !fs.ValidPath(p) || hidden(p) {
		return fmt.Errorf("%q is not a path of a document", p)
	}
	return nil
}

// message formats a change's commit message: subject, body, trailers.
func message(ch Change) string {
	var b strings.Builder
	subject := oneLine(ch.Subject)
	if subject == "" {
		subject = "corpus: change"
	}
	b.WriteString(subject)
	b.WriteString("\n")
	if body := strings.TrimSpace(ch.Body); body != "" {
		b.WriteString("\n" + body + "\n")
	}
	if len(ch.Trailers) > 0 {
		b.WriteString("\n")
		for _, t := range ch.Trailers {
			fmt.Fprintf(&b, "%s: %s\n", oneLine(t.Key), oneLine(t.Value))
		}
	}
	return b.String()
}

// oneLine folds white space, so that a name or subject cannot forge another line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// short returns the abbreviated commit id.
func short(id string) string {
	if len(id) > 10 {
		return id[:10]
	}
	return id
}

// moveTo points the branch at to and makes the work tree and index match it, from the
// tree of from (zero: none).
func (r *Repo) moveTo(from, to plumbing.Hash) error {
	// A crash in the middle leaves the branch moved and the files half so: the marker
	// tells the next Open to finish the move before anything else.
	marker := filepath.Join(r.cfg.Dir, ".git", moveMarker)
	if err := atomicfile.Write(marker, []byte(from.String()+" "+to.String()+"\n"), 0o644); err != nil {
		return fmt.Errorf("check out %s: %w", short(to.String()), err)
	}
	if err := r.doMove(from, to); err != nil {
		return err
	}
	if err := os.Remove(marker); err != nil {
		return fmt.Errorf("check out %s: %w", short(to.String()), err)
	}
	return nil
}

// moveMarker, in .git, names the move of the work tree in progress: "FROM TO".
const moveMarker = "standoff-move"

// rebasingRef keeps the local commits while they are re-applied onto the remote's tip.
const rebasingRef = plumbing.ReferenceName("refs/standoff/rebasing")

// resume finishes what a crash interrupted: a move of the work tree is done again, and a
// rebase is undone (the local commits come back, to be re-applied by the next push).
func (r *Repo) resume() error {
	marker := filepath.Join(r.cfg.Dir, ".git", moveMarker)
	if data, err := os.ReadFile(marker); err == nil {
		var from, to string
		if _, err := fmt.Sscan(string(data), &from, &to); err == nil {
			r.log.Warn("finishing a move of the corpus work tree that a crash interrupted", "to", short(to))
			if err := r.doMove(plumbing.NewHash(from), plumbing.NewHash(to)); err != nil {
				return fmt.Errorf("open corpus repository: finish the interrupted move: %w", err)
			}
		}
		if err := os.Remove(marker); err != nil {
			return fmt.Errorf("open corpus repository: %w", err)
		}
	}
	saved, err := r.repo.Storer.Reference(rebasingRef)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open corpus repository: %w", err)
	}
	head, err := r.head()
	if err != nil {
		return err
	}
	r.log.Warn("undoing a rebase that a crash interrupted; the next push does it again", "commit", short(saved.Hash().String()))
	if head != saved.Hash() {
		if err := r.moveTo(head, saved.Hash()); err != nil {
			return fmt.Errorf("open corpus repository: undo the interrupted rebase: %w", err)
		}
	}
	if err := r.repo.Storer.RemoveReference(rebasingRef); err != nil {
		return fmt.Errorf("open corpus repository: %w", err)
	}
	return nil
}

// doMove is moveTo without the marker.
func (r *Repo) doMove(from, to plumbing.Hash) error {
	var removed, written []string
	if !from.IsZero() {
		ft, err := r.treeOf(from)
		if err != nil {
			return err
		}
		tt, err := r.treeOf(to)
		if err != nil {
			return err
		}
		changes, err := object.DiffTree(ft, tt)
		if err != nil {
			return fmt.Errorf("diff: %w", err)
		}
		for _, c := range changes {
			if c.To.Name == "" {
				removed = append(removed, c.From.Name)
			} else {
				written = append(written, c.To.Name)
			}
		}
	}
	if err := r.setBranch(to); err != nil {
		return err
	}
	wt, err := r.repo.Worktree()
	if err != nil {
		return err
	}
	if err := wt.Reset(&git.ResetOptions{Commit: to, Mode: git.HardReset}); err != nil {
		return fmt.Errorf("check out %s: %w", short(to.String()), err)
	}
	if from.IsZero() {
		written = nil // every file: make them all private
		_ = filepath.WalkDir(r.cfg.Dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
				if rel, err := filepath.Rel(r.cfg.Dir, p); err == nil {
					written = append(written, filepath.ToSlash(rel))
				}
			} else if err == nil && d.IsDir() && d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		})
	}
	// go-git writes files readable by all; the corpus folder's files are its owner's only.
	for _, p := range written {
		_ = os.Chmod(filepath.Join(r.cfg.Dir, filepath.FromSlash(p)), 0o600)
		for dir := path.Dir(p); dir != "." && dir != "/"; dir = path.Dir(dir) {
			_ = os.Chmod(filepath.Join(r.cfg.Dir, filepath.FromSlash(dir)), 0o700)
		}
	}
	for _, p := range removed {
		full := filepath.Join(r.cfg.Dir, filepath.FromSlash(p))
		if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("check out %s: %w", short(to.String()), err)
		}
		removeEmptyParents(r.cfg.Dir, path.Dir(p))
	}
	return nil
}

// removeEmptyParents removes the folder dir (relative) and its parents when empty.
func removeEmptyParents(root, dir string) {
	for dir != "." && dir != "/" && dir != "" {
		if os.Remove(filepath.Join(root, filepath.FromSlash(dir))) != nil {
			return
		}
		dir = path.Dir(dir)
	}
}

// setBranch points the local branch at h.
func (r *Repo) setBranch(h plumbing.Hash) error {
	if err := r.repo.Storer.SetReference(plumbing.NewHashReference(r.branchRef(), h)); err != nil {
		return fmt.Errorf("set %s: %w", r.branchRef(), err)
	}
	return nil
}

// treeOf returns the tree of commit h.
func (r *Repo) treeOf(h plumbing.Hash) (*object.Tree, error) {
	c, err := r.repo.CommitObject(h)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", short(h.String()), err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", short(h.String()), err)
	}
	return t, nil
}

// entry describes commit h.
func (r *Repo) entry(h plumbing.Hash) (Entry, error) {
	c, err := r.repo.CommitObject(h)
	if err != nil {
		return Entry{}, fmt.Errorf("read commit %s: %w", short(h.String()), err)
	}
	e := Entry{ID: h.String(), Short: short(h.String()), Author: c.Author.Name, Email: c.Author.Email,
		When: c.Author.When.UTC(), Message: c.Message}
	e.Subject, _, _ = strings.Cut(c.Message, "\n")
	if c.NumParents() > 0 {
		e.Parent = c.ParentHashes[0].String()
	}
	e.Trailers = trailers(c.Message)
	files, err := r.filesOf(c)
	if err != nil {
		return Entry{}, err
	}
	e.Files = files
	return e, nil
}

// filesOf lists the files commit c changed against its first parent.
func (r *Repo) filesOf(c *object.Commit) ([]FileChange, error) {
	to, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", short(c.Hash.String()), err)
	}
	var from *object.Tree
	if c.NumParents() > 0 {
		p, err := c.Parent(0)
		if err != nil {
			return nil, fmt.Errorf("read commit %s: %w", short(c.Hash.String()), err)
		}
		if from, err = p.Tree(); err != nil {
			return nil, fmt.Errorf("read commit %s: %w", short(c.Hash.String()), err)
		}
	}
	changes, err := object.DiffTree(from, to)
	if err != nil {
		return nil, fmt.Errorf("diff commit %s: %w", short(c.Hash.String()), err)
	}
	out := make([]FileChange, 0, len(changes))
	for _, ch := range changes {
		switch {
		case ch.From.Name == "":
			out = append(out, FileChange{Path: ch.To.Name, Action: "added"})
		case ch.To.Name == "":
			out = append(out, FileChange{Path: ch.From.Name, Action: "removed"})
		default:
			out = append(out, FileChange{Path: ch.To.Name, Action: "updated"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// trailers reads the "Key: value" lines of a message's last paragraph.
func trailers(msg string) []Trailer {
	paras := strings.Split(strings.TrimSpace(msg), "\n\n")
	if len(paras) < 2 {
		return nil
	}
	var out []Trailer
	for _, line := range strings.Split(paras[len(paras)-1], "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil
		}
		out = append(out, Trailer{Key: k, Value: v})
	}
	return out
}
