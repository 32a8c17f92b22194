package curate

import (
	"os"
	"time"
)

// FailpointEnv names the environment variable that crash tests set to a failpoint's
// name, to have the process kill itself with SIGKILL when it gets there. Nothing else
// reads it; unset, Failpoint does nothing.
const FailpointEnv = "STANDOFF_TEST_FAILPOINT"

// Failpoints of a change of the corpus, in the order a change passes them.
const (
	FailAfterIntent = "after-intent" // the intent is on disk, the corpus folder untouched
	FailAfterWrite  = "after-write"  // the file is written or removed, the index not rebuilt
	FailBeforeDone  = "before-done"  // the new index serves, the outcome not recorded
	FailAfterDone   = "after-done"   // the outcome is recorded
)

// Failpoint kills the process at once, as a crash would, when FailpointEnv names name.
func Failpoint(name string) {
	if os.Getenv(FailpointEnv) != name {
		return
	}
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		p.Kill()
	}
	time.Sleep(time.Minute) // the kill is on its way
}
