//go:build unix

package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"golang.org/x/sys/unix"

	"github.com/standoff-bot/standoff/bot/discordtest"
)

// remoteFiles lists the files of the remote's main branch.
func remoteFiles(t testing.TB, remote string) map[string]bool {
	t.Helper()
	r, err := git.PlainOpen(remote)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := r.Reference(plumbing.NewBranchReferenceName("main"), true)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.CommitObject(ref.Hash())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	files, _ := c.Files()
	files.ForEach(func(f *object.File) error { out[f.Name] = true; return nil })
	return out
}

// checkInStep checks that the work tree in dir is clean and at the remote's head.
func checkInStep(t testing.TB, dir, remote string) {
	t.Helper()
	local, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatalf("the corpus folder is not a repository: %v", err)
	}
	head, err := local.Head()
	if err != nil {
		t.Fatalf("no head: %v", err)
	}
	rr, _ := git.PlainOpen(remote)
	rref, err := rr.Reference(plumbing.NewBranchReferenceName("main"), true)
	if err != nil || rref.Hash() != head.Hash() {
		t.Errorf("local head %s, remote %v (%v)", head.Hash(), rref, err)
	}
	wt, _ := local.Worktree()
	st, err := wt.Status()
	if err != nil {
		t.Fatal(err)
	}
	for p, s := range st {
		if strings.HasPrefix(filepath.Base(p), ".") {
			continue
		}
		t.Errorf("%s is not committed: %c%c", p, s.Staging, s.Worktree)
	}
}

// TestCorpusGitCrash kills `standoff corpus add` with SIGKILL at random moments, among
// them its commit and its push to the remote; after each kill, the next run (a sync)
// repairs the folder: it is a clean work tree at the remote's head, and every document
// on disk is on the remote. STANDOFF_CRASH_SEED replays a run.
func TestCorpusGitCrash(t *testing.T) {
	g := newGitCLI(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("STANDOFF_CRASH_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	data := t.TempDir()
	files := t.TempDir()
	g.ok("corpus", "sync", "--data", data)
	start := time.Now()
	os.WriteFile(filepath.Join(files, "amber.md"), []byte(crashDoc("amber")), 0o600)
	g.ok("corpus", "add", "--data", data, filepath.Join(files, "amber.md"))
	span := time.Since(start)
	killed := 0
	for i, m := range minerals[1:] {
		if killed == 12 {
			break
		}
		os.WriteFile(filepath.Join(files, m+".md"), []byte(crashDoc(m)), 0o600)
		cmd := exec.Command(g.bin, "corpus", "add", "--data", data, filepath.Join(files, m+".md"))
		cmd.Env = g.env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kills spread over the later part of a run, where the commit and push are.
		time.Sleep(span/3 + time.Duration(rng.Int64N(int64(span*2/3)+1)))
		cmd.Process.Kill()
		if err := cmd.Wait(); err != nil {
			killed++
		}
		// The next run repairs and pushes.
		code, sout, serr := g.run("corpus", "sync", "--data", data)
		if code != 0 {
			t.Fatalf("kill %d: sync after the kill: exit %d\n%s%s\nthe killed run said:\n%s", i, code, sout, serr, out.String())
		}
		checkInStep(t, filepath.Join(data, "corpus"), g.remote)
		onRemote := remoteFiles(t, g.remote)
		entries, _ := os.ReadDir(filepath.Join(data, "corpus", "added"))
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), ".") && !onRemote["added/"+e.Name()] {
				t.Errorf("kill %d: added/%s is on disk but not on the remote", i, e.Name())
			}
		}
		if t.Failed() {
			t.Fatalf("the killed run said:\n%s", out.String())
		}
	}
	t.Logf("%d runs killed", killed)
}

// TestBotsConcurrentChanges confirms 20 /corpus add at once, 10 in each of two bots on
// one remote: every page ends on the remote and in both corpus folders, nothing lost.
func TestBotsConcurrentChanges(t *testing.T) {
	bin := buildStandoff(t)
	remote := newBareRemote(t)
	pages := pageServer(t)
	env := []string{"STANDOFF_CORPUS_GIT=file://" + remote, "STANDOFF_CORPUS_SYNC=300ms", "STANDOFF_FETCH_ALLOW=127.0.0.1"}
	bots := []*botProc{startBotProc(t, bin, t.TempDir(), env...), startBotProc(t, bin, t.TempDir(), env...)}
	type preview struct {
		p        *botProc
		mod      discordtest.Member
		pl       discordtest.Payload
		msg, url string
	}
	var previews []preview
	for i := range 20 {
		p := bots[i%2]
		// Ten moderators, one preview each in each bot: a bot keeps at most three
		// previews a moderator.
		mod := syncMod
		mod.User = discordtest.User{ID: fmt.Sprintf("70000000000000%04d", 100+i/2), Name: fmt.Sprintf("mod%d", i/2)}
		u := fmt.Sprintf("%s/page/concurrent%c", pages.URL, 'a'+i)
		pl, msg := p.corpusAs(mod, "add", discordtest.Opt{Name: "url", Value: u})
		previews = append(previews, preview{p, mod, pl, msg, u})
	}
	var wg sync.WaitGroup
	for _, pv := range previews {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, ok := pv.pl.Button("corpus:ok:")
			if !ok {
				t.Errorf("no Confirm for %s", pv.url)
				return
			}
			id, err := pv.p.srv.ClickAs(pv.mod, pv.msg, b.CustomID)
			if err != nil {
				t.Error(err)
				return
			}
			if _, done, err := pv.p.srv.Response(120*time.Second, id); err != nil || !strings.Contains(done.Content, "Document added") {
				t.Errorf("confirm %s: %v %s", pv.url, err, done.Sprint())
			}
		}()
	}
	wg.Wait()
	want := func(names map[string]bool) int {
		n := 0
		for name := range names {
			if strings.Contains(name, "concurrent") {
				n++
			}
		}
		return n
	}
	if !waitFor(60*time.Second, func() bool { return want(remoteFiles(t, remote)) == 20 }) {
		t.Fatalf("the remote has %d of the 20 pages; logs:\n%s\n%s", want(remoteFiles(t, remote)), bots[0].logs.String(), bots[1].logs.String())
	}
	rebased := strings.Count(bots[0].logs.String()+bots[1].logs.String(), "re-applied onto the remote's tip")
	t.Logf("%d pushes were refused and re-applied onto the other's changes", rebased)
	for i, p := range bots {
		dir := filepath.Join(p.data, "corpus", "added")
		ok := waitFor(30*time.Second, func() bool {
			entries, _ := os.ReadDir(dir)
			n := 0
			for _, e := range entries {
				if strings.Contains(e.Name(), "concurrent") {
					n++
				}
			}
			return n == 20
		})
		if !ok {
			t.Errorf("bot %d's corpus folder lacks some of the 20 pages", i)
		}
		for _, term := range []string{"concurrentq", "concurrentt"} { // one from each bot
			if !waitFor(30*time.Second, func() bool { return docWith(p.askDocs("what is the "+term+" arrangement?"), term) }) {
				t.Errorf("bot %d does not answer from %s", i, term)
			}
		}
	}
}

// TestCorpusGitKilledDuringPush holds the remote's push lock so that `standoff corpus add`
// stops in its push, after its commit, and kills it there with SIGKILL: the remote does
// not have the change, and the next run pushes it.
func TestCorpusGitKilledDuringPush(t *testing.T) {
	g := newGitCLI(t)
	a, b := t.TempDir(), t.TempDir()
	g.ok("corpus", "sync", "--data", a)
	g.ok("corpus", "sync", "--data", b)
	lock, err := os.OpenFile(filepath.Join(g.remote, "standoff-push.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "zephyrine.md")
	os.WriteFile(file, []byte(zephyrDoc), 0o600)
	cmd := exec.Command(g.bin, "corpus", "add", "--data", a, file)
	cmd.Env = g.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committed := waitFor(60*time.Second, func() bool {
		r, err := git.PlainOpen(filepath.Join(a, "corpus"))
		if err != nil {
			return false
		}
		head, err := r.Head()
		if err != nil {
			return false
		}
		c, err := r.CommitObject(head.Hash())
		return err == nil && strings.Contains(c.Message, "zephyrine")
	})
	cmd.Process.Kill()
	cmd.Wait()
	if !committed {
		t.Fatalf("corpus add never committed; it said:\n%s", out.String())
	}
	if remoteFiles(t, g.remote)[zephyrID+".md"] {
		t.Fatal("the change reached the remote although its push was held")
	}
	unix.Flock(int(lock.Fd()), unix.LOCK_UN)
	sout := g.ok("corpus", "sync", "--data", a)
	if !strings.Contains(sout, "pushed the local changes") {
		t.Errorf("the next run did not push the change:\n%s", sout)
	}
	checkInStep(t, filepath.Join(a, "corpus"), g.remote)
	g.ok("corpus", "sync", "--data", b)
	if ans := g.ask(b, zephyrQuestion); !citesFirst(ans, zephyrID) {
		t.Errorf("B does not answer from the change pushed after the kill: %+v", ans.Results)
	}
}
