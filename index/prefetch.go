package index

import (
	"os"
	"path/filepath"
	"strings"
)

// An index opened from its store is read from files the kernel caches, and on a machine
// whose kernel takes back pages not read for a while (as the benchmark's machines do), a
// process that opens an index left idle finds them on disk. bleve reads its segments
// through memory they are mapped to, and a page missing there costs the megabytes
// around it (the device's read-ahead: 8 MiB here): opening bleve's index read 80 of its
// 137 MiB at 200,000 passages (70 ms), its first answer 105 MiB more (87 ms) for the
// 2 MiB it used. So an index opened from its store
//
//   - first reads the few pages of each segment that opening it reads, a page at a time
//     and the segments side by side (warm.go): bleve's open then finds them cached;
//   - once bleve has opened, marks its segments' memory as read at random
//     (readAtRandom), so that an answer's missing page is read alone;
//   - asks the kernel to read ahead (prefetch) while it opens, the stored corpus, the
//     passages' rows and bleve's root; once it has given its first answer, bleve's
//     segments whole (of which a few hundred answers read most), then the passages'
//     records (of which each answer reads a few). Asked for earlier, the open or the
//     first answer would wait behind their 317 MiB.
//
// Cold, at 200,000 passages: open 62–72 ms, not 135–155; first answer 29–39 ms. It only
// asks the kernel (a few milliseconds of CPU for the whole index), without reading
// anything itself: nothing is copied, the process's memory does not grow, and the pages
// are the kernel's, as before.

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
	return append(opening, root...), append(segments, fileRange{path: records})
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
