package bot

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
	"github.com/standoff-bot/standoff/corpus/curate"
)

// PendingDir is the folder of the data folder where previews wait for Confirm.
const PendingDir = "pending"

// Errors of pendingStore.load.
var (
	errPendingUnknown = errors.New("pending: no such preview")
	errPendingExpired = errors.New("pending: preview expired")
)

// pendingID matches the id of a preview: it comes back in a custom id, so it is checked
// before it names a file.
var pendingID = regexp.MustCompile(`^[0-9a-f]{16}$`)

// pendingStore keeps the drafts that a moderator previewed and may confirm: the document
// in <id>.md (or .txt) and what it needs in <id>.json, written in that order, each
// atomically, so that the JSON file marks a complete preview. A preview survives a
// restart, and expires after ttl.
type pendingStore struct {
	dir string
	ttl time.Duration
	now func() time.Time
}

// pendingMeta is the JSON file of a preview.
type pendingMeta struct {
	Created  time.Time    `json:"created"`
	Actor    curate.Actor `json:"actor"`
	Path     string       `json:"path"`
	Source   string       `json:"source"`
	Replaces string       `json:"replaces,omitempty"`
	BaseHash string       `json:"base_hash,omitempty"`
	Hash     string       `json:"hash"` // of the document file, to detect a damaged one
}

// save stores a draft and returns the id of its preview.
func (p *pendingStore) save(d corpus.Draft, who curate.Actor) (string, error) {
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return "", fmt.Errorf("save preview: %w", err)
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("save preview: %w", err)
	}
	id := hex.EncodeToString(b)
	meta := pendingMeta{Created: p.now().UTC(), Actor: who, Path: d.Path, Source: d.Source,
		Replaces: d.Replaces, BaseHash: d.BaseHash, Hash: corpus.Hash(d.Data)}
	if err := corpus.WriteFileAtomic(p.docFile(id, d.Path), d.Data, 0o600); err != nil {
		return "", fmt.Errorf("save preview: %w", err)
	}
	data, err := json.Marshal(meta)
	if err != nil {
		return "", fmt.Errorf("save preview: %w", err)
	}
	if err := corpus.WriteFileAtomic(filepath.Join(p.dir, id+".json"), data, 0o600); err != nil {
		return "", fmt.Errorf("save preview: %w", err)
	}
	return id, nil
}

// docFile is the file of a preview's document.
func (p *pendingStore) docFile(id, docPath string) string {
	ext := path.Ext(docPath)
	if ext != ".txt" {
		ext = ".md"
	}
	return filepath.Join(p.dir, id+ext)
}

// load returns the draft of a preview. It is errPendingUnknown when there is none (never
// made, confirmed or cancelled), errPendingExpired when it is too old (and then removed).
func (p *pendingStore) load(id string) (corpus.Draft, pendingMeta, error) {
	var meta pendingMeta
	if !pendingID.MatchString(id) {
		return corpus.Draft{}, meta, errPendingUnknown
	}
	data, err := os.ReadFile(filepath.Join(p.dir, id+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return corpus.Draft{}, meta, errPendingUnknown
	}
	if err != nil {
		return corpus.Draft{}, meta, fmt.Errorf("load preview: %w", err)
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		p.remove(id)
		return corpus.Draft{}, meta, fmt.Errorf("load preview %s: %w", id, err)
	}
	if p.now().Sub(meta.Created) > p.ttl {
		p.remove(id)
		return corpus.Draft{}, meta, errPendingExpired
	}
	doc, err := os.ReadFile(p.docFile(id, meta.Path))
	if err != nil || corpus.Hash(doc) != meta.Hash {
		p.remove(id)
		return corpus.Draft{}, meta, fmt.Errorf("load preview %s: document missing or damaged (%v)", id, err)
	}
	parsed, err := corpus.ParseDocument(meta.Path, doc)
	if err != nil {
		p.remove(id)
		return corpus.Draft{}, meta, fmt.Errorf("load preview %s: %w", id, err)
	}
	d := corpus.Draft{ID: parsed.ID, Path: meta.Path, Data: doc, Doc: parsed, Source: meta.Source,
		Replaces: meta.Replaces, BaseHash: meta.BaseHash}
	return d, meta, nil
}

// owner returns the id of the member who made a preview, when it exists.
func (p *pendingStore) owner(id string) (string, bool) {
	if !pendingID.MatchString(id) {
		return "", false
	}
	data, err := os.ReadFile(filepath.Join(p.dir, id+".json"))
	if err != nil {
		return "", false
	}
	var meta pendingMeta
	if json.Unmarshal(data, &meta) != nil {
		return "", false
	}
	return meta.Actor.ID, true
}

// counts returns how many previews wait, in all and by the member who made them;
// expired ones are not counted.
func (p *pendingStore) counts() (int, map[string]int) {
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
		var meta pendingMeta
		data, err := os.ReadFile(filepath.Join(p.dir, e.Name()))
		if err != nil || json.Unmarshal(data, &meta) != nil || p.now().Sub(meta.Created) > p.ttl {
			continue
		}
		total++
		byActor[meta.Actor.ID]++
	}
	return total, byActor
}

// remove deletes a preview's files.
func (p *pendingStore) remove(id string) {
	if !pendingID.MatchString(id) {
		return
	}
	for _, ext := range []string{".json", ".md", ".txt"} {
		os.Remove(filepath.Join(p.dir, id+ext))
	}
}

// sweep removes expired previews (by the time they were made), and files that a crash
// left without their pair or half-written, once they are an hour old.
func (p *pendingStore) sweep() {
	entries, err := os.ReadDir(p.dir)
	if err != nil {
		return
	}
	hasMeta := map[string]bool{}
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".json"); ok && pendingID.MatchString(id) {
			hasMeta[id] = true
			var meta pendingMeta
			data, err := os.ReadFile(filepath.Join(p.dir, e.Name()))
			if err != nil || json.Unmarshal(data, &meta) != nil || p.now().Sub(meta.Created) > p.ttl {
				p.remove(id)
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
