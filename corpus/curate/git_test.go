package curate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	git "github.com/go-git/go-git/v5"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
)

func TestMain(m *testing.M) {
	gitcorpus.InstallFileTransport()
	os.Exit(m.Run())
}

// gitSeed is the corpus every test repository starts from.
var gitSeed = map[string]string{"glossary.md": "---\ntitle: Glossary\n---\n\nBreakout time.\n"}

// newGitRemote makes an empty bare repository on disk and returns its file:// URL and
// its folder.
func newGitRemote(t *testing.T) (string, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "remote.git")
	if _, err := git.PlainInit(dir, true); err != nil {
		t.Fatal(err)
	}
	return "file://" + dir, dir
}

// openGitFolder makes a corpus folder with files and opens it as a repository following
// remote.
func openGitFolder(t *testing.T, remote string, files map[string]string) *gitcorpus.Repo {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "corpus")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for p, s := range files {
		writeGitFile(t, dir, p, s)
	}
	r, err := gitcorpus.Open(context.Background(), gitcorpus.Config{Dir: dir, Remote: remote})
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	return r
}

func writeGitFile(t *testing.T, dir, p, s string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// added is the change that adds the document at path.
func added(id, path, title string) corpus.Changes {
	return corpus.Changes{Added: []corpus.DocChange{{ID: id, Path: path, Title: title, PassagesAdded: 1}}, PassagesAdded: 1}
}

var discordMod = Actor{ID: "42", Name: "Mod", Via: "discord", Guild: "7"}

func TestGitCommitCommitted(t *testing.T) {
	ctx := context.Background()
	url, _ := newGitRemote(t)
	r := openGitFolder(t, url, gitSeed)
	writeGitFile(t, r.Dir(), "news/iaea.md", "---\ntitle: IAEA\n---\n\nInspectors.\n")
	ch := added("news/iaea", "news/iaea.md", "IAEA")
	got, err := GitCommitter{Repo: r}.Commit(ctx, discordMod, "add", "https://example.org/iaea", ch)
	if err != nil {
		t.Fatal(err)
	}
	if got.Result != GitCommitted {
		t.Fatalf("result = %v, want GitCommitted", got.Result)
	}
	if want := "corpus add: added news/iaea — IAEA"; got.Subject != want || got.Entry.Subject != want {
		t.Errorf("subject = %q, entry's %q; want %q", got.Subject, got.Entry.Subject, want)
	}
	if got.Entry.ID == "" || got.Entry.ID != r.Head() {
		t.Errorf("entry %q, head %q: want the new head", got.Entry.ID, r.Head())
	}
	if got, want := got.Entry.Files, []gitcorpus.FileChange{{Path: "news/iaea.md", Action: "added"}}; !slices.Equal(got, want) {
		t.Errorf("files = %v, want %v (only the change's)", got, want)
	}
	if !strings.Contains(got.Entry.Message, ch.Summary()+"\n") {
		t.Errorf("message = %q, want the summary", got.Entry.Message)
	}
	if got.Entry.Author != "Mod" || got.Entry.Email != "discord-42@users.invalid" {
		t.Errorf("author = %q <%s>", got.Entry.Author, got.Entry.Email)
	}
	want := []gitcorpus.Trailer{{Key: "Discord-User", Value: "Mod (42)"}, {Key: "Standoff-Via", Value: "discord"},
		{Key: "Source", Value: "https://example.org/iaea"}}
	if !slices.Equal(got.Entry.Trailers, want) {
		t.Errorf("trailers = %v, want %v", got.Entry.Trailers, want)
	}
}

func TestGitCommitWholeTree(t *testing.T) {
	r := openGitFolder(t, "", gitSeed)
	writeGitFile(t, r.Dir(), "news/iaea.md", "IAEA\n")
	writeGitFile(t, r.Dir(), "stray.md", "edited by hand\n")
	writeGitFile(t, r.Dir(), "other.md", "edited by hand too\n")
	got, err := GitCommitter{Repo: r}.Commit(context.Background(), discordMod, "add", "", added("news/iaea", "news/iaea.md", "IAEA"))
	if err != nil || got.Result != GitCommitted {
		t.Fatalf("commit = %v, %v; want GitCommitted", got.Result, err)
	}
	if want := []gitcorpus.FileChange{{Path: "news/iaea.md", Action: "added"}}; !slices.Equal(got.Entry.Files, want) {
		t.Errorf("files = %v, want %v (only the change's)", got.Entry.Files, want)
	}
	got, err = GitCommitter{Repo: r, WholeTree: true}.Commit(context.Background(), Actor{ID: "watch", Via: "watch"}, "watch", "", corpus.Changes{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Result != GitCommitted {
		t.Fatalf("result = %v, want GitCommitted", got.Result)
	}
	if want := "corpus watch: files edited in the corpus folder"; got.Subject != want {
		t.Errorf("subject = %q, want %q", got.Subject, want)
	}
	wantFiles := []gitcorpus.FileChange{{Path: "other.md", Action: "added"}, {Path: "stray.md", Action: "added"}}
	if !slices.Equal(got.Entry.Files, wantFiles) {
		t.Errorf("files = %v, want %v", got.Entry.Files, wantFiles)
	}
	if got.Entry.Author != "standoff watch" {
		t.Errorf("author = %q, want standoff watch", got.Entry.Author)
	}
}

func TestGitCommitReapplied(t *testing.T) {
	ctx := context.Background()
	url, _ := newGitRemote(t)
	a := openGitFolder(t, url, gitSeed)
	b := openGitFolder(t, url, nil)
	writeGitFile(t, a.Dir(), "news/a.md", "A\n")
	if got, err := (GitCommitter{Repo: a}).Commit(ctx, discordMod, "add", "", added("news/a", "news/a.md", "A")); err != nil || got.Result != GitCommitted {
		t.Fatalf("A's commit = %v, %v; want GitCommitted", got.Result, err)
	}
	before := b.Head()
	writeGitFile(t, b.Dir(), "news/b.md", "B\n")
	got, err := GitCommitter{Repo: b}.Commit(ctx, Actor{ID: "cli:ann", Name: "ann", Via: "cli"}, "add", "", added("news/b", "news/b.md", "B"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Result != GitReapplied {
		t.Fatalf("result = %v, want GitReapplied", got.Result)
	}
	if got.Entry.Parent == before || got.Entry.Parent != a.Head() {
		t.Errorf("parent = %q, want A's commit %q", got.Entry.Parent, a.Head())
	}
	if _, err := os.Stat(filepath.Join(b.Dir(), "news", "a.md")); err != nil {
		t.Errorf("B's folder has not got A's change: %v", err)
	}
}

func TestGitCommitNotPushed(t *testing.T) {
	ctx := context.Background()
	url, remoteDir := newGitRemote(t)
	r := openGitFolder(t, url, gitSeed)
	if err := os.Rename(remoteDir, remoteDir+".away"); err != nil {
		t.Fatal(err)
	}
	writeGitFile(t, r.Dir(), "news/c.md", "C\n")
	got, err := GitCommitter{Repo: r}.Commit(ctx, discordMod, "add", "", added("news/c", "news/c.md", "C"))
	if err != nil {
		t.Fatalf("err = %v, want the warning in the outcome", err)
	}
	var pe *gitcorpus.PushError
	if got.Result != GitNotPushed || !errors.As(got.Err, &pe) {
		t.Fatalf("outcome = %v, %v; want GitNotPushed with a PushError", got.Result, got.Err)
	}
	if got.Entry.ID == "" || got.Entry.ID != r.Head() {
		t.Errorf("entry %q, head %q: want the local commit", got.Entry.ID, r.Head())
	}
}

func TestGitCommitConflict(t *testing.T) {
	ctx := context.Background()
	url, _ := newGitRemote(t)
	a := openGitFolder(t, url, gitSeed)
	b := openGitFolder(t, url, nil)
	updated := corpus.Changes{Updated: []corpus.DocChange{{ID: "glossary", Path: "glossary.md", Title: "Glossary"}}}
	writeGitFile(t, a.Dir(), "glossary.md", "from A\n")
	if _, err := (GitCommitter{Repo: a}).Commit(ctx, discordMod, "add", "", updated); err != nil {
		t.Fatal(err)
	}
	writeGitFile(t, b.Dir(), "glossary.md", "from B\n")
	got, err := GitCommitter{Repo: b}.Commit(ctx, discordMod, "add", "", updated)
	reason, ok := corpus.RefusalReason(err)
	if !ok {
		t.Fatalf("err = %v, want a Refusal", err)
	}
	if want := "the same document was changed on another machine meanwhile, so this change was not applied (glossary.md)"; reason != want {
		t.Errorf("reason = %q, want %q", reason, want)
	}
	var ce *gitcorpus.ConflictError
	if got.Result != GitConflict || !errors.As(got.Err, &ce) || !errors.As(err, &ce) {
		t.Errorf("outcome = %v, %v; want GitConflict with the ConflictError", got.Result, got.Err)
	}
	data, _ := os.ReadFile(filepath.Join(b.Dir(), "glossary.md"))
	if string(data) != "from A\n" {
		t.Errorf("B's glossary = %q, want the remote's: the change is kept out", data)
	}
}

func TestGitCommitEmptyAndNoRepository(t *testing.T) {
	r := openGitFolder(t, "", gitSeed)
	head := r.Head()
	ch := corpus.Changes{Updated: []corpus.DocChange{{ID: "glossary", Path: "glossary.md"}}}
	got, err := GitCommitter{Repo: r}.Commit(context.Background(), discordMod, "add", "", ch)
	if err != nil || got.Result != GitEmpty {
		t.Errorf("nothing to commit: %v, %v; want GitEmpty", got.Result, err)
	}
	if r.Head() != head {
		t.Errorf("head moved to %q", r.Head())
	}
	got, err = GitCommitter{}.Commit(context.Background(), discordMod, "add", "", ch)
	if err != nil || got.Result != GitNoRepository {
		t.Errorf("no repository: %v, %v; want GitNoRepository", got.Result, err)
	}
}

func TestGitAuthor(t *testing.T) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	for _, tc := range []struct {
		who      Actor
		author   gitcorpus.Author
		trailers []gitcorpus.Trailer
	}{
		{discordMod, gitcorpus.Author{Name: "Mod", Email: "discord-42@users.invalid"},
			[]gitcorpus.Trailer{{Key: "Discord-User", Value: "Mod (42)"}, {Key: "Standoff-Via", Value: "discord"}}},
		{Actor{ID: "43", Via: "discord"}, gitcorpus.Author{Name: "43", Email: "discord-43@users.invalid"},
			[]gitcorpus.Trailer{{Key: "Discord-User", Value: "43 (43)"}, {Key: "Standoff-Via", Value: "discord"}}},
		{Actor{ID: "cli:ann", Name: "ann", Via: "cli"}, gitcorpus.Author{Name: "ann", Email: "ann@" + host},
			[]gitcorpus.Trailer{{Key: "Standoff-Via", Value: "cli"}}},
		{Actor{ID: "watch", Via: "watch"}, gitcorpus.Author{Name: "standoff watch"},
			[]gitcorpus.Trailer{{Key: "Standoff-Via", Value: "watch"}}},
	} {
		author, trailers := GitAuthor(tc.who)
		if author != tc.author || !slices.Equal(trailers, tc.trailers) {
			t.Errorf("GitAuthor(%+v) = %+v, %v; want %+v, %v", tc.who, author, trailers, tc.author, tc.trailers)
		}
	}
}
