package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	zapx "github.com/blevesearch/zapx/v17"
)

// Opening bleve's index reads a few pages of each of its segments: their footers, the
// fields' sections, the doc values' headers (8 or 9 pages a segment). warmSegments reads
// those same pages, and only those (prefetch.go says why): each segment is mapped again,
// marked as read at random, so that a page missing is read alone, and zap's own code
// reads its footer and fields from it. At 200,000 passages, cold, it takes 5–8 ms, and
// bleve's open after it 1–2 ms, against 70 ms without.

// warmConcurrency is how many segments are warmed at a time.
const warmConcurrency = 16

// warmSegments warms every segment of the scorch folder dir; a segment it cannot warm
// is passed over (opening it reads what it needs, only more slowly).
func warmSegments(dir string) {
	if !canWarm {
		return
	}
	zaps, _ := filepath.Glob(filepath.Join(dir, "*.zap"))
	slots := make(chan struct{}, warmConcurrency)
	var wg sync.WaitGroup
	for _, z := range zaps {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			_ = warmSegment(z) // a hint: bleve's open reports what is wrong with the file
		})
	}
	wg.Wait()
}

// zapFooter is what the footer at the end of a zap segment file says.
type zapFooter struct {
	crc, version, chunkMode                     uint32
	sectionsIndex, storedIndex, docs, footerLen uint64
}

// errNotZap is returned for a file whose footer is not that of a zap segment of the
// version this package reads.
var errNotZap = errors.New("not a zap segment of version " + fmt.Sprint(zapx.Version))

// readZapFooter reads the footer at the end of data, a zap segment file, as zap reads it.
func readZapFooter(data []byte) (zapFooter, error) {
	n := len(data)
	if n < zapx.FooterSize {
		return zapFooter{}, errNotZap
	}
	be := binary.BigEndian
	f := zapFooter{
		crc:           be.Uint32(data[n-4:]),
		version:       be.Uint32(data[n-8:]),
		chunkMode:     be.Uint32(data[n-12:]),
		sectionsIndex: be.Uint64(data[n-20:]),
		storedIndex:   be.Uint64(data[n-28:]),
		docs:          be.Uint64(data[n-36:]),
		footerLen:     zapx.FooterSize,
	}
	// A writer's id would name a callback that transforms the data: bleve's writes none.
	if f.version != zapx.Version || be.Uint32(data[n-40:]) != 0 {
		return zapFooter{}, errNotZap
	}
	return f, nil
}
