package curate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// Actor is who made a change: a Discord member, a command line, or the watcher.
type Actor struct {
	ID    string // Discord user id, "cli:<user>", or "watch"
	Name  string // display name, when known
	Via   string // "discord", "cli" or "watch"
	Guild string // the guild of a Discord member
}

// WithSynonyms adds a change of the synonym rules to ch, for the audit log, as a change
// of the file synonyms.txt whose hash is that of the rules.
func WithSynonyms(ch corpus.Changes, before, after *corpus.Corpus) corpus.Changes {
	var was, now string
	if before != nil && len(before.Synonyms) > 0 {
		was = SynonymsHash(before.Synonyms)
	}
	if after != nil && len(after.Synonyms) > 0 {
		now = SynonymsHash(after.Synonyms)
	}
	if was == now {
		return ch
	}
	return withFileChange(ch, corpus.DocChange{ID: "synonyms", Path: "synonyms.txt", Title: "synonym rules"}, was, now)
}

// withFileChange adds to ch the change of a file of the corpus folder that is not a
// document (the synonym rules, the taught questions), described by dc, from the hash was
// to the hash now ("" when the file is absent): added, removed or updated.
func withFileChange(ch corpus.Changes, dc corpus.DocChange, was, now string) corpus.Changes {
	dc.Hash = now
	switch {
	case was == "":
		ch.Added = append(slices.Clone(ch.Added), dc)
	case now == "":
		dc.Hash = was
		ch.Removed = append(slices.Clone(ch.Removed), dc)
	default:
		ch.Updated = append(slices.Clone(ch.Updated), dc)
	}
	return ch
}

// SynonymsHash is the hex sha256 of synonym rules, as the audit log records them.
func SynonymsHash(rules []corpus.SynonymRule) string {
	var b strings.Builder
	for _, r := range rules {
		fmt.Fprintf(&b, "%s\x00=>\x00%s\n", strings.Join(r.Terms, "\x00"), strings.Join(r.Targets, "\x00"))
	}
	return corpus.Hash([]byte(b.String()))
}

// Rebuild builds the index of c and swaps it in, returning what it serves; when it
// fails, the index serving is left as it was. It is how a change reaches the answers,
// given by whoever owns the index.
type Rebuild func(ctx context.Context, c *corpus.Corpus) (standoff.Stats, error)
