// Package watch keeps the corpus current without hand work: the sources it watches
// (RSS and Atom feeds, single pages), the poller that reads them politely, the judgement
// of what is new and on topic, and the review queue of proposals that moderators approve
// or reject. The watch list, the queue and the rejections live in the corpus folder's
// review folder (corpus.ReviewFolder), one JSON file an item, so that the corpus's
// repository shares them with every machine and two machines' changes merge. It knows
// neither Discord nor bleve: the bot and the command line present it.
package watch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/web"
)

// The folders of the review folder.
const (
	watchFolder    = corpus.ReviewFolder + "/watch"
	queueFolder    = corpus.ReviewFolder + "/queue"
	rejectedFolder = corpus.ReviewFolder + "/rejected"
)

// Kinds of proposal.
const (
	KindNew    = "new"    // an article the corpus does not hold
	KindUpdate = "update" // a new text of a document of the corpus
)

// Source is a watched address: an RSS or Atom feed, or a single page.
type Source struct {
	URL   string    `json:"url"`
	Added time.Time `json:"added"`
	By    string    `json:"by,omitempty"`
}

// Proposal is an article waiting in the review queue for a moderator's approval.
type Proposal struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"` // KindNew or KindUpdate
	URL       string    `json:"url"`
	Canonical string    `json:"canonical,omitempty"` // the address the page gives for itself
	Title     string    `json:"title"`
	Publisher string    `json:"publisher"`
	Published string    `json:"published"`
	Source    string    `json:"source"` // the watched feed or page, or the Discord message
	Relevance float64   `json:"relevance"`
	Why       string    `json:"why"`          // why it is judged on topic
	Doc       string    `json:"doc"`          // the document an update changes
	First     string    `json:"first"`        // the first paragraph, word for word
	Changed   []string  `json:"changed"`      // an update's new or changed paragraphs
	By        string    `json:"by,omitempty"` // who proposed it, when a person did
	Proposed  time.Time `json:"proposed"`     // when it entered the queue
	Hash      string    `json:"hash"`         // TextHash of its text
	Document  string    `json:"document"`     // the document to write, Markdown with front matter
}

// Rejection remembers a refused text, so that it is never proposed again.
type Rejection struct {
	Hash     string    `json:"hash"`
	URL      string    `json:"url"`
	Title    string    `json:"title"`
	Reason   string    `json:"reason,omitempty"`
	By       string    `json:"by,omitempty"`
	Rejected time.Time `json:"rejected"`
}

// Review is the review folder of a corpus folder: its watched sources, its queue and
// its rejections. Every change is written atomically and committed (and pushed) through
// Git, one commit a change. Methods are not safe for concurrent use on one folder: the
// caller makes one change at a time, as it does for documents.
type Review struct {
	Store corpus.Store        // the corpus folder
	Git   curate.GitCommitter // its repository; a zero value: none
	Now   func() time.Time    // the clock; nil is time.Now
}

// now is the review's clock.
func (r *Review) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// key is the short hex sha256 of s, a file's name in the review folder.
func key(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// TextHash is the hash by which a text is known whatever its address and front matter:
// the sha256 of its paragraphs, each on one line.
func TextHash(d corpus.Document) string {
	var b strings.Builder
	for _, p := range d.Paragraphs {
		b.WriteString(corpus.OneLine(p.Text))
		b.WriteByte('\n')
	}
	return corpus.Hash([]byte(b.String()))
}

// marshal writes v as indented JSON with a final newline: one file reads the same on
// every machine, and a change shows as the lines it changes.
func marshal(v any) ([]byte, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// maxFolderFiles is the most files of one review folder read: a hostile remote cannot
// make a poll or a /corpus queue read without end.
const maxFolderFiles = 2000

// list reads the JSON files of folder (at most maxFolderFiles) into values of T; a file
// that cannot be read is skipped and reported in the error, the others returned.
func list[T any](r *Review, folder string) ([]T, error) {
	dir := filepath.Join(r.Store.Dir, filepath.FromSlash(folder))
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", folder, err)
	}
	var out []T
	var errs []error
	if len(entries) > maxFolderFiles {
		errs = append(errs, fmt.Errorf("read %s: %d files, more than %d: the rest are left out", folder, len(entries), maxFolderFiles))
		entries = entries[:maxFolderFiles]
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || path.Ext(e.Name()) != ".json" || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, ok, err := r.Store.Read(folder + "/" + e.Name())
		if err != nil || !ok {
			errs = append(errs, err)
			continue
		}
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			errs = append(errs, fmt.Errorf("read %s/%s: %w", folder, e.Name(), err))
			continue
		}
		out = append(out, v)
	}
	return out, errors.Join(errs...)
}

// commit records paths, written or removed, as one commit by who.
func (r *Review) commit(ctx context.Context, who curate.Actor, subject, body string, paths []string) error {
	_, err := r.Git.CommitFiles(ctx, who, subject, body, paths)
	if err != nil {
		return fmt.Errorf("commit %s: %w", subject, err)
	}
	return nil
}

// Sources returns the watched sources, sorted by address.
func (r *Review) Sources() ([]Source, error) {
	out, err := list[Source](r, watchFolder)
	slices.SortFunc(out, func(a, b Source) int { return strings.Compare(a.URL, b.URL) })
	return out, err
}

// sourcePath is the file of a watched address.
func sourcePath(u string) string { return watchFolder + "/" + key(web.SameAddressKey(u)) + ".json" }

// Watch adds the address raw to the watched sources, cleaned (web.CleanURL), and says
// whether it was new. The address must be one a document may have (http or https, no
// credentials); whether it can be fetched is the poller's to find out.
func (r *Review) Watch(ctx context.Context, who curate.Actor, raw string) (Source, bool, error) {
	u, err := corpus.CheckURL(raw)
	if err != nil {
		return Source{}, false, corpus.Refuse(fmt.Sprintf("that address cannot be watched: %v", err), nil)
	}
	s := Source{URL: web.CleanURL(u), Added: r.now().UTC().Truncate(time.Second), By: who.Name}
	p := sourcePath(s.URL)
	if data, ok, err := r.Store.Read(p); err != nil {
		return Source{}, false, err
	} else if ok {
		var old Source
		if json.Unmarshal(data, &old) == nil {
			return old, false, nil
		}
	}
	data, err := marshal(s)
	if err != nil {
		return Source{}, false, err
	}
	if err := r.Store.Write(p, data); err != nil {
		return Source{}, false, err
	}
	return s, true, r.commit(ctx, who, "corpus watch add: "+s.URL, "", []string{p})
}

// Unwatch removes the address raw from the watched sources, and says whether it was
// watched.
func (r *Review) Unwatch(ctx context.Context, who curate.Actor, raw string) (bool, error) {
	p := sourcePath(raw)
	if _, ok, err := r.Store.Read(p); err != nil || !ok {
		return false, err
	}
	if err := r.Store.Remove(p); err != nil {
		return false, err
	}
	return true, r.commit(ctx, who, "corpus watch remove: "+web.CleanURL(raw), "", []string{p})
}

// Queue returns the proposals waiting, oldest first.
func (r *Review) Queue() ([]Proposal, error) {
	out, err := list[Proposal](r, queueFolder)
	slices.SortFunc(out, func(a, b Proposal) int {
		if c := a.Proposed.Compare(b.Proposed); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, err
}

// Proposal returns the proposal with id and whether there is one.
func (r *Review) Proposal(id string) (Proposal, bool, error) {
	if !validID(id) {
		return Proposal{}, false, nil
	}
	data, ok, err := r.Store.Read(queueFolder + "/" + id + ".json")
	if err != nil || !ok {
		return Proposal{}, false, err
	}
	var p Proposal
	if err := json.Unmarshal(data, &p); err != nil {
		return Proposal{}, false, fmt.Errorf("read proposal %s: %w", id, err)
	}
	return p, true, nil
}

// validID reports whether id can name a proposal: "q" and hex digits.
func validID(id string) bool {
	if len(id) < 2 || len(id) > 33 || id[0] != 'q' {
		return false
	}
	for _, c := range id[1:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// propose writes the proposals ps into the queue as one commit by who.
func (r *Review) propose(ctx context.Context, who curate.Actor, ps []Proposal, subject string) error {
	if len(ps) == 0 {
		return nil
	}
	var paths []string
	var body []string
	for _, p := range ps {
		data, err := marshal(p)
		if err != nil {
			return err
		}
		rel := queueFolder + "/" + p.ID + ".json"
		if err := r.Store.Write(rel, data); err != nil {
			return err
		}
		paths = append(paths, rel)
		body = append(body, fmt.Sprintf("%s %s %s (%s)", p.ID, p.Kind, p.URL, p.Title))
	}
	return r.commit(ctx, who, subject, strings.Join(body, "\n"), paths)
}

// Dismiss removes the proposal id from the queue, with a commit whose subject says why
// ("approved", "expired"…).
func (r *Review) Dismiss(ctx context.Context, who curate.Actor, id, why string) error {
	p, ok, err := r.Proposal(id)
	if err != nil {
		return err
	}
	if !ok {
		return nil
	}
	rel := queueFolder + "/" + id + ".json"
	if err := r.Store.Remove(rel); err != nil {
		return err
	}
	return r.commit(ctx, who, fmt.Sprintf("corpus queue: %s %s — %s", why, id, p.Title), p.URL, []string{rel})
}

// Reject removes the proposal id from the queue and remembers its text as refused, in
// one commit, so that the same text is never proposed again.
func (r *Review) Reject(ctx context.Context, who curate.Actor, id, reason string) (Proposal, error) {
	p, ok, err := r.Proposal(id)
	if err != nil {
		return Proposal{}, err
	}
	if !ok {
		return Proposal{}, corpus.Refuse(fmt.Sprintf("no proposal %s is waiting", id), nil)
	}
	rej := Rejection{Hash: p.Hash, URL: p.URL, Title: p.Title, Reason: corpus.OneLine(reason), By: who.Name,
		Rejected: r.now().UTC().Truncate(time.Second)}
	data, err := marshal(rej)
	if err != nil {
		return Proposal{}, err
	}
	rp := rejectedFolder + "/" + key(p.Hash) + ".json"
	if err := r.Store.Write(rp, data); err != nil {
		return Proposal{}, err
	}
	qp := queueFolder + "/" + id + ".json"
	if err := r.Store.Remove(qp); err != nil {
		return Proposal{}, err
	}
	return p, r.commit(ctx, who, fmt.Sprintf("corpus reject: %s — %s", id, p.Title), strings.TrimSpace(p.URL+"\n\n"+rej.Reason), []string{rp, qp})
}

// Rejected returns the hashes of the texts moderators refused.
func (r *Review) Rejected() (map[string]bool, error) {
	rs, err := list[Rejection](r, rejectedFolder)
	out := map[string]bool{}
	for _, x := range rs {
		out[x.Hash] = true
	}
	return out, err
}

// Expire removes the proposals older than maxAge, in one commit, and returns them.
func (r *Review) Expire(ctx context.Context, maxAge time.Duration) ([]Proposal, error) {
	q, err := r.Queue()
	if err != nil && len(q) == 0 {
		return nil, err
	}
	cut := r.now().Add(-maxAge)
	var gone []Proposal
	var paths []string
	for _, p := range q {
		if p.Proposed.Before(cut) {
			rel := queueFolder + "/" + p.ID + ".json"
			if err := r.Store.Remove(rel); err != nil {
				return gone, err
			}
			gone, paths = append(gone, p), append(paths, rel)
		}
	}
	if len(gone) == 0 {
		return nil, nil
	}
	return gone, r.commit(ctx, curate.Actor{ID: "watch", Via: "watch"}, fmt.Sprintf("corpus queue: %s expired", corpus.Plural(len(gone), "proposal")), "", paths)
}

// SourceOf is the source a proposal's document is drafted from on approval: its
// Markdown, under its address, so that the draft is made as corpus add makes one (an
// address the corpus has updates that document).
func SourceOf(p Proposal) corpus.Source {
	return corpus.Source{URL: p.URL, ContentType: "text/markdown; charset=utf-8", Data: []byte(p.Document)}
}
