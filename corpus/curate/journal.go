package curate

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// journal appends JSON lines to a file; it is safe for concurrent use.
type journal struct {
	mu sync.Mutex
	f  *os.File
}

// openJournal opens the journal at path for appending, creating it readable and writable
// by its owner alone (0600); a journal found open to others is made private too.
func openJournal(path string) (*journal, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, fmt.Errorf("open journal: make %s private: %w", path, err)
		}
	}
	return &journal{f: f}, nil
}

// writeSync writes the lines in one write, and syncs the file to disk: when it returns
// nil, they are there after a crash.
func (j *journal) writeSync(vs ...any) error {
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
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("write journal %s: sync: %w", j.f.Name(), err)
	}
	return nil
}

// name is the journal's file.
func (j *journal) name() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Name()
}

func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}
