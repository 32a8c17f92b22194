package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestStoredPassagesAreTheLoadedOnes: an index opened from its stored corpus holds the
// very passages, sources and dates that the corpus gives, not only as many.
func TestStoredPassagesAreTheLoadedOnes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := loadFS(t, map[string]string{
		"a.md": "---\ntitle: A\npublisher: P\npublished: 2025-06-01\nurl: https://example.org/a\n---\n\n## Sites\n\nCentrifuges spin at Natanz.\n\nFordow is under a mountain.\n\nSources: IAEA report, IAEA, 2025-05-31, https://example.org/iaea\n",
		"b.md": "---\ntitle: B\n---\n\nSnapback restores sanctions. The Joint Verification Board (JVB) meets in Vienna.\n",
	})
	cfg := Config{Dir: dir, Stamp: "stamp-1"}
	built, err := Open(ctx, cfg, c)
	if err != nil {
		t.Fatal(err)
	}
	want, wantSynonyms := built.passages, built.synonyms
	built.Close()
	ix, err := OpenStored(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if len(want) < 3 {
		t.Fatalf("%d passages built, want at least 3", len(want))
	}
	if !reflect.DeepEqual(ix.passages, want) {
		t.Errorf("stored passages differ:\n got %+v\nwant %+v", ix.passages, want)
	}
	if !reflect.DeepEqual(ix.synonyms, wantSynonyms) {
		t.Errorf("synonyms from the stored acronyms differ from those learned:\n got %+v\nwant %+v", ix.synonyms, wantSynonyms)
	}
	if r := ix.synonyms.lookup("jvb"); len(r) == 0 {
		t.Errorf("the acronym JVB, defined in a passage, has no long form after a stored open")
	}
}

// TestStoredRunsOfPassages: passages stored in more than one run (storeChunk) come back
// as they were built, a run's fields never left over from the run before: dated passages
// in the first run, undated ones, without sources, after them.
func TestStoredRunsOfPassages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("---\ntitle: A\n---\n\n")
	for i := range storeChunk + 10 {
		fmt.Fprintf(&b, "On %d May 2025, centrifuge hall %d was inspected.\n\nSources: IAEA report %d, IAEA, 2025-05-31, https://example.org/r%d\n\n", i%28+1, i, i, i)
	}
	c := loadFS(t, map[string]string{
		"a.md": b.String(),
		"b.md": strings.Repeat("---\ntitle: B\n---\n\n", 1) + strings.Repeat("A plain paragraph without a date.\n\n", 1),
		"c.md": "---\ntitle: C\n---\n\n" + strings.Repeat("Another plain paragraph, undated and unsourced.\n\n", 1),
	})
	cfg := Config{Dir: dir, Stamp: "stamp-1"}
	built, err := Open(ctx, cfg, c)
	if err != nil {
		t.Fatal(err)
	}
	want := built.passages
	built.Close()
	if len(want) <= storeChunk {
		t.Fatalf("%d passages, want more than one run of %d", len(want), storeChunk)
	}
	ix, err := OpenStored(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for i := range want {
		if !reflect.DeepEqual(ix.passages[i], want[i]) {
			t.Fatalf("stored passage %d differs:\n got %+v\nwant %+v", i, ix.passages[i], want[i])
		}
	}
}

// TestOpenStoredRefusesDamagedStore opens an index from its stored corpus, then damages
// the stored file (truncated, a byte changed, another version): OpenStored then refuses
// it, and Open rebuilds a generation that OpenStored can use again.
func TestOpenStoredRefusesDamagedStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := loadFS(t, map[string]string{
		"a.md": "---\ntitle: A\n---\n\nCentrifuges spin at Natanz.\n",
		"b.md": "---\ntitle: B\n---\n\nSnapback restores sanctions.\n",
	})
	cfg := Config{Dir: dir, Stamp: "stamp-1"}
	ix, err := Open(ctx, cfg, c)
	if err != nil {
		t.Fatal(err)
	}
	want := ix.Stats()
	ix.Close()
	if _, err := OpenStored(ctx, Config{Dir: dir, Stamp: "stamp-2"}); !errors.Is(err, ErrNotStored) {
		t.Fatalf("another stamp: got %v, want ErrNotStored", err)
	}
	ix, err = OpenStored(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := ix.Stats(); got.Passages != want.Passages || got.Fingerprint != want.Fingerprint || !got.Built.Equal(want.Built) {
		t.Fatalf("stored open: stats %+v, want %+v", got, want)
	}
	ix.Close()
	store := filepath.Join(dir, generationName(meta{MappingVersion: MappingVersion, Fingerprint: want.Fingerprint}), storeFile)
	good, err := os.ReadFile(store)
	if err != nil {
		t.Fatal(err)
	}
	damages := map[string][]byte{
		"truncated":     good[:len(good)/2],
		"empty":         {},
		"byte changed":  append(append([]byte{}, good[:len(good)-3]...), good[len(good)-3]^0xff, good[len(good)-2], good[len(good)-1]),
		"other version": []byte(strings.Replace(string(good), storeMagic, "standoff-corpus-store 0\n", 1)),
	}
	for name, bad := range damages {
		if err := os.WriteFile(store, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if ix, err := OpenStored(ctx, cfg); !errors.Is(err, ErrNotStored) {
			if err == nil {
				ix.Close()
			}
			t.Fatalf("%s: got %v, want ErrNotStored", name, err)
		}
		ix, err := Open(ctx, cfg, c)
		if err != nil {
			t.Fatalf("%s: open: %v", name, err)
		}
		ix.Close()
		ix, err = OpenStored(ctx, cfg)
		if err != nil {
			t.Fatalf("%s: after the rebuild: %v", name, err)
		}
		if res := ix.Stats(); res.Passages != want.Passages {
			t.Fatalf("%s: %d passages, want %d", name, res.Passages, want.Passages)
		}
		ix.Close()
	}
}
