package index

import (
	"os"

	"golang.org/x/sys/unix"
)

// adviseWillNeed tells the kernel the whole of f will be read soon (posix_fadvise
// WILLNEED): it starts reading it into the page cache and returns.
func adviseWillNeed(f *os.File) {
	unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_WILLNEED)
}
