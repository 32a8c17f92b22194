package index

import (
	"io/fs"
	"os"
	"path/filepath"
)

// readAhead asks the kernel to read the files of the generation folder dir into its page
// cache, in the background (see adviseWillNeed), so that the first questions after an
// open do not wait on the disk for pages the kernel let go since the index was written or
// last read: at 200,000 passages, a third of the passages file and of bleve's segments
// were out of the page cache a minute after the build, and a first answer that reads them
// waits for each. Close waits for it to end.
func (ix *Index) readAhead(dir string) {
	ix.reading.Add(1)
	go func() {
		defer ix.reading.Done()
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			f, err := os.Open(path)
			if err != nil {
				return nil
			}
			defer f.Close()
			adviseWillNeed(f)
			return nil
		})
	}()
}
