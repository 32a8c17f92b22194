package curate

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/corpus"
)

// TestStartReconciles: intents a crash left are settled at start, done when the corpus
// folder holds the planned file, aborted when it does not; a second start writes nothing.
func TestStartReconciles(t *testing.T) {
	data, dir := filepath.Join(t.TempDir(), "data"), t.TempDir()
	made := []byte("---\ntitle: Made\n---\n\nMade.\n")
	if err := os.WriteFile(filepath.Join(dir, "made.md"), made, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	a, err := OpenAudit(filepath.Join(data, AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	who, now := Actor{ID: "cli:ops", Via: "cli"}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	plans := []Planned{
		{Action: "added", Doc: "made", Path: "made.md", Hash: corpus.Hash(made)},
		{Action: "added", Doc: "lost", Path: "lost.md", Hash: corpus.Hash([]byte("never written"))},
	}
	for _, p := range plans {
		if _, err := a.Intent(who, "add", "", p, now); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()

	a, recs, err := Start(data, dir, now)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	got := map[string]string{}
	for _, r := range recs {
		got[r.Doc] = r.Phase
	}
	if want := map[string]string{"made": PhaseDone, "lost": PhaseAborted}; len(got) != len(want) || got["made"] != want["made"] || got["lost"] != want["lost"] {
		t.Errorf("settled: got %v, want %v", got, want)
	}
	a, recs, err = Start(data, dir, now)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if len(recs) != 0 {
		t.Errorf("second start settled %v again", recs)
	}
}
