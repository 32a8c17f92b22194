package curate

import (
	"context"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff/corpus"
)

// TestTeach teaches and unteaches through the corpus folder, refuses a question taught
// twice (by its paragraph or its first part), and names the question in the change.
func TestTeach(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := corpus.Store{Dir: dir}
	if err := store.Write("notes.md", []byte("---\ntitle: Notes\n---\n\nThe Gorgan depot stores spare parts.\n")); err != nil {
		t.Fatal(err)
	}
	load := func() *corpus.Corpus {
		c, err := corpus.LoadDir(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	before := load()
	tc, err := Teach(before, store, "notes#1", "where are the spare parts kept?")
	if err != nil {
		t.Fatal(err)
	}
	if tc.Plan.Action != "added" || tc.Plan.Path != corpus.TaughtFile || tc.Passage.Text != "The Gorgan depot stores spare parts." {
		t.Errorf("teaching: %+v", tc)
	}
	undo, err := tc.Apply()
	if err != nil {
		t.Fatal(err)
	}
	after := load()
	ch := WithTaught(corpus.Changes{}, before, after)
	if len(ch.Added) != 1 || ch.Added[0].Title != `taught "where are the spare parts kept?" to notes#1` || ch.Paths()[0] != corpus.TaughtFile {
		t.Errorf("changes: %+v", ch)
	}
	for _, again := range []string{"notes#1", "notes#1.1"} {
		if _, err := Teach(after, store, again, "Where are the spare parts kept"); err == nil || !strings.Contains(err.Error(), "already taught") {
			t.Errorf("teaching again to %s: %v", again, err)
		}
	}
	un, err := Unteach(after, store, "notes#1", "where are the spare parts kept")
	if err != nil {
		t.Fatal(err)
	}
	if un.Plan.Action != "removed" {
		t.Errorf("unteaching the last question: %+v", un.Plan)
	}
	if _, err := un.Apply(); err != nil {
		t.Fatal(err)
	}
	if ch := WithTaught(corpus.Changes{}, after, load()); len(ch.Removed) != 1 || !strings.HasPrefix(ch.Removed[0].Title, "untaught ") {
		t.Errorf("changes of unteach: %+v", ch)
	}
	if _, err := Unteach(load(), store, "notes#1", "where are the spare parts kept"); err == nil {
		t.Error("unteaching a question that is not taught")
	}
	if err := undo(); err != nil { // the teach's undo: no file before it
		t.Fatal(err)
	}
	if c := load(); len(c.Taught) != 0 {
		t.Errorf("after undo: %+v", c.Taught)
	}
}
