package corpus

import (
	"embed"
	"io/fs"
)

// defaultFS holds the corpus/default folder, compiled into the binary.
//
//go:embed default
var defaultFS embed.FS

// Default returns the default corpus embedded in the binary, rooted at its folder, for
// Load.
func Default() fs.FS {
	sub, err := fs.Sub(defaultFS, "default")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "default" is valid.
		panic("corpus: " + err.Error())
	}
	return sub
}
