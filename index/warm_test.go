package index

import (
	"encoding/binary"
	"errors"
	"testing"

	zapx "github.com/blevesearch/zapx/v17"
)

// TestReadZapFooter: a footer is read as zap writes it, and anything else is refused.
func TestReadZapFooter(t *testing.T) {
	footer := func(version, idLen uint32) []byte {
		b := make([]byte, 7, 7+zapx.FooterSize) // data before the footer
		be := binary.BigEndian
		b = be.AppendUint32(b, idLen)
		b = be.AppendUint64(b, 42)      // documents
		b = be.AppendUint64(b, 1000)    // stored index
		b = be.AppendUint64(b, 2000)    // sections index
		b = be.AppendUint32(b, 1024)    // chunk mode
		b = be.AppendUint32(b, version) // version
		return be.AppendUint32(b, 0xfeedbeef)
	}
	got, err := readZapFooter(footer(zapx.Version, 0))
	want := zapFooter{crc: 0xfeedbeef, version: zapx.Version, chunkMode: 1024, sectionsIndex: 2000,
		storedIndex: 1000, docs: 42, footerLen: zapx.FooterSize}
	if err != nil || got != want {
		t.Errorf("read %+v (%v), want %+v", got, err, want)
	}
	for name, data := range map[string][]byte{
		"another version": footer(zapx.Version+1, 0),
		"a writer's id":   footer(zapx.Version, 3),
		"too short":       footer(zapx.Version, 0)[8:],
		"empty":           nil,
	} {
		if _, err := readZapFooter(data); !errors.Is(err, errNotZap) {
			t.Errorf("%s: %v, want errNotZap", name, err)
		}
	}
}
