//go:build !unix

package corpusfs

import "os"

// openReadFlags open a file for reading.
const openReadFlags = os.O_RDONLY

// isLinkErr reports whether an open failed because it met a link: never, here.
func isLinkErr(error) bool { return false }
