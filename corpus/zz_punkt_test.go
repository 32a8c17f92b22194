package corpus

import (
	"strings"
	"testing"
)

func BenchmarkPunkt(b *testing.B) {
	sp := NewSplitter()
	text := strings.Repeat("A. ", (256<<10)/3)
	for b.Loop() {
		sp.spans(text)
	}
}
