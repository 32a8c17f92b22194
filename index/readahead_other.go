//go:build !linux

package index

import "os"

// adviseWillNeed does nothing where the kernel takes no advice on files.
func adviseWillNeed(*os.File) {}
