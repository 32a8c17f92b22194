package gitcorpus

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/standoff-bot/standoff/corpus/gitcorpus/gittest"
)

// TestHostileTreeIsRefusedAndTheFixedOneTaken pushes, as fast-forwards, trees that
// wedged every bot before (the branch moved, then the checkout failed halfway, and the
// move marker made every later Open fail): each is refused with nothing moved, the
// folder keeps serving, a fresh bot starts, and the commit that fixes the remote is
// taken.
func TestHostileTreeIsRefusedAndTheFixedOneTaken(t *testing.T) {
	cases := []gittest.Entry{
		{Name: "aux.md", Mode: filemode.Regular, Data: "x"},
		{Name: "CON.md", Mode: filemode.Regular, Data: "x"},
		{Name: "nul.txt", Mode: filemode.Regular, Data: "x"},
		{Name: "..", Mode: filemode.Dir},
		{Name: ".GIT", Mode: filemode.Dir},
		{Name: "git~1", Mode: filemode.Dir},
		{Name: ".git", Mode: filemode.Dir},
		{Name: "a\x01b.md", Mode: filemode.Regular, Data: "x"},
		{Name: "tab\there.md", Mode: filemode.Regular, Data: "x"},
		{Name: "/etc/passwd", Mode: filemode.Regular, Data: "x"},
		{Name: "dot.md.", Mode: filemode.Regular, Data: "x"},
		{Name: "link.md", Mode: filemode.Symlink, Data: "../../victim.txt"},
		{Name: "cfg.md", Mode: filemode.Symlink, Data: ".git/config"},
		{Name: "sub", Mode: filemode.Submodule},
		{Name: "big.md", Mode: filemode.Regular, Data: strings.Repeat("a", 2<<20+1)},
		{Name: "Glossary.md", Mode: filemode.Regular, Data: "a case twin of glossary.md"},
		{Name: ".hidden.md", Mode: filemode.Regular, Data: "x"},
	}
	for _, hostile := range cases {
		t.Run(strings.ToValidUTF8(strings.Map(func(r rune) rune {
			if r < 0x20 {
				return '?'
			}
			return r
		}, hostile.Name), "?"), func(t *testing.T) {
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
			bad := gittest.PushRaw(t, bare, DefaultBranch, []gittest.Entry{hostile})

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
			fixed := gittest.PushRaw(t, bare, DefaultBranch, nil, hostile.Name)
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
	bad := gittest.PushRaw(t, bare, DefaultBranch, []gittest.Entry{{Name: "aux.md", Mode: filemode.Regular, Data: "x"}})
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
	gittest.PushRaw(t, bare, DefaultBranch, []gittest.Entry{{Name: "added", Mode: filemode.Regular, Data: "now a file"}}, "added")
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

// TestAdoptPushesTheLocalHistoryWhenAsked: a folder with documents of its own joins a
// remote with its own history; nothing of it is pushed until Adopt, which pushes it.
func TestAdoptPushesTheLocalHistoryWhenAsked(t *testing.T) {
	ctx := context.Background()
	url, _ := newRemote(t)
	a := open(t, newFolder(t, seed), url)
	dir := newFolder(t, map[string]string{"mine.md": "---\ntitle: Mine\n---\n\nMine.\n"})
	if _, err := Open(ctx, Config{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	b := open(t, dir, url)
	if _, ok := read(t, dir, "mine.md"); ok {
		t.Error("mine.md is still in the folder that follows the remote")
	}
	if _, err := b.Adopt(ctx); err != nil {
		t.Fatalf("adopt: %v", err)
	}
	if _, err := a.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := read(t, a.Dir(), "mine.md"); !ok {
		t.Error("the adopted document did not reach the remote")
	}
	if _, err := b.Adopt(ctx); !errors.Is(err, ErrNothingToAdopt) {
		t.Errorf("adopt again: %v, want nothing to adopt", err)
	}
}

// TestIndexIsReplacedNotRewritten: the git index is written to a temporary file and
// renamed over the old one (go-git rewrites it in place, and a kill midway left it
// truncated): a hard link to the old index still holds the old index whole.
func TestIndexIsReplacedNotRewritten(t *testing.T) {
	ctx := context.Background()
	dir := newFolder(t, seed)
	r, err := Open(ctx, Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(dir, ".git", "index")
	old, err := os.ReadFile(idx)
	if err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(t.TempDir(), "index-before")
	if err := os.Link(idx, keep); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	write(t, dir, "news/b.md", "---\ntitle: B\n---\n\nB.\n")
	if _, err := r.Commit(ctx, Change{Subject: "add b"}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(keep)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(old) {
		t.Error("the old index was rewritten in place")
	}
	now, err := os.ReadFile(idx)
	if err != nil {
		t.Fatal(err)
	}
	if string(now) == string(old) {
		t.Error("the index did not change with the commit")
	}
}

// TestRefusedTipStillTakesTheSafeCommitsBeforeIt: a folder behind a remote whose newest
// commit is unsafe takes the safe commits before it (a bot started afresh, or one that
// missed a sync, must not serve an older corpus than the remote's last good one), and the
// refusal is still reported.
func TestRefusedTipStillTakesTheSafeCommitsBeforeIt(t *testing.T) {
	ctx := context.Background()
	url, bare := newRemote(t)
	open(t, newFolder(t, seed), url)
	dirB := newFolder(t, nil)
	b := open(t, dirB, url)
	safe := gittest.PushRaw(t, bare, DefaultBranch, []gittest.Entry{{Name: "new.md", Mode: filemode.Regular, Data: "---\ntitle: New\n---\n\nNew.\n"}})
	gittest.PushRaw(t, bare, DefaultBranch, []gittest.Entry{{Name: "aux.md", Mode: filemode.Regular, Data: "x"}})

	res, err := b.Sync(ctx)
	if !errors.Is(err, ErrUnsafeTree) {
		t.Fatalf("sync: got %v, want an unsafe tree refused", err)
	}
	if got := b.Head(); got != safe.String() {
		t.Errorf("at %s, want the safe commit %s", short(got), short(safe.String()))
	}
	if !res.Changed || res.To != safe.String() {
		t.Errorf("result %+v, want a change to the safe commit", res)
	}
	if _, ok := read(t, dirB, "new.md"); !ok {
		t.Error("new.md, from the safe commit, is missing")
	}
	if _, ok := read(t, dirB, "aux.md"); ok {
		t.Error("aux.md, from the refused commit, was checked out")
	}
	// Again: still refused, nothing moves, nothing changes.
	res, err = b.Sync(ctx)
	if !errors.Is(err, ErrUnsafeTree) || res.Changed || b.Head() != safe.String() {
		t.Errorf("second sync: %+v, %v, at %s", res, err, short(b.Head()))
	}
}
