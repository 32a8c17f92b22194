package corpus

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// Journal appends JSON lines to a file of the data folder (the audit log, the question
// and feedback logs); it is safe for concurrent use.
type Journal struct {
	mu sync.Mutex
	f  *os.File
}

// OpenJournal opens the journal at path for appending, creating it readable and writable
// by its owner alone (0600); a journal found open to others is made private too.
func OpenJournal(path string) (*Journal, error) {
	f, err := openAppend(path)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, fmt.Errorf("open journal: make %s private: %w", path, err)
		}
	}
	return &Journal{f: f}, nil
}

// openAppend opens path for appending, creating it 0600.
func openAppend(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
}

// Write appends vs, one JSON line each, in one write.
func (j *Journal) Write(vs ...any) error { return j.write(false, vs) }

// WriteSync is Write, then a sync of the file to disk: when it returns nil, the lines
// are there after a crash.
func (j *Journal) WriteSync(vs ...any) error { return j.write(true, vs) }

func (j *Journal) write(sync bool, vs []any) error {
	var buf []byte
	for _, v := range vs {
		line, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("write journal: %w", err)
		}
		buf = append(append(buf, line...), '\n')
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(buf); err != nil {
		return fmt.Errorf("write journal %s: %w", j.f.Name(), err)
	}
	if sync {
		if err := j.f.Sync(); err != nil {
			return fmt.Errorf("write journal %s: sync: %w", j.f.Name(), err)
		}
	}
	return nil
}

// Name is the journal's file.
func (j *Journal) Name() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Name()
}

// Rewrite runs rewrite on the journal's file while no line is written, then appends to
// the file found at that path afterwards (rewrite may replace it, as a pruning does).
// When rewrite fails, its error is returned and the journal goes on as it was.
func (j *Journal) Rewrite(rewrite func(path string) error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	path := j.f.Name()
	if err := rewrite(path); err != nil {
		return err
	}
	f, err := openAppend(path)
	if err != nil {
		return fmt.Errorf("rewrite journal: reopen %s: %w", path, err)
	}
	j.f.Close()
	j.f = f
	return nil
}

// Close closes the journal's file.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}
