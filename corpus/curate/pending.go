package curate

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/standoff-bot/standoff/corpus"
)

// PendingDir is the folder of the data folder where previews wait for Confirm.
const PendingDir = "pending"

// Errors of Pending.Load.
var (
	ErrPendingUnknown = errors.New("pending: no such preview")
	ErrPendingExpired = errors.New("pending: preview expired")
)

// pendingID matches the id of a preview: it comes back in a custom id, so it is checked
// before it names a file.
var pendingID = regexp.MustCompile(`^[0-9a-f]{16}$`)

// Pending keeps the drafts that a moderator previewed and may confirm: the document
// in <id>.md (or .txt) and what it needs in <id>.json, written in that order, each
// atomically, so that the JSON file marks a complete preview. A preview survives a
// restart, and expires after ttl.
type Pending struct {
	dir string
	ttl time.Duration
	now func() time.Time
}

// NewPending returns the previews kept in the folder PendingDir of dataDir, which expire
// after ttl by the clock now (time.Now when nil).
func NewPending(dataDir string, ttl time.Duration, now func() time.Time) *Pending {
	if now == nil {
		now = time.Now
	}
	return &Pending{dir: filepath.Join(dataDir, PendingDir), ttl: ttl, now: now}
}

// PendingMeta is the JSON file of a preview: of a document to add, or, when Undo is
// set, of a change to undo.
type PendingMeta struct {
	Created  time.Time `json:"created"`
	Actor    Actor     `json:"actor"`
	Undo     string    `json:"undo,omitempty"` // the commit an undo preview would revert
	Path     string    `json:"path,omitempty"`
	Source   string    `json:"source"`
	Replaces string    `json:"replaces,omitempty"`
	BaseHash string    `json:"base_hash,omitempty"`
	Hash     string    `json:"hash"` // of the document file, to detect a damaged one
}

// Save stores a draft and returns the id of its preview.
func (p *Pending) Save(d corpus.Draft, who Actor) (string, error) {
	id, err := p.newID()
	if err != nil {
		return "", fmt.Errorf("save preview: %w", err)
	}
	meta := PendingMeta{Created: p.now().UTC(), Actor: who, Path: d.Path, Source: d.Source,
		Replaces: d.Replaces, BaseHash: d.BaseHash, Hash: corpus.Hash(d.Data)}
	if err := corpus.WriteFileAtomic(p.docFile(id, d.Path), d.Data, 0o600); err != nil {
		return "", fmt.Errorf("save preview: %w", err)
	}
	if err := p.writeMeta(id, meta); err != nil {
		return "", fmt.Errorf("save preview: %w", err)
	}
	return id, nil
}

// SaveUndo stores the preview of undoing the commit change, shown to who, and returns
// its id: like a document's preview, only who may confirm it, and it expires.
func (p *Pending) SaveUndo(change string, who Actor) (string, error) {
	id, err := p.newID()
	if err != nil {
		return "", fmt.Errorf("save undo preview: %w", err)
	}
	if err := p.writeMeta(id, PendingMeta{Created: p.now().UTC(), Actor: who, Undo: change}); err != nil {
		return "", fmt.Errorf("save undo preview: %w", err)
	}
	return id, nil
}

// newID makes the folder of the previews when needed, and a new random id.
func (p *Pending) newID() (string, error) {
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return "", err
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// writeMeta writes the JSON file of a preview, which marks it complete.
func (p *Pending) writeMeta(id string, meta PendingMeta) error {
	data, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	return corpus.WriteFileAtomic(filepath.Join(p.dir, id+".json"), data, 0o600)
}

// docFile is the file of a preview's document.
func (p *Pending) docFile(id, docPath string) string {
	ext := path.Ext(docPath)
	if ext != ".txt" {
		ext = ".md"
	}
	return filepath.Join(p.dir, id+ext)
}

// LoadUndo returns the preview of an undo, whose Undo is the commit to revert. Its
// errors are Load's; a document's preview is ErrPendingUnknown here.
func (p *Pending) LoadUndo(id string) (PendingMeta, error) {
	meta, err := p.loadMeta(id)
	if err == nil && meta.Undo == "" {
		return PendingMeta{}, ErrPendingUnknown
	}
	return meta, err
}

// loadMeta reads the JSON file of a preview that has not expired.
func (p *Pending) loadMeta(id string) (PendingMeta, error) {
	var meta PendingMeta
	if !pendingID.MatchString(id) {
		return meta, ErrPendingUnknown
	}
	data, err := os.ReadFile(filepath.Join(p.dir, id+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return meta, ErrPendingUnknown
	}
	if err != nil {
		return meta, fmt.Errorf("load preview: %w", err)
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		p.Remove(id)
		return meta, fmt.Errorf("load preview %s: %w", id, err)
	}
	if p.now().Sub(meta.Created) > p.ttl {
		p.Remove(id)
		return meta, ErrPendingExpired
	}
	return meta, nil
}

// Load returns the draft of a document's preview. It is ErrPendingUnknown when there is
// none (never made, confirmed or cancelled, or the preview of an undo),
// ErrPendingExpired when it is too old (and then removed).
func (p *Pending) Load(id string) (corpus.Draft, PendingMeta, error) {
	meta, err := p.loadMeta(id)
	if err != nil {
		return corpus.Draft{}, meta, err
	}
	if meta.Undo != "" {
		return corpus.Draft{}, PendingMeta{}, ErrPendingUnknown
	}
	doc, err := os.ReadFile(p.docFile(id, meta.Path))
	if err != nil || corpus.Hash(doc) != meta.Hash {
		p.Remove(id)
		return corpus.Draft{}, meta, fmt.Errorf("load preview %s: document missing or damaged (%v)", id, err)
	}
	parsed, err := corpus.ParseDocument(meta.Path, doc)
	if err != nil {
		p.Remove(id)
		return corpus.Draft{}, meta, fmt.Errorf("load preview %s: %w", id, err)
	}
	d := corpus.Draft{ID: parsed.ID, Path: meta.Path, Data: doc, Doc: parsed, Source: meta.Source,
		Replaces: meta.Replaces, BaseHash: meta.BaseHash}
	return d, meta, nil
}

// Owner returns the id of the member who made a preview, when it exists.
func (p *Pending) Owner(id string) (string, bool) {
	if !pendingID.MatchString(id) {
		return "", false
	}
	data, err := os.ReadFile(filepath.Join(p.dir, id+".json"))
	if err != nil {
		return "", false
	}
	var meta PendingMeta
	if json.Unmarshal(data, &meta) != nil {
		return "", false
	}
	return meta.Actor.ID, true
}

// Counts returns how many previews wait, in all and by the member who made them;
// expired ones are not counted.
func (p *Pending) Counts() (int, map[string]int) {
	byActor := map[string]int{}
	entries, err := os.ReadDir(p.dir)
	if err != nil {
		return 0, byActor
	}
	total := 0
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !pendingID.MatchString(id) {
			continue
		}
		var meta PendingMeta
		data, err := os.ReadFile(filepath.Join(p.dir, e.Name()))
		if err != nil || json.Unmarshal(data, &meta) != nil || p.now().Sub(meta.Created) > p.ttl {
			continue
		}
		total++
		byActor[meta.Actor.ID]++
	}
	return total, byActor
}

// Remove deletes a preview's files.
func (p *Pending) Remove(id string) {
	if !pendingID.MatchString(id) {
		return
	}
	for _, ext := range []string{".json", ".md", ".txt"} {
		os.Remove(filepath.Join(p.dir, id+ext))
	}
}

// Sweep removes expired previews (by the time they were made), and files that a crash
// left without their pair or half-written, once they are an hour old.
func (p *Pending) Sweep() {
	entries, err := os.ReadDir(p.dir)
	if err != nil {
		return
	}
	hasMeta := map[string]bool{}
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".json"); ok && pendingID.MatchString(id) {
			hasMeta[id] = true
			var meta PendingMeta
			data, err := os.ReadFile(filepath.Join(p.dir, e.Name()))
			if err != nil || json.Unmarshal(data, &meta) != nil || p.now().Sub(meta.Created) > p.ttl {
				p.Remove(id)
			}
		}
	}
	for _, e := range entries {
		id, _, _ := strings.Cut(e.Name(), ".")
		if hasMeta[id] {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
			os.Remove(filepath.Join(p.dir, e.Name()))
		}
	}
}
