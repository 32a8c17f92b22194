//go:build !unix

package corpus

import "os"

// openReadFlags open a file for reading.
const openReadFlags = os.O_RDONLY
