//go:build !linux

package index

import "os"

// readAhead does nothing where the kernel is not asked to read ahead.
func readAhead(*os.File, int64, int64) {}

// canReadAhead tells whether readAhead asks the kernel for anything.
const canReadAhead = false
