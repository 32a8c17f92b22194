//go:build !linux

package index

import "os"

// readAhead does nothing where the kernel is not asked to read ahead.
func readAhead(*os.File, int64, int64) {}

// canReadAhead tells whether readAhead asks the kernel for anything.
const canReadAhead = false

// canWarm tells whether warmSegment reads anything.
const canWarm = false

// warmSegment does nothing where a segment is not warmed.
func warmSegment(string) error { return nil }

// readAtRandom does nothing where memory is not advised.
func readAtRandom(string) {}
