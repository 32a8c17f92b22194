package curate

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/corpus"
)

// TestMake drives one change through each of its outcomes and reads the audit log back.
func TestMake(t *testing.T) {
	boom := errors.New("boom")
	plan := Planned{Action: "added", Doc: "added/memo", Path: "added/memo.md", Title: "Memo", Hash: "abc"}
	who := Actor{ID: "cli:ops", Name: "ops", Via: "cli"}
	tests := []struct {
		name                  string
		applyErr, settleErr   error
		kept                  bool
		wantErr               string
		wantPhases            []string
		wantApplied, wantUndo bool
		wantNote              string
	}{
		{name: "done", wantPhases: []string{"intent", "done"}, wantApplied: true},
		{name: "apply fails", applyErr: boom, wantErr: "boom", wantPhases: []string{"intent", "aborted"},
			wantNote: "the corpus folder could not be changed"},
		{name: "settle fails", settleErr: boom, wantErr: "boom; the change was undone", wantPhases: []string{"intent", "aborted"},
			wantApplied: true, wantUndo: true, wantNote: "undone: boom"},
		{name: "kept", settleErr: boom, kept: true, wantErr: "boom", wantPhases: []string{"intent", "aborted"},
			wantApplied: true, wantNote: "refused: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), AuditFile)
			a, err := OpenAudit(path)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			var applied, undone, restored bool
			now := func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }
			err = a.Make(context.Background(), Change{Who: who, Command: "add", Source: "memo.md", Plan: plan,
				Apply: func() (func() error, error) {
					recs, _ := ReadLog(path)
					if len(recs) != 1 || recs[0].Phase != PhaseIntent {
						t.Errorf("the folder was changed before the intent was recorded: %v", recs)
					}
					if tt.applyErr != nil {
						return nil, tt.applyErr
					}
					applied = true
					return func() error { undone = true; return nil }, nil
				}}, Steps{
				Settle: func(ctx context.Context, rec Recording) (bool, error) {
					if tt.settleErr != nil {
						return true, tt.settleErr
					}
					rec.Changes.Added = []corpus.DocChange{{ID: plan.Doc, Path: plan.Path, Title: plan.Title, Hash: plan.Hash}}
					_, err := a.Record(rec, now())
					return true, err
				},
				Restore: func(ctx context.Context, rebuilt bool) error { restored = rebuilt; return nil },
				Kept:    func(error) bool { return tt.kept },
				Found:   who, Now: now,
			})
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("error: got %q, want %q", gotErr, tt.wantErr)
			}
			if !errors.Is(err, tt.applyErr) && !errors.Is(err, tt.settleErr) {
				t.Errorf("error %v does not wrap the cause", err)
			}
			if applied != tt.wantApplied || undone != tt.wantUndo || restored != tt.wantUndo {
				t.Errorf("applied, undone, restored: got %v %v %v, want %v %v %v", applied, undone, restored,
					tt.wantApplied, tt.wantUndo, tt.wantUndo)
			}
			recs, err := ReadLog(path)
			if err != nil {
				t.Fatal(err)
			}
			var phases []string
			for _, r := range recs {
				phases = append(phases, r.Phase)
				if r.Change != recs[0].Change || r.Doc != plan.Doc || r.Actor != who.ID {
					t.Errorf("record %+v is not of the planned change %s", r, recs[0].Change)
				}
			}
			if strings.Join(phases, " ") != strings.Join(tt.wantPhases, " ") {
				t.Errorf("phases: got %v, want %v", phases, tt.wantPhases)
			}
			if got := recs[len(recs)-1].Note; tt.wantNote != "" && got != tt.wantNote {
				t.Errorf("note: got %q, want %q", got, tt.wantNote)
			}
		})
	}
}

// TestMakeNoAudit: when the intent cannot be written, nothing is changed.
func TestMakeNoAudit(t *testing.T) {
	a, err := OpenAudit(filepath.Join(t.TempDir(), AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	a.Close() // writes now fail
	applied := false
	err = a.Make(context.Background(), Change{Who: Actor{ID: "x"}, Command: "remove", Plan: Planned{Action: "removed", Doc: "d"},
		Apply: func() (func() error, error) { applied = true; return func() error { return nil }, nil }},
		Steps{Settle: func(context.Context, Recording) (bool, error) { return false, nil }})
	if err == nil || !strings.Contains(err.Error(), "nothing was changed") || applied {
		t.Errorf("got err %v, applied %v; want a refusal and nothing applied", err, applied)
	}
}
