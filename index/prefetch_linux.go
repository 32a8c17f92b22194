//go:build linux

package index

import (
	"os"

	"golang.org/x/sys/unix"
)

// readAhead asks the kernel to read n bytes of f from off into its cache, without
// waiting for them.
func readAhead(f *os.File, off, n int64) {
	_ = unix.Fadvise(int(f.Fd()), off, n, unix.FADV_WILLNEED) // a hint: nothing to do if refused
}

// canReadAhead tells whether readAhead asks the kernel for anything.
const canReadAhead = true
