//go:build unix

package corpus

import (
	"os"
	"syscall"
)

// openReadFlags open a file for reading without blocking on a FIFO.
const openReadFlags = os.O_RDONLY | syscall.O_NONBLOCK
