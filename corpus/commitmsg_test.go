package corpus

import (
	"slices"
	"strings"
	"testing"
)

func TestCommitSubject(t *testing.T) {
	long := DocChange{ID: strings.Repeat("x", 300), Path: "x.md"}
	tests := []struct {
		name    string
		command string
		ch      Changes
		want    string
		paths   []string
	}{
		{"one added", "add", Changes{Added: []DocChange{{ID: "added/a", Path: "added/a.md", Title: "A title"}}},
			"corpus add: added added/a — A title", []string{"added/a.md"}},
		{"update and removal", "add", Changes{Updated: []DocChange{{ID: "b", Path: "b.txt", Title: "B"}}, Removed: []DocChange{{ID: "c", Path: "c.md", Title: "C"}}},
			"corpus add: updated b, removed c", []string{"b.txt", "c.md"}},
		{"too long", "remove", Changes{Removed: []DocChange{long}}, "corpus remove: removed " + strings.Repeat("x", 199-len("corpus remove: removed ")) + "…", []string{"x.md"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ch.CommitSubject(tt.command); got != tt.want {
				t.Errorf("CommitSubject = %q, want %q", got, tt.want)
			}
			if got := tt.ch.Paths(); !slices.Equal(got, tt.paths) {
				t.Errorf("Paths = %v, want %v", got, tt.paths)
			}
		})
	}
}
