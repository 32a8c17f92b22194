//go:build linux

package index

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	segment "github.com/blevesearch/scorch_segment_api/v2"
	zapx "github.com/blevesearch/zapx/v17"
	"golang.org/x/sys/unix"
)

// readAhead asks the kernel to read n bytes of f from off into its cache, without
// waiting for them.
func readAhead(f *os.File, off, n int64) {
	_ = unix.Fadvise(int(f.Fd()), off, n, unix.FADV_WILLNEED) // a hint: nothing to do if refused
}

// canReadAhead tells whether readAhead asks the kernel for anything.
const canReadAhead = true

// canWarm tells whether warmSegment reads anything.
const canWarm = true

// warmSegment reads the pages of the zap segment file at path that opening it reads,
// each page alone (warm.go). zap's code reading a damaged file may panic: a warm-up
// says so as an error (bleve's open, which reads only the segments it uses, has its own
// say).
func warmSegment(path string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("warm %s: %v", filepath.Base(path), r)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() || fi.Size() < zapx.FooterSize || fi.Size() > math.MaxInt {
		return errNotZap
	}
	mm, err := unix.Mmap(int(f.Fd()), 0, int(fi.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return err
	}
	defer unix.Munmap(mm)
	if err := unix.Madvise(mm, unix.MADV_RANDOM); err != nil {
		return err
	}
	ft, err := readZapFooter(mm)
	if err != nil {
		return err
	}
	sb, err := zapx.InitSegmentBase(mm[:len(mm)-int(ft.footerLen)], ft.crc, ft.chunkMode, ft.docs,
		ft.storedIndex, ft.sectionsIndex, nil, new(segment.Stats))
	if err != nil {
		return err
	}
	return sb.Close()
}

// readAtRandom marks the memory this process maps from zap segment files in the folder
// dir as read at random: a page missing from the kernel's cache is then read alone, not
// with the megabytes around it.
func readAtRandom(dir string) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if resolved, err := filepath.EvalSymlinks(dir); err == nil {
		dir = resolved // as the kernel names the files it maps
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return
	}
	for line := range strings.Lines(string(maps)) {
		// start-end perms offset device inode path
		line = strings.TrimSuffix(line, "\n")
		i := strings.IndexByte(line, '/')
		if i < 0 || filepath.Dir(line[i:]) != dir || !strings.HasSuffix(line, ".zap") {
			continue
		}
		span, _, _ := strings.Cut(line, " ")
		lo, hi, ok := strings.Cut(span, "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if !ok || err1 != nil || err2 != nil || end <= start {
			continue
		}
		_, _, _ = unix.Syscall(unix.SYS_MADVISE, uintptr(start), uintptr(end-start), unix.MADV_RANDOM) // a hint
	}
}
