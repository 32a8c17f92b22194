// Package gittest makes hostile git histories for tests: trees with any names and
// modes, written as raw objects into a bare repository, as an attacker with push access
// to the shared remote would.
package gittest

import (
	"sort"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Entry is one entry of a tree pushed by an attacker: any name, any mode.
type Entry struct {
	Name string
	Mode filemode.FileMode
	Data string // a blob's content, or a link's target
}

// PushRaw commits, on the bare remote at dir, a tree holding the files of the branch's
// tip plus extra, written as raw objects (go-git's work tree would refuse the names),
// as a fast-forward of the branch; it returns the commit.
func PushRaw(t testing.TB, dir, branch string, extra []Entry, drop ...string) plumbing.Hash {
	t.Helper()
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(branch), true)
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
		switch x.Mode {
		case filemode.Dir:
			h = rawTree(t, repo.Storer, []object.TreeEntry{{Name: "x.md", Mode: filemode.Regular, Hash: rawBlob(t, repo.Storer, "---\ntitle: X\n---\n\nX.\n")}})
		case filemode.Submodule:
			h = tip.Hash
		default:
			h = rawBlob(t, repo.Storer, x.Data)
		}
		entries = append(entries, object.TreeEntry{Name: x.Name, Mode: x.Mode, Hash: h})
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
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(branch), h)); err != nil {
		t.Fatal(err)
	}
	return h
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// rawBlob stores a blob.
func rawBlob(t testing.TB, s storer.EncodedObjectStorer, data string) plumbing.Hash {
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

// rawTree stores a tree of entries.
func rawTree(t testing.TB, s storer.EncodedObjectStorer, entries []object.TreeEntry) plumbing.Hash {
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
