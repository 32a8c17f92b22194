package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/corpus"
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
	want, wantSynonyms := built.passages.all(), built.synonyms
	built.Close()
	ix, err := OpenStored(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if len(want) < 3 {
		t.Fatalf("%d passages built, want at least 3", len(want))
	}
	if got := ix.passages.all(); !reflect.DeepEqual(got, want) {
		t.Errorf("stored passages differ:\n got %+v\nwant %+v", got, want)
	}
	// Each passage's tokens are its text, section, title and taught questions analysed
	// as a question's words are, now.
	for i, p := range ix.passages.all() {
		_, toks := ix.passages.analysed(i)
		if want := ix.analyze(maskURLs(p.Text)); !reflect.DeepEqual(toks.text, want) {
			t.Errorf("passage %s: stored tokens %+v, analysed %+v", p.ID, toks.text, want)
		}
		if want := ix.analyze(metaText(p, ix.taught[i])); !reflect.DeepEqual(toks.meta, want) || len(want) == 0 {
			t.Errorf("passage %s: stored section and title tokens %+v, analysed %+v", p.ID, toks.meta, want)
		}
	}
	if !reflect.DeepEqual(ix.synonyms, wantSynonyms) {
		t.Errorf("synonyms from the stored acronyms differ from those learned:\n got %+v\nwant %+v", ix.synonyms, wantSynonyms)
	}
	if r := ix.synonyms.lookup("jvb"); len(r) == 0 {
		t.Errorf("the acronym JVB, defined in a passage, has no long form after a stored open")
	}
}

// TestStoredRunsOfPassages: many passages, dated and with sources, then undated ones
// without sources, come back from the passages' file as they were built, no record's
// fields taken from its neighbour's.
func TestStoredRunsOfPassages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("---\ntitle: A\n---\n\n")
	for i := range 300 {
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
	want := built.passages.all()
	built.Close()
	if len(want) < 300 {
		t.Fatalf("%d passages, want at least 300", len(want))
	}
	ix, err := OpenStored(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for i := range want {
		if got := ix.passages.at(i); !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("stored passage %d differs:\n got %+v\nwant %+v", i, got, want[i])
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
	passages := filepath.Join(filepath.Dir(store), passagesFile)
	goodPassages, err := os.ReadFile(passages)
	if err != nil {
		t.Fatal(err)
	}
	rows := len(goodPassages) - trailerSize - want.Passages*rowSize // where the rows start
	damages := map[string]struct {
		file string
		data []byte
	}{
		"truncated":                   {store, good[:len(good)/2]},
		"empty":                       {store, []byte{}},
		"byte changed":                {store, flip(good, len(good)-3)},
		"other version":               {store, []byte(strings.Replace(string(good), storeMagic, "standoff-corpus-store 0\n", 1))},
		"passages truncated":          {passages, goodPassages[:len(goodPassages)-5]},
		"passages missing":            {passages, nil},
		"passages of another version": {passages, []byte(strings.Replace(string(goodPassages), passagesMagic, "standoff-passages 0\n", 1))},
		"a passage's row changed":     {passages, flip(goodPassages, rows+rowSize+12)},
		"the rows' place changed":     {passages, flip(goodPassages, len(goodPassages)-trailerSize)},
	}
	for name, bad := range damages {
		err := os.WriteFile(bad.file, bad.data, 0o600)
		if bad.data == nil {
			err = os.Remove(bad.file)
		}
		if err != nil {
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

// all returns every passage of s, for tests.
func (s *passageStore) all() []corpus.Passage {
	out := make([]corpus.Passage, s.len())
	for i := range out {
		out[i] = s.at(i)
	}
	return out
}

// flip returns a copy of b with the byte at i changed.
func flip(b []byte, i int) []byte {
	out := append([]byte{}, b...)
	out[i] ^= 0xff
	return out
}

// TestDamagedPassageRecord: a passage's record damaged after the index was stored is not
// seen by OpenStored, which reads no record; the question it would answer gets no crash
// and no wrong text, the damage is logged, and Open, which checks every record of an
// index it reuses, rebuilds it.
func TestDamagedPassageRecord(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := loadFS(t, map[string]string{
		"a.md": "---\ntitle: A\n---\n\nCentrifuges spin at Natanz.\n",
		"b.md": "---\ntitle: B\n---\n\nSnapback restores sanctions.\n",
	})
	var logs strings.Builder
	cfg := Config{Dir: dir, Stamp: "stamp-1", Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	ix, err := Open(ctx, cfg, c)
	if err != nil {
		t.Fatal(err)
	}
	fp := ix.Stats().Fingerprint
	ix.Close()
	passages := filepath.Join(dir, generationName(meta{MappingVersion: MappingVersion, Fingerprint: fp}), passagesFile)
	good, err := os.ReadFile(passages)
	if err != nil {
		t.Fatal(err)
	}
	at := strings.Index(string(good), "Snapback")
	if at < 0 {
		t.Fatal("no record holds the passage")
	}
	if err := os.WriteFile(passages, flip(good, at+1), 0o600); err != nil {
		t.Fatal(err)
	}
	ix, err = OpenStored(ctx, cfg)
	if err != nil {
		t.Fatalf("OpenStored reads no record, yet: %v", err)
	}
	ans := ask(t, ix, "what does snapback restore?", 3)
	for _, r := range ans.Results {
		if r.Text != "Centrifuges spin at Natanz." { // the one passage left whole
			t.Errorf("a damaged record is quoted: %+v", r)
		}
	}
	ix.Close()
	if !strings.Contains(logs.String(), "index damaged") {
		t.Errorf("the damage is not logged:\n%s", logs.String())
	}
	ix, err = Open(ctx, cfg, c)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ans := ask(t, ix, "what does snapback restore?", 3); !ans.Answered || !strings.Contains(ans.Results[0].Text, "Snapback restores sanctions.") {
		t.Errorf("after Open: %+v, want the passage, rebuilt", ans.Results)
	}
	if !strings.Contains(logs.String(), "index unusable, rebuilding") {
		t.Errorf("Open did not rebuild the damaged index:\n%s", logs.String())
	}
}

// TestOpenStoredStamped: the corpus folder is stamped while the current generation
// opens; the generation built for the stamp is opened, the current one or the one kept
// beside it (which becomes current); a stamp of none, or one that fails, opens none.
func TestOpenStoredStamped(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first := loadFS(t, map[string]string{
		"a.md": "---\ntitle: A\n---\n\nCentrifuges spin at Natanz.\n",
	})
	second := loadFS(t, map[string]string{
		"a.md": "---\ntitle: A\n---\n\nCentrifuges spin at Natanz.\n",
		"b.md": "---\ntitle: B\n---\n\nSnapback restores sanctions.\n",
	})
	fingerprints := map[string]string{}
	for _, built := range []struct {
		stamp string
		c     *corpus.Corpus
	}{{"stamp-1", first}, {"stamp-2", second}} {
		ix, err := Open(ctx, Config{Dir: dir, Stamp: built.stamp}, built.c)
		if err != nil {
			t.Fatal(err)
		}
		fingerprints[built.stamp] = ix.Stats().Fingerprint
		ix.Close()
	}
	current := func() string { return currentGeneration(dir) }
	if got, want := current(), generationName(meta{MappingVersion: MappingVersion, Fingerprint: fingerprints["stamp-2"]}); got != want {
		t.Fatalf("current %q, want %q", got, want)
	}

	for _, stamp := range []string{"stamp-2", "stamp-1", "stamp-1"} {
		opening := make(chan struct{})
		var once sync.Once
		calls := 0
		cfg := Config{Dir: dir, readAhead: func(*os.File, int64, int64) { once.Do(func() { close(opening) }) }}
		ix, err := OpenStoredStamped(ctx, cfg, func() (string, error) {
			calls++
			if calls == 1 && stamp == "stamp-2" {
				select { // the current generation opens before its stamp is known
				case <-opening:
				case <-time.After(time.Minute): // only should it never open
					t.Error("the folder was stamped before the current generation opened")
				}
			}
			return stamp, nil
		})
		if err != nil {
			t.Fatalf("%s: %v", stamp, err)
		}
		if got := ix.Stats().Fingerprint; got != fingerprints[stamp] || calls != 1 {
			t.Errorf("%s: opened %s (stamped %d times), want %s", stamp, got, calls, fingerprints[stamp])
		}
		ix.Close()
		if got, want := current(), generationName(meta{MappingVersion: MappingVersion, Fingerprint: fingerprints[stamp]}); got != want {
			t.Errorf("%s: current %q, want %q", stamp, got, want)
		}
	}

	if _, err := OpenStoredStamped(ctx, Config{Dir: dir}, func() (string, error) { return "stamp-3", nil }); !errors.Is(err, ErrNotStored) {
		t.Errorf("a stamp of none: %v, want ErrNotStored", err)
	}
	failed := errors.New("unreadable folder")
	if _, err := OpenStoredStamped(ctx, Config{Dir: dir}, func() (string, error) { return "", failed }); !errors.Is(err, ErrNotStored) || !errors.Is(err, failed) {
		t.Errorf("a stamp that fails: %v, want ErrNotStored and its error", err)
	}
	if _, err := OpenStoredStamped(ctx, Config{Dir: t.TempDir()}, func() (string, error) { return "stamp-1", nil }); !errors.Is(err, ErrNotStored) {
		t.Errorf("an empty folder: %v, want ErrNotStored", err)
	}
}
