package bot

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
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

// JournalKeyFile is the file of the data folder that holds the key of the members' keyed
// hashes in the question and feedback logs. It is made on first use, readable by its
// owner alone; without it the hashes cannot be tied back to a member.
const JournalKeyFile = "journal.key"

// journalKeyLen is the length of the key, in bytes.
const journalKeyLen = 32

// hashPrefix starts a member id that was replaced by its keyed hash.
const hashPrefix = "h:"

// loadJournalKey returns the key in dataDir, making it (0600) when there is none.
func loadJournalKey(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, JournalKeyFile)
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key = make([]byte, journalKeyLen)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("journal key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return loadJournalKey(dataDir)
		}
		if err != nil {
			return nil, fmt.Errorf("journal key: %w", err)
		}
		_, werr := f.Write(key)
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			os.Remove(path)
			return nil, fmt.Errorf("journal key: %w", err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal key: %w", err)
	}
	if len(key) != journalKeyLen {
		return nil, fmt.Errorf("journal key: %s holds %d bytes, not %d; remove it to make a new one", path, len(key), journalKeyLen)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("journal key: make it private: %w", err)
		}
	}
	return key, nil
}

// memberHash is the keyed hash a log keeps instead of a member's id: the same member
// gets the same hash, so that a changed vote replaces the earlier one, but the id cannot
// be read back without the key.
func memberHash(key []byte, id string) string {
	if id == "" || strings.HasPrefix(id, hashPrefix) {
		return id
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	return hashPrefix + hex.EncodeToString(mac.Sum(nil)[:16])
}

// loggedMember is how the log lines of a request name the member: by the keyed hash the
// question and feedback logs keep, so that a line can be matched with them but the id
// cannot be read back; empty before the key is read.
func (b *Bot) loggedMember(id string) string {
	b.mu.Lock()
	key := b.hashKey
	b.mu.Unlock()
	if key == nil {
		return ""
	}
	return memberHash(key, id)
}

// pruneJournal rewrites the JSON-lines log at path without the lines older than before
// (by their "time") and without lines it cannot read; a "user" still in clear is
// replaced by its keyed hash. It reports how many lines were dropped. The file is
// replaced atomically; errUnchanged says it was left as it was (or is missing).
func pruneJournal(path string, before time.Time, key []byte) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, errUnchanged
	}
	if err != nil {
		return 0, fmt.Errorf("prune %s: %w", filepath.Base(path), err)
	}
	var out bytes.Buffer
	dropped, changed := 0, false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var head struct {
			Time time.Time `json:"time"`
			User *string   `json:"user"`
		}
		line := sc.Bytes()
		if json.Unmarshal(line, &head) != nil || head.Time.Before(before) {
			dropped++
			continue
		}
		if head.User != nil && *head.User != "" && !strings.HasPrefix(*head.User, hashPrefix) {
			var rec map[string]any
			if json.Unmarshal(line, &rec) != nil {
				dropped++
				continue
			}
			rec["user"] = memberHash(key, *head.User)
			b, err := json.Marshal(rec)
			if err != nil {
				dropped++
				continue
			}
			line, changed = b, true
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	err = sc.Err()
	f.Close()
	if err != nil {
		return 0, fmt.Errorf("prune %s: %w", filepath.Base(path), err)
	}
	if dropped == 0 && !changed {
		return 0, errUnchanged
	}
	if err := corpus.WriteFileAtomic(path, out.Bytes(), 0o600); err != nil {
		return 0, fmt.Errorf("prune %s: %w", filepath.Base(path), err)
	}
	return dropped, nil
}

// errUnchanged is pruneJournal's report that the file was left as it was.
var errUnchanged = errors.New("prune: nothing to change")

// prune rewrites the journal j without the lines older than before (and with member ids
// replaced by their keyed hashes), then appends to the new file.
func prune(j *corpus.Journal, before time.Time, key []byte) (int, error) {
	var n int
	err := j.Rewrite(func(path string) error {
		var err error
		n, err = pruneJournal(path, before, key)
		return err
	})
	if errors.Is(err, errUnchanged) {
		return 0, nil
	}
	return n, err
}
