package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/standoff-bot/standoff/corpus/gitcorpus"
)

// gitCLI runs the standoff binary with a corpus remote, as a user would.
type gitCLI struct {
	t      *testing.T
	bin    string
	env    []string
	remote string // the bare repository's folder
}

func newGitCLI(t *testing.T) *gitCLI {
	t.Helper()
	bin := buildStandoff(t)
	remote := filepath.Join(t.TempDir(), "remote.git")
	if _, err := git.PlainInit(remote, true); err != nil {
		t.Fatal(err)
	}
	env := append(baseEnv(t.TempDir()), "STANDOFF_CORPUS_GIT=file://"+remote)
	return &gitCLI{t: t, bin: bin, env: env, remote: remote}
}

// run runs the binary and returns its exit status, stdout and stderr.
func (g *gitCLI) run(args ...string) (int, string, string) {
	g.t.Helper()
	cmd := exec.Command(g.bin, args...)
	cmd.Env = g.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		g.t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

// ok runs the binary and fails the test unless it exits 0.
func (g *gitCLI) ok(args ...string) string {
	g.t.Helper()
	code, out, errOut := g.run(args...)
	if code != 0 {
		g.t.Fatalf("standoff %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// ask asks q with the data folder's corpus.
func (g *gitCLI) ask(data, q string) standoff.Answer {
	g.t.Helper()
	out := g.ok("ask", "--json", "--data", data, "--corpus", filepath.Join(data, "corpus"), q)
	var ans standoff.Answer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		g.t.Fatalf("ask %q: %v\n%s", q, err, out)
	}
	return ans
}

// remoteHead returns the message of the remote's main branch's commit.
func (g *gitCLI) remoteHead() string {
	g.t.Helper()
	r, err := git.PlainOpen(g.remote)
	if err != nil {
		g.t.Fatal(err)
	}
	ref, err := r.Reference("refs/heads/main", true)
	if err != nil {
		g.t.Fatalf("the remote has no main branch: %v", err)
	}
	c, err := r.CommitObject(ref.Hash())
	if err != nil {
		g.t.Fatal(err)
	}
	return c.Message
}

const zephyrDoc = `---
title: The Zephyrine protocol
kind: article
---

The Zephyrine protocol caps the enrichment cascades at Fordow to forty centrifuges, verified by inspectors every week.
`

// zephyrID is the id corpus add gives the document: added/DATE-SLUG.
var zephyrID = "added/" + time.Now().Format("2006-01-02") + "-the-zephyrine-protocol"

const zephyrQuestion = "what does the Zephyrine protocol cap?"

// TestCorpusGitRemote is the "done when": a document added in one data folder
// reaches another through the remote, is listed in the history, and its undo reaches the
// first folder back.
func TestCorpusGitRemote(t *testing.T) {
	g := newGitCLI(t)
	a, b := t.TempDir(), t.TempDir()
	g.ok("corpus", "sync", "--data", a) // A seeds the empty remote with the embedded corpus
	g.ok("corpus", "sync", "--data", b) // B starts from the remote
	if msg := g.remoteHead(); !strings.Contains(msg, "start the history") {
		t.Errorf("the remote was not seeded: head says %q", msg)
	}
	file := filepath.Join(t.TempDir(), "zephyrine.md")
	if err := os.WriteFile(file, []byte(zephyrDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	out := g.ok("corpus", "add", "--data", a, file)
	if !strings.Contains(out, "committed ") {
		t.Errorf("add did not say it committed:\n%s", out)
	}
	if msg := g.remoteHead(); !strings.Contains(msg, "added added/") || !strings.Contains(msg, "zephyrine-protocol") || !strings.Contains(msg, "Standoff-Via: cli") {
		t.Errorf("the remote's head does not name the document: %q", msg)
	}
	if ans := g.ask(b, zephyrQuestion); cites(ans, zephyrID) {
		t.Fatal("B answers from the document before any sync")
	}
	out = g.ok("corpus", "sync", "--data", b)
	if !strings.Contains(out, "zephyrine") {
		t.Errorf("sync did not report the added document:\n%s", out)
	}
	if ans := g.ask(b, zephyrQuestion); !citesFirst(ans, zephyrID) {
		t.Fatalf("B does not answer from the document after sync: %+v", ans.Results)
	}
	out = g.ok("corpus", "history", "--json", "--data", b)
	var first gitcorpus.Entry
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &first); err != nil {
		t.Fatalf("history --json: %v\n%s", err, out)
	}
	if !strings.Contains(first.Subject, "zephyrine") || len(first.ID) != 40 || first.Files[0].Path != zephyrID+".md" {
		t.Fatalf("history's newest change = %+v", first)
	}
	g.ok("corpus", "undo", "--data", b, first.Short)
	if ans := g.ask(b, zephyrQuestion); cites(ans, zephyrID) {
		t.Error("B still answers from the document after its undo")
	}
	if ans := g.ask(a, zephyrQuestion); !cites(ans, zephyrID) {
		t.Fatal("A lost the document before syncing")
	}
	g.ok("corpus", "sync", "--data", a)
	if ans := g.ask(a, zephyrQuestion); cites(ans, zephyrID) {
		t.Error("A still answers from the document after the undo and a sync")
	}
	// Bad input gets a clear message.
	for _, args := range [][]string{{"corpus", "undo", "--data", a, "nothex"}, {"corpus", "undo", "--data", a, "0123456789"}} {
		code, _, errOut := g.run(args...)
		if code != 1 || !strings.Contains(errOut, "no such change") {
			t.Errorf("standoff %v: exit %d, %q", args, code, errOut)
		}
	}
	// A forged history (the remote's branch force-pushed to an unrelated commit) is
	// refused and reported, and the folder stays as it was.
	forgeRemote(t, g.remote)
	before := g.ok("corpus", "history", "--data", a)
	code, _, errOut := g.run("corpus", "sync", "--data", a)
	if code != 1 || !strings.Contains(errOut, "history was rewritten") {
		t.Errorf("sync after a force-push: exit %d %q, want a refusal", code, errOut)
	}
	if after := g.ok("corpus", "history", "--data", a); after != before {
		t.Errorf("the forged history was followed:\n%s", after)
	}
}

// forgeRemote force-pushes an unrelated history to the remote's main branch, as someone
// rewriting it would.
func forgeRemote(t *testing.T, remote string) {
	t.Helper()
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "forged.md"), []byte("# Forged\n\nNot ours.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wt, _ := r.Worktree()
	wt.Add("forged.md")
	sig := &object.Signature{Name: "someone", Email: "someone@example.org", When: time.Now()}
	if _, err := wt.Commit("forged", &git.CommitOptions{Author: sig}); err != nil {
		t.Fatal(err)
	}
	// Straight into the bare repository's storage: no transport needed.
	bare, err := git.PlainOpen(remote)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := r.Head()
	iter, _ := r.Storer.IterEncodedObjects(plumbing.AnyObject)
	iter.ForEach(func(o plumbing.EncodedObject) error { _, err := bare.Storer.SetEncodedObject(o); return err })
	if err := bare.Storer.SetReference(plumbing.NewHashReference("refs/heads/main", head.Hash())); err != nil {
		t.Fatal(err)
	}
}

// TestSyncErrorsNameTheRemote: when the remote is gone, sync and undo say which remote
// failed, once, without the repository's "sync:" repeating the command's.
func TestSyncErrorsNameTheRemote(t *testing.T) {
	g := newGitCLI(t)
	data := t.TempDir()
	g.ok("corpus", "sync", "--data", data)
	if err := os.Rename(g.remote, g.remote+".gone"); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"corpus", "sync"}, {"corpus", "undo", "0123456789"}} {
		code, _, errOut := g.run(append(args, "--data", data)...)
		if code != 1 || !strings.Contains(errOut, "remote file://"+g.remote+": ") || strings.Contains(errOut, "sync: sync:") ||
			strings.Count(errOut, "sync") > 2 {
			t.Errorf("%v: exit %d, stderr %q; want 1 and the remote named, without a repeated sync", args, code, errOut)
		}
	}
	code, out, errOut := g.run("corpus", "remove", "--data", data, "glossary")
	if code != 0 || !strings.Contains(errOut, "warning: sync before the change: remote file://"+g.remote) {
		t.Errorf("remove without the remote: exit %d, stderr %q, stdout %q; want a warning naming the remote", code, errOut, out)
	}
}
