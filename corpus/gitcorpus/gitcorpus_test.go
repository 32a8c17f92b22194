package gitcorpus

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

func TestMain(m *testing.M) {
	InstallFileTransport()
	os.Exit(m.Run())
}

// newRemote makes an empty bare repository and returns its file:// URL.
func newRemote(t testing.TB) (string, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "remote.git")
	if _, err := git.PlainInit(dir, true); err != nil {
		t.Fatal(err)
	}
	return "file://" + dir, dir
}

// newFolder makes a corpus folder with the given files.
func newFolder(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "corpus")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for p, s := range files {
		write(t, dir, p, s)
	}
	return dir
}

func write(t testing.TB, dir, p, s string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func read(t testing.TB, dir, p string) (string, bool) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	if errors.Is(err, os.ErrNotExist) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(data), true
}

func open(t testing.TB, dir, remote string) *Repo {
	t.Helper()
	r, err := Open(context.Background(), Config{Dir: dir, Remote: remote})
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return r
}

var seed = map[string]string{"glossary.md": "---\ntitle: Glossary\n---\n\nBreakout time.\n", "news/a.md": "---\ntitle: A\n---\n\nA.\n"}

func TestSeedAddSyncUndo(t *testing.T) {
	ctx := context.Background()
	url, _ := newRemote(t)
	a := open(t, newFolder(t, seed), url)
	// B starts from other files: it follows the remote, and keeps its own under a ref.
	b := open(t, newFolder(t, map[string]string{"other.md": "x"}), url)
	if got, want := b.Head(), a.Head(); got != want || got == "" {
		t.Fatalf("B's head = %q, want A's %q", got, want)
	}
	if _, ok := read(t, b.Dir(), "other.md"); ok {
		t.Errorf("B kept other.md, which the remote does not have")
	}
	if got, _ := read(t, b.Dir(), "glossary.md"); got != seed["glossary.md"] {
		t.Errorf("B's glossary = %q", got)
	}

	write(t, a.Dir(), "added/iaea.md", "---\ntitle: IAEA\n---\n\nInspectors.\n")
	e, err := a.Commit(ctx, Change{Subject: "corpus add: added added/iaea — IAEA", Author: Author{Name: "Mod"},
		Trailers: []Trailer{{"Discord-User", "Mod (42)"}}, Paths: []string{"added/iaea.md"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Files, []FileChange{{Path: "added/iaea.md", Action: "added"}}; !slices.Equal(got, want) {
		t.Errorf("files = %v, want %v", got, want)
	}
	res, err := b.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed || res.To != e.ID {
		t.Errorf("Sync = %+v, want changed to %s", res, e.ID)
	}
	if _, ok := read(t, b.Dir(), "added/iaea.md"); !ok {
		t.Fatal("B has not got the added document")
	}
	res, err = b.Sync(ctx)
	if err != nil || res.Changed {
		t.Errorf("second Sync = %+v, %v; want nothing changed", res, err)
	}
	hist, err := b.History(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].ID != e.ID || hist[0].Author != "Mod" {
		t.Fatalf("history = %+v", hist)
	}
	if got, want := hist[0].Trailers, []Trailer{{"Discord-User", "Mod (42)"}}; !slices.Equal(got, want) {
		t.Errorf("trailers = %v, want %v", got, want)
	}
	u, err := b.Undo(ctx, hist[0].Short, Author{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.Files, []FileChange{{Path: "added/iaea.md", Action: "removed"}}; !slices.Equal(got, want) {
		t.Errorf("undo files = %v, want %v", got, want)
	}
	if _, err := a.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := read(t, a.Dir(), "added/iaea.md"); ok {
		t.Error("A still has the document after the undo and a sync")
	}
	if _, err := os.Stat(filepath.Join(a.Dir(), "added")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the emptied folder is still there: %v", err)
	}
	if _, err := b.Undo(ctx, hist[0].Short, Author{Name: "Other"}); !errors.Is(err, ErrConflict) {
		t.Errorf("undoing twice: err = %v, want a conflict", err)
	}
	if _, err := b.Undo(ctx, "zz", Author{}); !errors.Is(err, ErrUnknownChange) {
		t.Errorf("undo zz: err = %v, want ErrUnknownChange", err)
	}
}

func TestConcurrentChangesConverge(t *testing.T) {
	ctx := context.Background()
	url, _ := newRemote(t)
	repos := []*Repo{open(t, newFolder(t, seed), url), nil}
	repos[1] = open(t, newFolder(t, nil), url)
	var wg sync.WaitGroup
	var callers [2]sync.Mutex
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := repos[i%2]
			p := fmt.Sprintf("added/doc-%02d.md", i)
			// The file written and committed under one lock, as a caller does (the
			// bot holds its moderation lock): the repositories' own syncs race.
			callers[i%2].Lock()
			defer callers[i%2].Unlock()
			write(t, r.Dir(), p, fmt.Sprintf("doc %d\n", i))
			if _, err := r.Commit(ctx, Change{Subject: "add " + p, Paths: []string{p}}); err != nil {
				errs <- fmt.Errorf("%s: %w", p, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, r := range repos {
		if _, err := r.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if repos[0].Head() != repos[1].Head() {
		t.Fatalf("heads differ: %s, %s", repos[0].Head(), repos[1].Head())
	}
	for _, r := range repos {
		for i := range 20 {
			if got, ok := read(t, r.Dir(), fmt.Sprintf("added/doc-%02d.md", i)); !ok || got != fmt.Sprintf("doc %d\n", i) {
				t.Errorf("%s: doc %d = %q, %v", r.Dir(), i, got, ok)
			}
		}
	}
	hist, err := repos[0].History(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(hist), 21; got != want {
		t.Errorf("history has %d commits, want %d", got, want)
	}
}

func TestConflictRefused(t *testing.T) {
	ctx := context.Background()
	url, _ := newRemote(t)
	a := open(t, newFolder(t, seed), url)
	b := open(t, newFolder(t, nil), url)
	write(t, a.Dir(), "glossary.md", "from A\n")
	if _, err := a.Commit(ctx, Change{Subject: "A", Paths: []string{"glossary.md"}}); err != nil {
		t.Fatal(err)
	}
	write(t, b.Dir(), "glossary.md", "from B\n")
	write(t, b.Dir(), "news/b.md", "B\n")
	_, err := b.Commit(ctx, Change{Subject: "B", Paths: []string{"glossary.md", "news/b.md"}})
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a conflict", err)
	}
	if got, want := ce.Paths, []string{"glossary.md"}; !slices.Equal(got, want) {
		t.Errorf("conflict paths = %v, want %v", got, want)
	}
	if got, _ := read(t, b.Dir(), "glossary.md"); got != "from A\n" {
		t.Errorf("B's glossary = %q, want A's", got)
	}
	ref, err := b.repo.Reference(plumbing.ReferenceName(ce.Saved), true)
	if err != nil {
		t.Fatalf("the refused change is not kept: %v", err)
	}
	c, _ := b.repo.CommitObject(ref.Hash())
	f, err := c.File("glossary.md")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Contents(); got != "from B\n" {
		t.Errorf("kept glossary = %q", got)
	}
	if b.Head() != a.Head() {
		t.Errorf("B does not follow the remote after the refusal")
	}
}

func TestForgedHistoryRefused(t *testing.T) {
	ctx := context.Background()
	url, remoteDir := newRemote(t)
	a := open(t, newFolder(t, seed), url)
	// Someone force-pushes an unrelated history.
	other, err := git.PlainInit(t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := other.Worktree()
	write(t, wt.Filesystem.Root(), "evil.md", "evil\n")
	wt.Add("evil.md")
	sig := &object.Signature{Name: "x", Email: "x@x", When: time.Now()}
	if _, err := wt.Commit("forged", &git.CommitOptions{Author: sig}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{url}}); err != nil {
		t.Fatal(err)
	}
	err = other.Push(&git.PushOptions{RemoteName: "origin", Force: true,
		RefSpecs: []config.RefSpec{"refs/heads/master:refs/heads/main"}})
	if err != nil {
		t.Fatalf("force-push: %v (remote %s)", err, remoteDir)
	}
	before := a.Head()
	if _, err := a.Sync(ctx); !errors.Is(err, ErrForged) {
		t.Fatalf("Sync err = %v, want ErrForged", err)
	}
	if a.Head() != before {
		t.Error("the forged history was followed")
	}
	if _, ok := read(t, a.Dir(), "evil.md"); ok {
		t.Error("the forged file is in the work tree")
	}
}

func TestRemoteGoneAndBack(t *testing.T) {
	ctx := context.Background()
	url, remoteDir := newRemote(t)
	a := open(t, newFolder(t, seed), url)
	b := open(t, newFolder(t, nil), url)
	if err := os.Rename(remoteDir, remoteDir+".away"); err != nil {
		t.Fatal(err)
	}
	write(t, a.Dir(), "news/c.md", "C\n")
	_, err := a.Commit(ctx, Change{Subject: "C", Paths: []string{"news/c.md"}})
	var pe *PushError
	if !errors.As(err, &pe) {
		t.Fatalf("commit with the remote away: err = %v, want a PushError", err)
	}
	if _, err := b.Sync(ctx); err == nil {
		t.Error("Sync with the remote away succeeded")
	}
	if err := os.Rename(remoteDir+".away", remoteDir); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Sync(ctx); err != nil || !res.Pushed {
		t.Fatalf("A's sync = %+v, %v; want the commit pushed", res, err)
	}
	if res, err := b.Sync(ctx); err != nil || !res.Changed {
		t.Fatalf("B's sync = %+v, %v", res, err)
	}
	if _, ok := read(t, b.Dir(), "news/c.md"); !ok {
		t.Error("B has not got the change made while the remote was away")
	}
}

func TestOpenCommitsWhatACrashLeft(t *testing.T) {
	ctx := context.Background()
	dir := newFolder(t, seed)
	r := open(t, dir, "")
	first := r.Head()
	write(t, dir, "news/left.md", "left\n")
	write(t, dir, "news/.left.md.tmp-123", "partial")
	os.Remove(filepath.Join(dir, "news", "a.md"))
	r2 := open(t, dir, "")
	if r2.Head() == first {
		t.Fatal("the leftover change was not committed")
	}
	hist, err := r2.History(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []FileChange{{Path: "news/a.md", Action: "removed"}, {Path: "news/left.md", Action: "added"}}
	if got := hist[0].Files; !slices.Equal(got, want) {
		t.Errorf("files = %v, want %v", got, want)
	}
	// A broken index is rebuilt.
	if err := os.WriteFile(filepath.Join(dir, ".git", "index"), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	r3 := open(t, dir, "")
	if r3.Head() != r2.Head() {
		t.Errorf("reopening with a broken index made a commit")
	}
}

// BenchmarkSyncNothingNew measures a sync that finds the remote unchanged.
func BenchmarkSyncNothingNew(b *testing.B) {
	ctx := context.Background()
	url, _ := newRemote(b)
	open(b, newFolder(b, seed), url)
	r := open(b, newFolder(b, nil), url)
	b.ResetTimer()
	for b.Loop() {
		res, err := r.Sync(ctx)
		if err != nil || res.Changed {
			b.Fatal(res, err)
		}
	}
}

func TestFilesFromTheRemoteArePrivate(t *testing.T) {
	url, _ := newRemote(t)
	a := open(t, newFolder(t, seed), url)
	b := open(t, newFolder(t, nil), url)
	write(t, a.Dir(), "news/new.md", "new\n")
	if _, err := a.Commit(context.Background(), Change{Subject: "new", Paths: []string{"news/new.md"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{"glossary.md": 0o600, "news/new.md": 0o600, "news": 0o700} {
		info, err := os.Stat(filepath.Join(b.Dir(), p))
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", p, got, want)
		}
	}
}

func TestSyncKeepsFilesEditedByHand(t *testing.T) {
	ctx := context.Background()
	url, _ := newRemote(t)
	a := open(t, newFolder(t, seed), url)
	b := open(t, newFolder(t, nil), url)
	write(t, a.Dir(), "news/from-a.md", "A\n")
	if _, err := a.Commit(ctx, Change{Subject: "A", Paths: []string{"news/from-a.md"}}); err != nil {
		t.Fatal(err)
	}
	write(t, b.Dir(), "glossary.md", "edited by hand in B\n")
	write(t, b.Dir(), "news/by-hand.md", "new by hand\n")
	res, err := b.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed || !res.Pushed {
		t.Errorf("Sync = %+v, want changed and pushed", res)
	}
	for p, want := range map[string]string{"glossary.md": "edited by hand in B\n", "news/by-hand.md": "new by hand\n", "news/from-a.md": "A\n"} {
		if got, _ := read(t, b.Dir(), p); got != want {
			t.Errorf("B's %s = %q, want %q", p, got, want)
		}
	}
	if _, err := a.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := read(t, a.Dir(), "glossary.md"); got != "edited by hand in B\n" {
		t.Errorf("A's glossary = %q: B's edit did not reach it", got)
	}
}

func TestOpenRepairsAnEmptyHead(t *testing.T) {
	dir := newFolder(t, seed)
	first := open(t, dir, "").Head()
	if err := os.WriteFile(filepath.Join(dir, ".git", "HEAD"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := open(t, dir, "").Head(); got != first {
		t.Errorf("head after repair = %q, want %q", got, first)
	}
}

// TestOpenFinishesAnInterruptedMove leaves the branch moved and the files half so, as a
// crash in a fast-forward would: Open finishes the move, and commits nothing.
func TestOpenFinishesAnInterruptedMove(t *testing.T) {
	ctx := context.Background()
	dir := newFolder(t, seed)
	r := open(t, dir, "")
	from := r.Head()
	write(t, dir, "news/b.md", "B\n")
	write(t, dir, "glossary.md", "new glossary\n")
	os.Remove(filepath.Join(dir, "news", "a.md"))
	e, err := r.Commit(ctx, Change{Subject: "move"})
	if err != nil {
		t.Fatal(err)
	}
	// Back to the old files, with the branch at the new commit and a half-written file.
	write(t, dir, "news/a.md", seed["news/a.md"])
	write(t, dir, "glossary.md", "new glo")
	os.Remove(filepath.Join(dir, "news", "b.md"))
	if err := os.WriteFile(filepath.Join(dir, ".git", moveMarker), []byte(from+" "+e.ID+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r2 := open(t, dir, "")
	if got := r2.Head(); got != e.ID {
		t.Errorf("head = %s, want %s (nothing committed)", got, e.ID)
	}
	for p, want := range map[string]string{"glossary.md": "new glossary\n", "news/b.md": "B\n"} {
		if got, _ := read(t, dir, p); got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	if _, ok := read(t, dir, "news/a.md"); ok {
		t.Error("news/a.md, removed by the move, is back")
	}
}

// TestOpenUndoesAnInterruptedRebase leaves the branch at the remote's tip with the local
// commit only in the rebase's reference, as a crash in a rebase would: Open brings the
// local commit back, and the next sync pushes it.
func TestOpenUndoesAnInterruptedRebase(t *testing.T) {
	ctx := context.Background()
	url, remoteDir := newRemote(t)
	a := open(t, newFolder(t, seed), url)
	b := open(t, newFolder(t, nil), url)
	write(t, a.Dir(), "news/from-a.md", "A\n")
	if _, err := a.Commit(ctx, Change{Subject: "A", Paths: []string{"news/from-a.md"}}); err != nil {
		t.Fatal(err)
	}
	// B commits while the remote is away, then "crashes" in the rebase just after moving
	// to the remote's tip.
	os.Rename(remoteDir, remoteDir+".away")
	write(t, b.Dir(), "news/from-b.md", "B\n")
	local, err := b.Commit(ctx, Change{Subject: "B", Paths: []string{"news/from-b.md"}})
	var pe *PushError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a PushError", err)
	}
	os.Rename(remoteDir+".away", remoteDir)
	if err := b.fetch(ctx); err != nil {
		t.Fatal(err)
	}
	tip, _ := b.incoming()
	b.repo.Storer.SetReference(plumbing.NewHashReference(rebasingRef, plumbing.NewHash(local.ID)))
	if err := b.moveTo(plumbing.NewHash(local.ID), tip); err != nil {
		t.Fatal(err)
	}
	b2 := open(t, b.Dir(), url)
	if got := b2.Head(); got != local.ID {
		t.Fatalf("head after Open = %s, want the local commit %s back", got, local.ID)
	}
	if _, err := b2.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"news/from-a.md", "news/from-b.md"} {
		if _, ok := read(t, b2.Dir(), p); !ok {
			t.Errorf("B lacks %s after the sync", p)
		}
	}
	if _, err := a.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := read(t, a.Dir(), "news/from-b.md"); !ok {
		t.Error("B's change never reached A")
	}
}

// BenchmarkCommitOneOfManyDocuments commits one changed document in a folder of 500:
// staging walks the folder and hashes only what changed.
func BenchmarkCommitOneOfManyDocuments(b *testing.B) {
	ctx := context.Background()
	files := map[string]string{}
	for i := range 500 {
		files[fmt.Sprintf("news/d%03d.md", i)] = fmt.Sprintf("---\ntitle: D%d\n---\n\n%s\n", i, strings.Repeat("Some text of a document. ", 200))
	}
	dir := newFolder(b, files)
	r, err := Open(ctx, Config{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		write(b, dir, "news/d000.md", fmt.Sprintf("---\ntitle: D0\n---\n\nVersion %d.\n", i))
		if _, err := r.Commit(ctx, Change{Subject: "edit"}); err != nil {
			b.Fatal(err)
		}
	}
}
