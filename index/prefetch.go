package index

import (
	"os"
	"path/filepath"
	"strings"
)

// An index opened from its store is read from files the kernel caches, and on a machine
// whose kernel takes back pages not read for a while (as the benchmark's machines do), a
// process that opens an index left idle finds them on disk: opening bleve's index then
// waits on its reads (80 of its 137 MiB at 200,000 passages), and so do the first
// hundred answers, a few pages at a time (answer p50 2.4 ms, not 1.0; p99 7–9 ms, not
// 3–4). prefetch asks the kernel to read a generation's files ahead: while it opens,
// what opening reads and bleve's segments whole (all of which a few hundred answers
// read); once it has given its first answer, the passages' records (of which each answer
// reads a few: asked for earlier, the open or that first answer would wait behind their
// 180 MiB; the next answer does, once). It only asks for reads (a few milliseconds of CPU
// for the whole index), without reading anything itself: nothing is copied, the
// process's memory does not grow, and the pages are the kernel's, as before.

// prefetchWindow is how much one request to the kernel asks to read ahead: it reads a
// few megabytes of one request, not a whole file.
const prefetchWindow = 8 << 20

// fileRange is a part of a file to read ahead: from off (negative: from the end) to the
// end.
type fileRange struct {
	path string
	off  int64
}

// prefetchOrder is what to read ahead of the generation folder dir, of passages
// passages, while it opens and once it answers, each in order.
func prefetchOrder(dir string, passages int) (opening, answering []fileRange) {
	records := filepath.Join(dir, passagesFile)
	opening = []fileRange{
		{path: filepath.Join(dir, storeFile)},
		{path: records, off: -int64(passages*rowSize + trailerSize)}, // the rows, at its end
	}
	files, _ := filepath.Glob(filepath.Join(dir, "store", "*")) // scorch's folder, sorted
	var root, segments []fileRange                              // bleve's root first, then its segments
	for _, p := range files {
		if strings.HasSuffix(p, ".zap") {
			segments = append(segments, fileRange{path: p})
		} else {
			root = append(root, fileRange{path: p})
		}
	}
	return append(append(opening, root...), segments...), []fileRange{{path: records}}
}

// prefetch asks ask to read ranges ahead, in order, a window at a time; nil asks the
// kernel, where it can be asked.
func prefetch(ranges []fileRange, ask func(f *os.File, off, n int64)) {
	if ask == nil && !canReadAhead {
		return
	}
	if ask == nil {
		ask = readAhead
	}
	for _, r := range ranges {
		f, err := os.Open(r.path)
		if err != nil {
			continue
		}
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			off := r.off
			if off < 0 {
				off = max(0, fi.Size()+off)
			}
			for at := off; at < fi.Size(); at += prefetchWindow {
				ask(f, at, min(prefetchWindow, fi.Size()-at))
			}
		}
		f.Close()
	}
}
