package gitcorpus

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// hostileEntry is one entry of a tree pushed by an attacker: any name, any mode.
type hostileEntry struct {
	name string
	mode filemode.FileMode
	data string // a blob's content, or a link's target
}

// pushRaw commits, on the bare remote at dir, a tree holding the files of the branch's
// tip plus extra, written as raw objects (go-git's work tree would refuse the names),
// as a fast-forward of the branch; it returns the commit.
func pushRaw(t *testing.T, dir string, extra []hostileEntry, drop ...string) plumbing.Hash {
	t.Helper()
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(DefaultBranch), true)
	if err != nil {
		t.Fatal(err)
	}
	tip, err := repo.CommitObject(ref.Hash())
	if err != nil {
		t.Fatal(err)
	}
	tipTree, err := tip.Tree()
	if err != nil {
		t.Fatal(err)
	}
	// Only the top level is rebuilt: the tip's entries, less drop, plus extra.
	var entries []object.TreeEntry
	for _, e := range tipTree.Entries {
		if !contains(drop, e.Name) {
			entries = append(entries, e)
		}
	}
	for _, x := range extra {
		var h plumbing.Hash
		switch x.mode {
		case filemode.Dir:
			h = rawTree(t, repo.Storer, []object.TreeEntry{{Name: "x.md", Mode: filemode.Regular, Hash: rawBlob(t, repo.Storer, "---\ntitle: X\n---\n\nX.\n")}})
		case filemode.Submodule:
			h = tip.Hash
		default:
			h = rawBlob(t, repo.Storer, x.data)
		}
		entries = append(entries, object.TreeEntry{Name: x.name, Mode: x.mode, Hash: h})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	treeHash := rawTree(t, repo.Storer, entries)
	c := &object.Commit{Author: object.Signature{Name: "attacker", Email: "a@example.com", When: time.Now()},
		Message: "hostile", TreeHash: treeHash, ParentHashes: []plumbing.Hash{tip.Hash}}
	c.Committer = c.Author
	obj := repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		t.Fatal(err)
	}
	h, err := repo.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(DefaultBranch), h)); err != nil {
		t.Fatal(err)
	}
	return h
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func rawBlob(t *testing.T, s storer.EncodedObjectStorer, data string) plumbing.Hash {
	t.Helper()
	obj := s.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, _ := obj.Writer()
	w.Write([]byte(data))
	w.Close()
	h, err := s.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func rawTree(t *testing.T, s storer.EncodedObjectStorer, entries []object.TreeEntry) plumbing.Hash {
	t.Helper()
	tree := &object.Tree{Entries: entries}
	obj := s.NewEncodedObject()
	if err := tree.Encode(obj); err != nil {
		t.Fatal(err)
	}
	h, err := s.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestHostileTreeIsRefusedAndTheFixedOneTaken pushes, as fast-forwards, trees that
// wedged every bot before (the branch moved, then the checkout failed halfway, and the
// move marker made every later Open fail): each is refused with nothing moved, the
// folder keeps serving, a fresh bot starts, and the commit that fixes the remote is
// taken.
func TestHostileTreeIsRefusedAndTheFixedOneTaken(t *testing.T) {
	cases := []hostileEntry{
		{name: "aux.md", mode: filemode.Regular, data: "x"},
		{name: "CON.md", mode: filemode.Regular, data: "x"},
		{name: "nul.txt", mode: filemode.Regular, data: "x"},
		{name: "..", mode: filemode.Dir},
		{name: ".GIT", mode: filemode.Dir},
		{name: "git~1", mode: filemode.Dir},
		{name: ".git", mode: filemode.Dir},
		{name: "a\x01b.md", mode: filemode.Regular, data: "x"},
		{name: "tab\there.md", mode: filemode.Regular, data: "x"},
		{name: "/etc/passwd", mode: filemode.Regular, data: "x"},
		{name: "dot.md.", mode: filemode.Regular, data: "x"},
		{name: "link.md", mode: filemode.Symlink, data: "../../victim.txt"},
		{name: "cfg.md", mode: filemode.Symlink, data: ".git/config"},
		{name: "sub", mode: filemode.Submodule},
		{name: "big.md", mode: filemode.Regular, data: strings.Repeat("a", 2<<20+1)},
		{name: "Glossary.md", mode: filemode.Regular, data: "a case twin of glossary.md"},
		{name: ".hidden.md", mode: filemode.Regular, data: "x"},
	}
	for _, hostile := range cases {
		t.Run(strings.ToValidUTF8(strings.Map(func(r rune) rune {
			if r < 0x20 {
				return '?'
			}
			return r
		}, hostile.name), "?"), func(t *testing.T) {
			ctx := context.Background()
			url, bare := newRemote(t)
			a := open(t, newFolder(t, seed), url)
			good := a.Head()
			dirB := newFolder(t, nil)
			b := open(t, dirB, url)
			if b.Head() != good {
				t.Fatalf("b at %s, want %s", b.Head(), good)
			}
			victim := filepath.Join(t.TempDir(), "victim.txt")
			if err := os.WriteFile(victim, []byte("v"), 0o644); err != nil {
				t.Fatal(err)
			}
			bad := pushRaw(t, bare, []hostileEntry{hostile})

			for i := range 2 { // the second sync must not report success on a half tree
				_, err := b.Sync(ctx)
				if !errors.Is(err, ErrUnsafeTree) {
					t.Fatalf("sync %d: got %v, want an unsafe tree refused", i+1, err)
				}
			}
			if got := b.Head(); got != good {
				t.Errorf("the branch moved to %s on a refused tree", short(got))
			}
			if _, err := os.Stat(filepath.Join(dirB, ".git", moveMarker)); err == nil {
				t.Errorf("a move marker was left behind")
			}
			if s, ok := read(t, dirB, "glossary.md"); !ok || !strings.Contains(s, "Breakout") {
				t.Errorf("glossary.md is %q, %v after the refusal", s, ok)
			}
			if info, err := os.Stat(victim); err != nil || info.Mode().Perm() != 0o644 {
				t.Errorf("the file outside the folder changed: %v %v", info, err)
			}
			// A fresh bot starts on this remote, and reopening the first one works.
			if _, err := Open(ctx, Config{Dir: newFolder(t, nil), Remote: url}); err != nil {
				t.Errorf("a fresh folder cannot open: %v", err)
			}
			if _, err := Open(ctx, Config{Dir: dirB, Remote: url}); err != nil {
				t.Errorf("reopen: %v", err)
			}
			// The remote is fixed: the next sync takes the fixed commit.
			fixed := pushRaw(t, bare, nil, hostile.name)
			if fixed == bad {
				t.Fatal("the fix made no new commit")
			}
			if _, err := b.Sync(ctx); err != nil {
				t.Fatalf("sync after the fix: %v", err)
			}
			if got := b.Head(); got != fixed.String() {
				t.Errorf("after the fix at %s, want %s", short(got), short(fixed.String()))
			}
			// And the folder is clean: a commit of nothing is empty.
			if _, err := b.Commit(ctx, Change{Subject: "nothing"}); !errors.Is(err, git.ErrEmptyCommit) {
				t.Errorf("commit after the fix: %v, want an empty commit", err)
			}
		})
	}
}

// TestOpenUndoesAnInterruptedMoveOntoAnUnsafeTree: a marker that an older version left
// for a move onto a tree this one refuses is undone, and Open succeeds.
func TestOpenUndoesAnInterruptedMoveOntoAnUnsafeTree(t *testing.T) {
	ctx := context.Background()
	url, bare := newRemote(t)
	dir := newFolder(t, seed)
	a := open(t, dir, url)
	good := a.Head()
	bad := pushRaw(t, bare, []hostileEntry{{name: "aux.md", mode: filemode.Regular, data: "x"}})
	if _, err := a.Sync(ctx); !errors.Is(err, ErrUnsafeTree) {
		t.Fatalf("sync: %v", err)
	}
	// What the older version left: the branch moved, the marker written.
	marker := filepath.Join(dir, ".git", moveMarker)
	if err := os.WriteFile(marker, []byte(good+" "+bad.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := a.setBranch(bad); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, Config{Dir: dir, Remote: url})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if got := r.Head(); got != good {
		t.Errorf("at %s after the undone move, want %s", short(got), short(good))
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the marker is still there")
	}
}

// TestFIFOInTheFolderDoesNotHang: a FIFO in the corpus folder is left out of commits;
// Open, Commit and Sync return (before, staging opened it and blocked forever).
func TestFIFOInTheFolderDoesNotHang(t *testing.T) {
	ctx := context.Background()
	url, _ := newRemote(t)
	dir := newFolder(t, seed)
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.md"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := open(t, dir, url)
	write(t, dir, "news/b.md", "---\ntitle: B\n---\n\nB.\n")
	e, err := r.Commit(ctx, Change{Subject: "add b"})
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	for _, f := range e.Files {
		if f.Path == "fifo.md" {
			t.Errorf("the FIFO was committed")
		}
	}
	if _, err := r.Sync(ctx); err != nil {
		t.Errorf("sync: %v", err)
	}
}

// TestLinksInTheFolderAreNeverFollowedOrCommitted: a link in the corpus folder, to a
// file outside it or to .git/config, is left out of commits, and nothing is chmodded
// through it.
func TestLinksInTheFolderAreNeverFollowedOrCommitted(t *testing.T) {
	ctx := context.Background()
	url, _ := newRemote(t)
	dir := newFolder(t, seed)
	victim := filepath.Join(t.TempDir(), "victim.txt")
	if err := os.WriteFile(victim, []byte("v"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dir, "link.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(".git/config", filepath.Join(dir, "cfg.md")); err != nil {
		t.Fatal(err)
	}
	r := open(t, dir, url)
	b := open(t, newFolder(t, nil), url)
	write(t, b.Dir(), "news/b.md", "---\ntitle: B\n---\n\nB.\n")
	if _, err := b.Commit(ctx, Change{Subject: "add b"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Sync(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	hist, err := r.History(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range hist {
		for _, f := range e.Files {
			if f.Path == "link.md" || f.Path == "cfg.md" {
				t.Errorf("%s committed in %s", f.Path, e.Short)
			}
		}
	}
	if info, err := os.Stat(victim); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("the file outside the folder changed: %v", info.Mode())
	}
	if info, err := os.Stat(filepath.Join(dir, ".git", "config")); err != nil || info.Mode().Perm() == 0o600 && false {
		t.Errorf(".git/config: %v", err)
	}
}

// TestDeviceNameInTheFolderIsLeftOut: a local file named like a Windows device does not
// stop Open or a commit; it is left out.
func TestDeviceNameInTheFolderIsLeftOut(t *testing.T) {
	ctx := context.Background()
	dir := newFolder(t, seed)
	write(t, dir, "aux.md", "---\ntitle: Aux\n---\n\nAux.\n")
	r, err := Open(ctx, Config{Dir: dir})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	write(t, dir, "news/b.md", "---\ntitle: B\n---\n\nB.\n")
	e, err := r.Commit(ctx, Change{Subject: "add b"})
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	if len(e.Files) != 1 || e.Files[0].Path != "news/b.md" {
		t.Errorf("committed %v, want news/b.md only", e.Files)
	}
}

// TestRebaseNeverMakesAMalformedTree: the remote turns the folder added/ into a file
// while a local change adds added/x.md: the change is refused as a conflict, and
// nothing malformed is pushed (before, "added" was pushed as a file and a tree).
func TestRebaseNeverMakesAMalformedTree(t *testing.T) {
	ctx := context.Background()
	url, bare := newRemote(t)
	files := map[string]string{"glossary.md": seed["glossary.md"], "added/a.md": "---\ntitle: A\n---\n\nA.\n"}
	a := open(t, newFolder(t, files), url)
	b := open(t, newFolder(t, nil), url)
	write(t, a.Dir(), "added/x.md", "---\ntitle: X\n---\n\nX.\n")
	// The remote, meanwhile: added/ becomes a file.
	pushRaw(t, bare, []hostileEntry{{name: "added", mode: filemode.Regular, data: "now a file"}}, "added")
	_, err := a.Commit(ctx, Change{Subject: "add x", Paths: []string{"added/x.md"}})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("commit: %v, want a conflict", err)
	}
	if _, err := b.Sync(ctx); err != nil {
		t.Fatalf("the other copy cannot sync: %v", err)
	}
	if git, err := exec.LookPath("git"); err == nil {
		out, err := exec.Command(git, "-C", bare, "fsck", "--strict").CombinedOutput()
		if err != nil {
			t.Errorf("git fsck on the remote: %v\n%s", err, out)
		}
	}
}

// TestKilledBeforeJoinFollowsTheRemote: a folder whose first start was killed before it
// joined its remote (or that was first used without one) follows the remote at its
// next Open, and pushes nothing of its own; Adopt pushes it when asked.
func TestKilledBeforeJoinFollowsTheRemote(t *testing.T) {
	ctx := context.Background()
	url, _ := newRemote(t)
	a := open(t, newFolder(t, seed), url)
	// The second folder started without its remote, with documents of its own.
	dir := newFolder(t, map[string]string{"glossary.md": "---\ntitle: Glossary\n---\n\nAnother glossary.\n", "mine.md": "---\ntitle: Mine\n---\n\nMine.\n"})
	if _, err := Open(ctx, Config{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	b := open(t, dir, url)
	if got := b.Head(); got != a.Head() {
		t.Errorf("b at %s, want the remote's %s", short(got), short(a.Head()))
	}
	if s, _ := read(t, dir, "glossary.md"); !strings.Contains(s, "Breakout") {
		t.Errorf("glossary.md is %q, want the remote's", s)
	}
	if _, err := b.Sync(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	if _, err := a.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := read(t, a.Dir(), "mine.md"); ok {
		t.Error("b pushed its own documents without being asked")
	}
	// Asked: the local history is re-applied; glossary.md differs on both sides.
	_, err := b.Adopt(ctx)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("adopt: %v, want a conflict on glossary.md", err)
	}
}
