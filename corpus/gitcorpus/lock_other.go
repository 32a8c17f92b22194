//go:build !unix

package gitcorpus

// lockFile does nothing where flock is not available: one process per folder.
func lockFile(string) (func(), error) { return func() {}, nil }

// noFollowFlags open a file without following a link: not available here.
const noFollowFlags = 0
