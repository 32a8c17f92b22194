package corpus

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/standoff-bot/standoff/corpus/corpusfs"
)

func TestLoadMixed(t *testing.T) {
	c, err := LoadDir(t.Context(), "testdata/mixed")
	if err != nil {
		t.Fatal(err)
	}

	var ids []string
	for _, d := range c.Documents {
		ids = append(ids, d.ID)
	}
	wantIDs := []string{"glossary", "news/2026-01-ap", "notes", "timeline"}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Errorf("document ids = %q, want %q", ids, wantIDs)
	}

	wantProblems := map[string]int{ // path → line
		"baddate.md":       3,
		"badkind.md":       3,
		"binary.md":        5,
		"blank.txt":        0,
		"broken-yaml.md":   3,
		"empty.md":         0,
		"latin1.txt":       3,
		"nofrontmatter.md": 1,
		"notitle.md":       1,
		"unterminated.md":  1,
	}
	gotProblems := map[string]int{}
	for _, p := range c.Problems {
		gotProblems[p.Path] = p.Line
		if p.Reason == "" {
			t.Errorf("problem %+v has no reason", p)
		}
	}
	if !reflect.DeepEqual(gotProblems, wantProblems) {
		t.Errorf("problems (path: line) = %v, want %v\n%v", gotProblems, wantProblems, c.Problems)
	}

	wantWarnings := []Problem{
		{Path: "README", Reason: "ignored: not a .md or .txt document"},
		{Path: "logo.png", Reason: "ignored: not a .md or .txt document"},
	}
	if !reflect.DeepEqual(c.Warnings, wantWarnings) {
		t.Errorf("Warnings = %v, want %v", c.Warnings, wantWarnings)
	}

	wantSynonyms := []SynonymRule{
		{Terms: []string{"jcpoa", "iran deal", "nuclear deal"}, Line: 2},
		{Terms: []string{"leave"}, Targets: []string{"withdraw"}, Line: 3},
	}
	if !reflect.DeepEqual(c.Synonyms, wantSynonyms) {
		t.Errorf("Synonyms = %+v, want %+v", c.Synonyms, wantSynonyms)
	}

	ap := c.Documents[1]
	got := []string{ap.Title, ap.Publisher, ap.Published, ap.Kind, ap.Path}
	want := []string{"Talks resume in Oman", "AP", "2026-01-15", KindArticle, "news/2026-01-ap.md"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("news/2026-01-ap: title, publisher, published, kind, path = %q, want %q", got, want)
	}
}

func TestLoadSortsAndRejectsDuplicates(t *testing.T) {
	md := func(title string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\n---\n\nText.\n")}
	}
	fsys := fstest.MapFS{
		"a/b.md":           md("a/b"),
		"a-b.md":           md("a-b"),
		"dup.md":           md("dup"),
		"dup.txt":          {Data: []byte("Dup\n\nText.\n")},
		"Upper.MD":         md("upper"),
		"synonyms.txt":     {Data: []byte("a, b\n=> x\n")},
		"sub/synonyms.txt": {Data: []byte("Sub synonyms\n\nA document, not rules.\n")},
	}
	c, err := Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range c.Documents {
		ids = append(ids, d.ID)
	}
	wantIDs := []string{"Upper", "a-b", "a/b", "dup", "sub/synonyms"}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Errorf("ids = %q, want %q", ids, wantIDs)
	}
	wantProblems := []Problem{
		{Path: "dup.txt", Reason: `duplicate id "dup": dup.md has it too`},
		{Path: "synonyms.txt", Line: 2, Reason: "no term before =>"},
	}
	if !reflect.DeepEqual(c.Problems, wantProblems) {
		t.Errorf("Problems = %v, want %v", c.Problems, wantProblems)
	}
}

func TestLoadCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := LoadDir(ctx, "testdata/mixed")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

func TestLoadDirErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file.md")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, want string
		is              error
	}{
		{"missing", filepath.Join(dir, "missing"), "no folder", fs.ErrNotExist},
		{"file", file, "is not a folder", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadDir(t.Context(), tt.dir)
			if err == nil || c != nil {
				t.Fatalf("LoadDir = %v, %v, want an error", c, err)
			}
			if !strings.HasPrefix(err.Error(), "load corpus: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to start with \"load corpus: \" and contain %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error = %v, want errors.Is %v", err, tt.is)
			}
		})
	}
}

func TestLoadEmptyFolder(t *testing.T) {
	c, err := LoadDir(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Documents) != 0 || len(c.Problems) != 0 || len(c.Passages()) != 0 {
		t.Errorf("Load(empty folder) = %+v, want nothing", c)
	}
}

func TestDefault(t *testing.T) {
	c, err := Load(t.Context(), Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.Problems {
		t.Errorf("problem in the default corpus: %v", p)
	}
	for _, p := range c.Warnings {
		t.Errorf("warning in the default corpus: %v", p)
	}
	if len(c.Documents) == 0 {
		t.Fatal("the default corpus has no documents")
	}
	if len(c.Passages()) == 0 {
		t.Error("the default corpus has no passages")
	}
}

// TestLoadIgnoresUnsafeNames: a file named like a Windows device, or one git cannot
// hold on every system, is ignored with a warning, and the corpus still loads.
func TestLoadIgnoresUnsafeNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"ok.md", "aux.md", "CON.txt", "com1.md"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("---\ntitle: T\n---\n\nText.\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, err := LoadDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Documents) != 1 || c.Documents[0].ID != "ok" {
		t.Errorf("documents %v, want ok only", c.Documents)
	}
	if len(c.Warnings) != 3 {
		t.Errorf("warnings %v, want one for each device name", c.Warnings)
	}
}

// TestMaxFileBytesIsTheDocumentLimit: the git tree's file limit is the loader's.
func TestMaxFileBytesIsTheDocumentLimit(t *testing.T) {
	if corpusfs.MaxFileBytes != MaxDocumentBytes {
		t.Errorf("corpusfs.MaxFileBytes %d, MaxDocumentBytes %d", corpusfs.MaxFileBytes, MaxDocumentBytes)
	}
}
