//go:build !unix

package gitcorpus

// lockFile does nothing where flock is not available: one process per folder.
func lockFile(string) (func(), error) { return func() {}, nil }
