package bot

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/standoff-bot/standoff/corpus"
)

// Files the bot keeps in the data folder.
const (
	// QuestionsFile is the JSON-lines log of every question and its outcome, one
	// QuestionRecord a line; moderators' reports of unanswered questions read it.
	QuestionsFile = "questions.jsonl"
	// FeedbackFile is the JSON-lines log of 👍 and 👎 votes, one Vote a line.
	FeedbackFile = "feedback.jsonl"
)

// QuestionRecord is one line of QuestionsFile.
type QuestionRecord struct {
	Time        time.Time `json:"time"`
	Source      string    `json:"source"` // ask, mention, dm, find_sources, suggestion
	Guild       string    `json:"guild,omitempty"`
	Question    string    `json:"question"`
	Answered    bool      `json:"answered"`
	Results     int       `json:"results"`
	TopScore    float64   `json:"top_score,omitempty"`
	TopDoc      string    `json:"top_doc,omitempty"`
	TopTerms    []string  `json:"top_terms,omitempty"`
	Suggestions []string  `json:"suggestions,omitempty"`
	Error       string    `json:"error,omitempty"`       // set when the index or the reply failed; Answered is then false
	Undelivered bool      `json:"undelivered,omitempty"` // the reply did not reach the member
	Busy        bool      `json:"busy,omitempty"`        // Discord did not take the answer in time; the channel was told to ask again
	Millis      float64   `json:"ms"`
}

// Vote is one line of FeedbackFile: a member's 👍 or 👎 on the passages of an answer.
type Vote struct {
	Time     time.Time `json:"time"`
	User     string    `json:"user"` // the member's keyed hash ("h:…"), never the id
	Guild    string    `json:"guild,omitempty"`
	Channel  string    `json:"channel,omitempty"`
	Message  string    `json:"message"`
	Question string    `json:"question"`
	Passages []string  `json:"passages"` // "doc#paragraph" of each passage shown
	Vote     string    `json:"vote"`     // "up" or "down"
}

// ensurePrivateDir makes the folder dir, and its missing parents, readable by their owner
// alone (0700). An existing folder that others may read is left as it is, with a warning:
// it may be shared on purpose.
func ensurePrivateDir(dir string, log *slog.Logger) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("make %s: %w", dir, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("make %s: %w", dir, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		log.Warn("the data folder is open to other users; chmod 700 it", "dir", dir, "mode", fi.Mode().Perm().String())
	}
	return nil
}

// Feedback records votes in a JSON-lines file and counts them. A member's latest vote on
// a message is the one that counts, so pressing 👍 twice counts once. Counts survive a
// restart: they are read back from the file when it is opened.
type Feedback struct {
	j *corpus.Journal

	mu       sync.Mutex
	latest   map[voteKey]bool // true: up
	up, down int
}

type voteKey struct{ message, user string }

// OpenFeedback opens (creating it if need be) the feedback log at path and counts the
// votes already in it. Lines it cannot read are skipped.
func OpenFeedback(path string) (*Feedback, error) {
	fb := &Feedback{latest: map[voteKey]bool{}}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("open feedback: %w", err)
	default:
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			var v Vote
			if json.Unmarshal(sc.Bytes(), &v) == nil && (v.Vote == "up" || v.Vote == "down") {
				fb.count(v)
			}
		}
		err := sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("open feedback: read %s: %w", path, err)
		}
	}
	j, err := corpus.OpenJournal(path)
	if err != nil {
		return nil, fmt.Errorf("open feedback: %w", err)
	}
	fb.j = j
	return fb, nil
}

// count adds v to the counts; it reports false when v repeats the member's latest vote
// on the message. The caller holds mu or owns fb.
func (fb *Feedback) count(v Vote) bool {
	k := voteKey{v.Message, v.User}
	up := v.Vote == "up"
	prev, seen := fb.latest[k]
	if seen && prev == up {
		return false
	}
	if seen {
		if prev {
			fb.up--
		} else {
			fb.down--
		}
	}
	fb.latest[k] = up
	if up {
		fb.up++
	} else {
		fb.down++
	}
	return true
}

// Record writes v to the log and counts it. It reports false, writing nothing, when v
// repeats the member's latest vote on the same message.
func (fb *Feedback) Record(v Vote) (bool, error) {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	if !fb.count(v) {
		return false, nil
	}
	if err := fb.j.Write(v); err != nil {
		return true, fmt.Errorf("record vote: %w", err)
	}
	return true, nil
}

// Counts returns the number of 👍 and 👎 that count: each member's latest vote per message.
func (fb *Feedback) Counts() (up, down int) {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	return fb.up, fb.down
}

// Close closes the log.
func (fb *Feedback) Close() error { return fb.j.Close() }
