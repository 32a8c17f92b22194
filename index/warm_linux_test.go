package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"

	zapx "github.com/blevesearch/zapx/v17"
	"golang.org/x/sys/unix"
)

// resident is how many pages of the file at path the kernel holds in its cache.
func resident(t *testing.T, path string) (held, pages int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		t.Fatalf("%s: %v, %d bytes", path, err, fi.Size())
	}
	mm, err := unix.Mmap(int(f.Fd()), 0, int(fi.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(mm)
	vec := make([]byte, (len(mm)+os.Getpagesize()-1)/os.Getpagesize())
	if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&mm[0])), uintptr(len(mm)), uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		t.Fatal(e)
	}
	for _, v := range vec {
		held += int(v & 1)
	}
	return held, len(vec)
}

// evict asks the kernel to drop its cached pages of the files at paths, and skips the
// test where it keeps them (a file system in memory).
func evict(t *testing.T, paths []string) {
	t.Helper()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
		if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if held, _ := resident(t, p); held != 0 {
			t.Skipf("the kernel keeps %d pages of %s cached", held, p)
		}
	}
}

// builtSegments builds the default corpus's index in batches of 37 passages, so that
// bleve's index has many segments, and returns its generation folder and segments.
func builtSegments(t *testing.T) (gen string, zaps []string) {
	t.Helper()
	dir := t.TempDir()
	built, err := Open(context.Background(), Config{Dir: dir, Stamp: "stamp-1", BatchSize: 37}, loadDefault(t))
	if err != nil {
		t.Fatal(err)
	}
	built.Close()
	gens, _ := filepath.Glob(filepath.Join(dir, genPrefix+"*"))
	if len(gens) != 1 {
		t.Fatalf("generations %v", gens)
	}
	zaps, _ = filepath.Glob(filepath.Join(gens[0], "store", "*.zap"))
	if len(zaps) < 2 {
		t.Fatalf("%d segments, want several", len(zaps))
	}
	return gens[0], zaps
}

// TestWarmReadsWhatOpeningReads: warming a cold index's segments reads a few pages of
// each, not whole files, and opening bleve's index after it reads no page more.
func TestWarmReadsWhatOpeningReads(t *testing.T) {
	gen, zaps := builtSegments(t)
	evict(t, zaps)
	for _, z := range zaps {
		if err := warmSegment(z); err != nil {
			t.Fatalf("warm %s: %v", filepath.Base(z), err)
		}
	}
	warmed := map[string]int{}
	some := false
	for _, z := range zaps {
		held, pages := resident(t, z)
		if held == 0 {
			t.Errorf("%s: no page read", filepath.Base(z))
		}
		if pages >= 32 && held < pages/2 {
			some = true
		}
		warmed[z] = held
	}
	if !some {
		t.Errorf("no segment of 32 pages or more was read in part: %v", warmed)
	}
	m, err := readMeta(gen)
	if err != nil {
		t.Fatal(err)
	}
	bi, err := openBleve(gen, m)
	if err != nil {
		t.Fatal(err)
	}
	defer bi.Close()
	for _, z := range zaps {
		if held, _ := resident(t, z); held != warmed[z] {
			t.Errorf("%s: bleve's open read %d pages more than were warmed", filepath.Base(z), held-warmed[z])
		}
	}
}

// TestOpenStoredReadsSegmentsAtRandom: an index opened from its store has its segments'
// memory marked as read at random.
func TestOpenStoredReadsSegmentsAtRandom(t *testing.T) {
	gen, zaps := builtSegments(t)
	ix, err := OpenStored(context.Background(), Config{Dir: filepath.Dir(gen), Stamp: "stamp-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	random := map[string]bool{} // a mapped file's path: whether read at random
	var mapped string
	for line := range strings.Lines(string(smaps)) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if !strings.HasSuffix(fields[0], ":") { // start-end perms offset device inode path
			mapped = ""
			if i := strings.IndexByte(line, '/'); i >= 0 {
				mapped = strings.TrimSpace(line[i:])
			}
			continue
		}
		if fields[0] == "VmFlags:" && strings.HasPrefix(mapped, gen) && strings.HasSuffix(mapped, ".zap") {
			random[mapped] = random[mapped] || slices.Contains(fields[1:], "rr")
		}
	}
	if len(random) < 2 {
		t.Fatalf("%d of %d segments mapped, want several: %v", len(random), len(zaps), random)
	}
	for z, r := range random {
		if !r {
			t.Errorf("%s: not read at random", filepath.Base(z))
		}
	}
}

// TestWarmDamagedSegment: a file with a zap footer and garbage before it is warmed
// without a panic: one whose sections lie past its end says so.
func TestWarmDamagedSegment(t *testing.T) {
	dir := t.TempDir()
	body := make([]byte, 3*os.Getpagesize())
	for i := range body {
		body[i] = byte(i * 7)
	}
	be := binary.BigEndian
	for _, sections := range []uint64{1 << 40, 100, uint64(len(body) - 9)} {
		b := be.AppendUint32(slices.Clone(body), 0) // no writer's id
		b = be.AppendUint64(b, 3)                   // documents
		b = be.AppendUint64(b, 50)                  // stored index
		b = be.AppendUint64(b, sections)            // sections index
		b = be.AppendUint32(b, 1024)                // chunk mode
		b = be.AppendUint32(b, zapx.Version)
		b = be.AppendUint32(b, 0)
		path := filepath.Join(dir, fmt.Sprintf("%d.zap", sections))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		err := warmSegment(path)
		t.Logf("sections at %d: %v", sections, err)
		if sections > uint64(len(b)) && err == nil {
			t.Errorf("sections at %d, past the end: warmed without an error", sections)
		}
	}
	warmSegments(dir)
}
