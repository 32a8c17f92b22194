//go:build unix

package corpusfs

import (
	"errors"
	"os"
	"syscall"
)

// openReadFlags open a file for reading without following a link in its last part and
// without blocking on a FIFO.
const openReadFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOFOLLOW

// isLinkErr reports whether an open failed because O_NOFOLLOW met a link.
func isLinkErr(err error) bool { return errors.Is(err, syscall.ELOOP) }
