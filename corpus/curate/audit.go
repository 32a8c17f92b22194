// Package curate makes the changes of the corpus folder that people ask for — add,
// remove, refresh, undo — with their audit trail, whatever front end asks: the Discord
// bot or the command line. It knows nothing of Discord nor of the index: a rebuild is a
// function it is given.
package curate

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/standoff-bot/standoff/corpus"
)

// AuditFile is the JSON-lines log of every change of the corpus, in the data folder.
const AuditFile = "audit.jsonl"

// Phases of a change in the audit log. A change made by a person is recorded twice: its
// intent, written and synced before the corpus folder is touched, then, once the new
// index serves, done (or aborted when it was undone). An intent without either is a
// change a crash interrupted; Reconcile settles it at the next start.
const (
	PhaseIntent  = "intent"
	PhaseDone    = "done"
	PhaseAborted = "aborted"
)

// AuditRecord is one line of AuditFile: one document added, updated or removed.
type AuditRecord struct {
	Time     time.Time `json:"time"`
	Actor    string    `json:"actor"` // Discord user id, "cli:<user>" or "watch"
	Name     string    `json:"name,omitempty"`
	Via      string    `json:"via"` // discord, cli or watch
	Guild    string    `json:"guild,omitempty"`
	Command  string    `json:"command"` // add, remove or refresh: what made the change
	Action   string    `json:"action"`  // added, updated or removed
	Doc      string    `json:"doc"`
	Path     string    `json:"path"`
	Title    string    `json:"title"`
	Hash     string    `json:"hash"` // sha256 of the file written, or of the file removed
	Source   string    `json:"source,omitempty"`
	Change   string    `json:"change,omitempty"` // ties an intent to its outcome
	Phase    string    `json:"phase,omitempty"`  // intent, done or aborted; empty in older logs: done
	Note     string    `json:"note,omitempty"`
	Passages struct {
		Added   int `json:"added"`
		Updated int `json:"updated"`
		Removed int `json:"removed"`
	} `json:"passages"`
}

// AuditLog appends AuditRecords to AuditFile; it is safe for concurrent use, and for
// several processes appending to the same file (each line is one write).
type AuditLog struct {
	j *corpus.Journal
}

// OpenAudit opens (creating it if need be) the audit log at path.
func OpenAudit(path string) (*AuditLog, error) {
	j, err := corpus.OpenJournal(path)
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	return &AuditLog{j: j}, nil
}

// Planned is a change a person is about to make to one file of the corpus folder.
type Planned struct {
	Action string // added, updated or removed
	Doc    string
	Path   string
	Title  string
	Hash   string // of the file to be written, or of the file to be removed
}

// PlanDraft is the change that committing d makes.
func PlanDraft(d corpus.Draft) Planned {
	action := "added"
	if d.Replaces != "" {
		action = "updated"
	}
	return Planned{Action: action, Doc: d.ID, Path: d.Path, Title: d.Doc.Title, Hash: corpus.Hash(d.Data)}
}

// PlanRemove is the change that removing doc makes.
func PlanRemove(doc corpus.Document) Planned {
	return Planned{Action: "removed", Doc: doc.ID, Path: doc.Path, Title: doc.Title, Hash: doc.Hash}
}

// Intent writes, and syncs to disk, the intent of a change before it is made, and
// returns the change's id. When it fails, the change must not be made.
func (a *AuditLog) Intent(who Actor, command, source string, p Planned, now time.Time) (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("record intent: %w", err)
	}
	change := hex.EncodeToString(b)
	r := plannedRecord(p, who, command, source, now)
	r.Change, r.Phase = change, PhaseIntent
	if err := a.j.WriteSync(r); err != nil {
		return "", fmt.Errorf("record intent: %w", err)
	}
	return change, nil
}

// Abort records that the change with id change was not made, or was undone, and why.
func (a *AuditLog) Abort(change string, who Actor, command string, p Planned, why string, now time.Time) error {
	r := plannedRecord(p, who, command, "", now)
	r.Change, r.Phase, r.Note = change, PhaseAborted, why
	if err := a.j.WriteSync(r); err != nil {
		return fmt.Errorf("record abort: %w", err)
	}
	return nil
}

// plannedRecord is the record of a planned change.
func plannedRecord(p Planned, who Actor, command, source string, now time.Time) AuditRecord {
	r := AuditRecord{Time: now.UTC(), Actor: who.ID, Name: who.Name, Via: who.Via, Guild: who.Guild,
		Command: command, Action: p.Action, Doc: p.Doc, Path: p.Path, Title: oneLine(p.Title), Hash: p.Hash}
	if p.Action != "removed" {
		r.Source = source
	}
	return r
}

// Recording is what Record writes: the changes ch that a reload of the corpus found.
type Recording struct {
	Who     Actor  // who made the planned change, or who found the others
	Command string // add, remove, refresh, watch, index
	Source  string // where the planned document came from
	Change  string // the id of the planned change's intent; empty when none
	Plan    *Planned
	Changes corpus.Changes
	// Found is who other changes, found on disk and not yet in the log, are credited
	// to: the command line's user, or "watch".
	Found Actor
}

// Record appends a done record for each document that rec.Changes added, updated or
// removed, and returns them. The planned change is credited to rec.Who under its change
// id; any other change is credited to rec.Found, unless the log already has it (a change
// the command line made while the bot ran, say), so that no change is recorded twice.
func (a *AuditLog) Record(rec Recording, now time.Time) ([]AuditRecord, error) {
	state, err := a.state()
	if err != nil {
		return nil, fmt.Errorf("record audit: %w", err)
	}
	var recs []AuditRecord
	add := func(action string, list []corpus.DocChange) {
		for _, d := range list {
			who, command, source, change := rec.Found, rec.Command, "", ""
			planned := rec.Plan != nil && rec.Plan.Path == d.Path && rec.Plan.Action == action
			if planned {
				who, source, change = rec.Who, rec.Source, rec.Change
			} else if recorded(state, action, d) {
				continue
			}
			r := AuditRecord{Time: now.UTC(), Actor: who.ID, Name: who.Name, Via: who.Via, Guild: who.Guild,
				Command: command, Action: action, Doc: d.ID, Path: d.Path, Title: oneLine(d.Title), Hash: d.Hash,
				Change: change, Phase: PhaseDone}
			if action != "removed" {
				r.Source = source
			}
			if !planned {
				r.Note = "found on disk"
			}
			r.Passages.Added, r.Passages.Updated, r.Passages.Removed = d.PassagesAdded, d.PassagesUpdated, d.PassagesRemoved
			recs = append(recs, r)
		}
	}
	add("added", rec.Changes.Added)
	add("updated", rec.Changes.Updated)
	add("removed", rec.Changes.Removed)
	if len(recs) == 0 {
		return nil, nil
	}
	lines := make([]any, len(recs))
	for i, r := range recs {
		lines[i] = r
	}
	if err := a.j.WriteSync(lines...); err != nil {
		return recs, fmt.Errorf("record audit: %w", err)
	}
	return recs, nil
}

// fileState is what the audit log last recorded of a file: its hash, or removed.
type fileState struct {
	hash    string
	removed bool
}

// recorded reports whether the log's last record of d's file is this change.
func recorded(state map[string]fileState, action string, d corpus.DocChange) bool {
	st, ok := state[d.Path]
	if !ok {
		return false
	}
	if action == "removed" {
		return st.removed
	}
	return !st.removed && st.hash == d.Hash
}

// state reads the log back and returns what its done records last say of each file.
func (a *AuditLog) state() (map[string]fileState, error) {
	recs, err := ReadLog(a.j.Name())
	if err != nil {
		return nil, err
	}
	state := map[string]fileState{}
	for _, r := range recs {
		if r.Phase != "" && r.Phase != PhaseDone {
			continue
		}
		state[r.Path] = fileState{hash: r.Hash, removed: r.Action == "removed"}
	}
	return state, nil
}

// Reconcile settles the intents that a crash left without an outcome: a change found
// made in the corpus folder (the file has the planned content, or is gone for a removal)
// is recorded done, credited to whoever intended it; any other aborted. It returns the
// records it wrote.
func (a *AuditLog) Reconcile(store corpus.Store, now time.Time) ([]AuditRecord, error) {
	recs, err := ReadLog(a.j.Name())
	if err != nil {
		return nil, fmt.Errorf("reconcile audit: %w", err)
	}
	open := map[string]AuditRecord{}
	var order []string
	for _, r := range recs {
		switch r.Phase {
		case PhaseIntent:
			if _, ok := open[r.Change]; !ok {
				order = append(order, r.Change)
			}
			open[r.Change] = r
		case PhaseDone, PhaseAborted:
			delete(open, r.Change)
		}
	}
	var out []AuditRecord
	for _, change := range order {
		r, ok := open[change]
		if !ok {
			continue
		}
		data, exists, err := store.Read(r.Path)
		made := err == nil && (r.Action == "removed" && !exists || r.Action != "removed" && exists && corpus.Hash(data) == r.Hash)
		r.Time = now.UTC()
		if made {
			r.Phase, r.Note = PhaseDone, "reconciled at start: the change was found made after an interruption"
		} else {
			r.Phase, r.Note = PhaseAborted, "reconciled at start: the change was interrupted before it was made"
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, nil
	}
	lines := make([]any, len(out))
	for i, r := range out {
		lines[i] = r
	}
	if err := a.j.WriteSync(lines...); err != nil {
		return out, fmt.Errorf("reconcile audit: %w", err)
	}
	return out, nil
}

// Close closes the log.
func (a *AuditLog) Close() error { return a.j.Close() }

// readAuditRecords reads the records of the log at path; a missing log has none, and
// lines it cannot read are skipped.
func ReadLog(path string) ([]AuditRecord, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []AuditRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var r AuditRecord
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.Doc != "" {
			out = append(out, r)
		}
	}
	return out, sc.Err()
}

// oneLine puts s on one line, its runs of white space made single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Start opens the audit log in the data folder dataDir (made, private, when missing) and
// settles what a crash left of the corpus folder corpusDir: temporary files older than an
// hour are removed and intents without an outcome reconciled. It returns the log and the
// records Reconcile wrote.
func Start(dataDir, corpusDir string, now time.Time) (*AuditLog, []AuditRecord, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("data folder: %w", err)
	}
	a, err := OpenAudit(filepath.Join(dataDir, AuditFile))
	if err != nil {
		return nil, nil, err
	}
	store := corpus.Store{Dir: corpusDir}
	store.CleanTemp(time.Hour)
	recs, err := a.Reconcile(store, now)
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, recs, nil
}
