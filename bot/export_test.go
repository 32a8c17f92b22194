package bot

import "github.com/standoff-bot/standoff/corpus/curate"

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

// ReadAudit returns the changes recorded in the audit log at path: its done records
// (intents and aborted changes left out); a missing log has none, and lines it cannot
// read are skipped.
func ReadAudit(path string) ([]curate.AuditRecord, error) {
	all, err := curate.ReadLog(path)
	var out []curate.AuditRecord
	for _, r := range all {
		if r.Phase == "" || r.Phase == curate.PhaseDone {
			out = append(out, r)
		}
	}
	return out, err
}

// ReadAuditAll returns every record of the audit log at path, intents included.
func ReadAuditAll(path string) ([]curate.AuditRecord, error) { return curate.ReadLog(path) }
