package curate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	git "github.com/go-git/go-git/v5"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
)

// GitResult says what committing a change to the corpus repository did.
type GitResult int

// What committing a change can do.
const (
	// GitNoRepository: the corpus is not kept in a repository; nothing was done.
	GitNoRepository GitResult = iota
	// GitCommitted: the change is one commit (pushed when there is a remote).
	GitCommitted
	// GitReapplied: the change was committed onto changes pushed from elsewhere, which
	// are now in the corpus folder too: whoever serves the corpus should refresh.
	GitReapplied
	// GitNotPushed: the change is committed but the remote could not take it now; a
	// later sync pushes it. GitCommit.Err says why.
	GitNotPushed
	// GitConflict: the same document changed on the remote meanwhile; the change was
	// not applied, the folder is as the remote has it, and GitCommit.Err says which.
	GitConflict
	// GitEmpty: the change left nothing to commit.
	GitEmpty
)

// GitCommit is the outcome of committing a change to the corpus repository.
type GitCommit struct {
	Result  GitResult
	Subject string          // the commit's subject
	Entry   gitcorpus.Entry // the commit, when committed
	// Err is the *gitcorpus.PushError of GitNotPushed, or the *gitcorpus.ConflictError
	// of GitConflict.
	Err error
}

// GitCommitter records changes of the corpus folder in its repository: one commit each,
// pushed when the repository has a remote.
type GitCommitter struct {
	// Repo is the corpus repository; nil: the corpus is not kept in one.
	Repo *gitcorpus.Repo
	// WholeTree records every change of the work tree with a change, not only the files
	// of its documents (a folder where edits by hand are changes too).
	WholeTree bool
}

// Commit records the changes ch, made by who with command from source, as one commit,
// and says what happened. A conflict with the remote is also a *corpus.Refusal: the
// change was not applied. Any other error is returned as it is, with a GitCommit of no
// result.
func (g GitCommitter) Commit(ctx context.Context, who Actor, command, source string, ch corpus.Changes) (GitCommit, error) {
	if g.Repo == nil {
		return GitCommit{Result: GitNoRepository}, nil
	}
	author, trailers := GitAuthor(who)
	c := gitcorpus.Change{Subject: ch.CommitSubject(command), Body: ch.Summary(), Author: author, Trailers: trailers}
	if ch.Empty() {
		c.Subject = "corpus " + command + ": files edited in the corpus folder"
	}
	if source != "" {
		// A trailer beside who made it, so that history readers (git's and ours) find it.
		c.Trailers = append(c.Trailers, gitcorpus.Trailer{Key: "Source", Value: source})
	}
	if !g.WholeTree {
		c.Paths = ch.Paths()
	}
	return g.record(ctx, c)
}

// record commits c and says what happened.
func (g GitCommitter) record(ctx context.Context, c gitcorpus.Change) (GitCommit, error) {
	out := GitCommit{Subject: c.Subject}
	before := g.Repo.Head()
	e, err := g.Repo.Commit(ctx, c)
	var pe *gitcorpus.PushError
	var ce *gitcorpus.ConflictError
	switch {
	case err == nil:
		out.Result, out.Entry = GitCommitted, e
		if e.Parent != before {
			out.Result = GitReapplied
		}
		return out, nil
	case errors.Is(err, git.ErrEmptyCommit):
		out.Result = GitEmpty
		return out, nil
	case errors.As(err, &pe):
		out.Result, out.Entry, out.Err = GitNotPushed, e, err
		return out, nil
	case errors.As(err, &ce):
		out.Result, out.Err = GitConflict, err
		return out, &corpus.Refusal{Reason: "the same document was changed on another machine meanwhile, so this change was not applied (" +
			strings.Join(ce.Paths, ", ") + ")", Err: err}
	default:
		return GitCommit{}, fmt.Errorf("commit the change: %w", err)
	}
}

// CommitFiles records the files paths (relative to the corpus folder, written or
// removed by the caller) as one commit with subject and body, made by who, pushed when
// the repository has a remote: for the corpus's files that are not documents, such as
// the watched sources and the review queue. Its outcomes are Commit's.
func (g GitCommitter) CommitFiles(ctx context.Context, who Actor, subject, body string, paths []string) (GitCommit, error) {
	if g.Repo == nil {
		return GitCommit{Result: GitNoRepository}, nil
	}
	author, trailers := GitAuthor(who)
	c := gitcorpus.Change{Subject: subject, Body: body, Author: author, Trailers: trailers, Paths: paths}
	return g.record(ctx, c)
}

// GitAuthor is who as a commit's author, and the trailers that say who and how: a
// Discord member by name and id, a command line's user at this host.
func GitAuthor(who Actor) (gitcorpus.Author, []gitcorpus.Trailer) {
	name := who.Name
	if name == "" {
		name = who.ID
	}
	switch who.Via {
	case "discord":
		return gitcorpus.Author{Name: name, Email: "discord-" + who.ID + "@users.invalid"},
			[]gitcorpus.Trailer{{Key: "Discord-User", Value: name + " (" + who.ID + ")"}, {Key: "Standoff-Via", Value: "discord"}}
	case "cli":
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "localhost"
		}
		return gitcorpus.Author{Name: who.Name, Email: who.Name + "@" + host}, []gitcorpus.Trailer{{Key: "Standoff-Via", Value: "cli"}}
	default:
		return gitcorpus.Author{Name: "standoff " + who.Via}, []gitcorpus.Trailer{{Key: "Standoff-Via", Value: who.Via}}
	}
}
