package bot

import "github.com/standoff-bot/standoff/corpus/curate"

// This file exports to the tests what production code does not need.

// ReplyLane is the rate-limit bucket of the reply to the message id.
func ReplyLane(id string) int { return replyLane(id) }

// Stats is a snapshot of what the bot has done since it started, read from its
// Prometheus metrics: the metrics are the bot's only count.
type Stats struct {
	Questions     int64 // new questions that reached the index, from every source
	Answered      int64 // of which a passage answered
	Unanswered    int64 // of which none did
	Pages         int64 // More, Back and Post to channel
	Votes         int64 // votes recorded
	VotesUp       int   // 👍 that count, including those recorded before a restart
	VotesDown     int   // 👎 that count, including those recorded before a restart
	RateLimited   int64 // questions turned away by the per-member limit
	Failures      int64 // questions that ended with an error shown to the member
	Undelivered   int64 // questions whose reply did not reach the member
	Busy          int64 // questions whose answer Discord did not take in time, the channel told to ask again
	Panics        int64 // handler panics recovered
	Autocompletes int64
	Connected     bool // every gateway connection (one a shard) is up
}

// Stats returns what the bot has done since it started, from its metrics registry.
func (b *Bot) Stats() Stats {
	count := func(name, label, value string) int64 {
		fams, err := b.metrics.reg.Gather()
		if err != nil {
			panic(err)
		}
		var n float64
		for _, f := range fams {
			if f.GetName() != name {
				continue
			}
			for _, m := range f.GetMetric() {
				ok := label == ""
				for _, l := range m.GetLabel() {
					if l.GetName() == label && l.GetValue() == value {
						ok = true
					}
				}
				if ok {
					n += m.GetCounter().GetValue()
				}
			}
		}
		return int64(n)
	}
	const q = "standoff_questions_total"
	st := Stats{
		Answered:      count(q, "outcome", OutcomeAnswered),
		Unanswered:    count(q, "outcome", OutcomeNotAnswered),
		Failures:      count(q, "outcome", OutcomeError),
		RateLimited:   count(q, "outcome", OutcomeRateLimited),
		Undelivered:   count(q, "outcome", OutcomeUndelivered),
		Busy:          count(q, "outcome", OutcomeBusy),
		Pages:         count("standoff_answer_buttons_total", "", ""),
		Votes:         count("standoff_feedback_votes_total", "", ""),
		Panics:        count("standoff_panics_total", "", ""),
		Autocompletes: count("standoff_autocompletes_total", "", ""),
		Connected:     b.shardCount() > 0 && b.disconnectedShards() == "",
	}
	st.Questions = st.Answered + st.Unanswered + st.Failures + st.Undelivered + st.Busy
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
