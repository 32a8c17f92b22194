package bot

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// This file exports to the tests what production code does not need.

// Stats is a snapshot of what the bot has done since it started.
type Stats struct {
	Questions     int64 // new questions, from every source
	Answered      int64 // of which a passage answered
	Unanswered    int64 // of which none did
	Pages         int64 // More, Back and Post to channel
	Votes         int64 // votes recorded
	VotesUp       int   // 👍 that count, including those recorded before a restart
	VotesDown     int   // 👎 that count, including those recorded before a restart
	RateLimited   int64 // requests turned away by the per-member limit
	Failures      int64 // requests that ended with an error shown to the member
	Panics        int64 // handler panics recovered
	Autocompletes int64
	Connected     bool // every gateway connection (one a shard) is up
}

// Stats returns what the bot has done since it started.
func (b *Bot) Stats() Stats {
	st := Stats{
		Questions:     b.stats.questions.Load(),
		Answered:      b.stats.answered.Load(),
		Unanswered:    b.stats.unanswered.Load(),
		Pages:         b.stats.pages.Load(),
		Votes:         b.stats.votes.Load(),
		RateLimited:   b.stats.limited.Load(),
		Failures:      b.stats.failures.Load(),
		Panics:        b.stats.panics.Load(),
		Autocompletes: b.stats.autocompletes.Load(),
		Connected:     b.shardCount() > 0 && b.disconnectedShards() == "",
	}
	st.VotesUp, st.VotesDown = b.feedbackCounts()
	return st
}

// ReadAudit returns the records of the audit log at path; a missing log has none, and
// lines it cannot read are skipped.
func ReadAudit(path string) ([]AuditRecord, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
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
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}
