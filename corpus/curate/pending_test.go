package curate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/standoff-bot/standoff/corpus"
)

func TestPendingStore(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	p := &Pending{dir: filepath.Join(t.TempDir(), PendingDir), ttl: time.Hour, now: func() time.Time { return now }}
	c, err := corpus.Load(context.Background(), fstest.MapFS{"a.md": {Data: []byte("---\ntitle: A\n---\n\nText.\n")}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := corpus.NewDraft(context.Background(), nil, c, corpus.Source{Name: "n.txt", Data: []byte("New\n\nBody text.\n")}, now)
	if err != nil {
		t.Fatal(err)
	}
	who := Actor{ID: "1", Name: "mod", Via: "discord"}
	id, err := p.Save(d, who)
	if err != nil {
		t.Fatal(err)
	}
	got, meta, err := p.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Path != d.Path || got.ID != d.ID || string(got.Data) != string(d.Data) || meta.Actor != who || got.Doc.Title != "New" {
		t.Errorf("loaded %+v %+v, want the saved draft", got, meta)
	}

	tests := []struct {
		name string
		id   string
		prep func(id string)
		want error
	}{
		{"unknown", "0123456789abcdef", nil, ErrPendingUnknown},
		{"not an id", "../../etc/passwd", nil, ErrPendingUnknown},
		{"removed", id, func(id string) { p.Remove(id) }, ErrPendingUnknown},
	}
	for _, tt := range tests {
		if tt.prep != nil {
			tt.prep(tt.id)
		}
		if _, _, err := p.Load(tt.id); !errors.Is(err, tt.want) {
			t.Errorf("%s: load error %v, want %v", tt.name, err, tt.want)
		}
	}

	// Expired, then swept.
	old, _ := p.Save(d, who)
	now = now.Add(2 * time.Hour)
	if _, _, err := p.Load(old); !errors.Is(err, ErrPendingExpired) {
		t.Errorf("load of an old preview: %v, want ErrPendingExpired", err)
	}
	kept, _ := p.Save(d, who)
	stale, _ := p.Save(d, who)
	now = now.Add(30 * time.Minute)
	os.Remove(filepath.Join(p.dir, stale+".txt")) // its document lost
	if _, _, err := p.Load(stale); err == nil || errors.Is(err, ErrPendingUnknown) {
		t.Errorf("load of a preview whose document is missing: %v", err)
	}
	now = now.Add(45 * time.Minute) // kept is 75 minutes old now
	p.Sweep()
	if entries, _ := os.ReadDir(p.dir); len(entries) != 0 {
		t.Errorf("after sweep: %d files left, want none (%s expired)", len(entries), kept)
	}
}

// An undo preview is kept like a document's: it names the change and its moderator,
// counts against the limits, is not a document's preview (nor one of those an undo's),
// and expires.
func TestPendingUndo(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	p := &Pending{dir: filepath.Join(t.TempDir(), PendingDir), ttl: time.Hour, now: func() time.Time { return now }}
	who := Actor{ID: "1", Name: "mod", Via: "discord"}
	const change = "e6bd7f8f6200ba9789709c0eb96bc14b7b6f01cd"
	id, err := p.SaveUndo(change, who)
	if err != nil {
		t.Fatal(err)
	}
	meta, err := p.LoadUndo(id)
	if err != nil || meta.Undo != change || meta.Actor != who {
		t.Fatalf("LoadUndo: %+v, %v", meta, err)
	}
	if owner, ok := p.Owner(id); !ok || owner != who.ID {
		t.Errorf("owner %q %v", owner, ok)
	}
	if total, mine := p.Counts(); total != 1 || mine[who.ID] != 1 {
		t.Errorf("counts %d %v, want the undo preview counted", total, mine)
	}
	if _, _, err := p.Load(id); !errors.Is(err, ErrPendingUnknown) {
		t.Errorf("Load of an undo preview: %v, want ErrPendingUnknown", err)
	}
	add, err := p.Save(corpus.Draft{Path: "added/x.md", Data: []byte("---\ntitle: X\n---\n\nText.\n")}, who)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{add, change, change[:10], "../../x", ""} {
		if _, err := p.LoadUndo(bad); !errors.Is(err, ErrPendingUnknown) {
			t.Errorf("LoadUndo(%q): %v, want ErrPendingUnknown", bad, err)
		}
	}
	now = now.Add(2 * time.Hour)
	if _, err := p.LoadUndo(id); !errors.Is(err, ErrPendingExpired) {
		t.Errorf("LoadUndo after an hour: %v, want ErrPendingExpired", err)
	}
	if _, err := p.LoadUndo(id); !errors.Is(err, ErrPendingUnknown) {
		t.Errorf("LoadUndo once expired: %v, want it removed", err)
	}
}
