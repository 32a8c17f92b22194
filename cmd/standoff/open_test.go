package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// backdate sets the times of every file of dir an hour back, so that its stamp is settled.
func backdate(t *testing.T, dir string) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, old, old)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAskOpensWithoutReadingTheCorpus asks twice on one data folder: the second ask opens
// the index from what it stored, without reading the corpus; after a document is edited,
// the corpus is read again and the answer says what the edit says.
func TestAskOpensWithoutReadingTheCorpus(t *testing.T) {
	t.Setenv("STANDOFF_LOG_LEVEL", "debug")
	dir, data := t.TempDir(), t.TempDir()
	doc := filepath.Join(dir, "a.md")
	if err := os.WriteFile(doc, []byte("---\ntitle: Centrifuges\n---\n\nThe centrifuges at Natanz spin in cascades.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	backdate(t, dir)
	ask := func() (string, string) {
		t.Helper()
		code, out, errOut := runCmd(t, "", "ask", "--corpus", dir, "--data", data, "where do the centrifuges spin")
		if code != 0 {
			t.Fatalf("ask: exit %d: %s", code, errOut)
		}
		return out, errOut
	}
	out1, log1 := ask()
	if !strings.Contains(log1, "corpus read") || !strings.Contains(out1, "Natanz") {
		t.Fatalf("first ask: want the corpus read and Natanz:\n%s\n%s", log1, out1)
	}
	out2, log2 := ask()
	if strings.Contains(log2, "corpus read") || !strings.Contains(log2, "opened from its stored corpus") {
		t.Fatalf("second ask read the corpus:\n%s", log2)
	}
	if out2 != out1 {
		t.Fatalf("second ask answered otherwise:\n%s\nwant\n%s", out2, out1)
	}
	if err := os.WriteFile(doc, []byte("---\ntitle: Centrifuges\n---\n\nThe centrifuges at Fordow spin in cascades.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out3, log3 := ask()
	if !strings.Contains(log3, "corpus read") || !strings.Contains(out3, "Fordow") || strings.Contains(out3, "Natanz") {
		t.Fatalf("after the edit: want the corpus read and Fordow:\n%s\n%s", log3, out3)
	}
}
