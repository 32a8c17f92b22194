package main

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseScales(t *testing.T) {
	got, err := parseScales("default, 20k,200K,5000")
	if err != nil {
		t.Fatal(err)
	}
	want := []scale{{"default", 0}, {"20k", 20000}, {"200k", 200000}, {"5000", 5000}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseScales = %v, want %v", got, want)
	}
	for _, bad := range []string{"", "abc", "0", "-5k", "k"} {
		if _, err := parseScales(bad); err == nil {
			t.Errorf("parseScales(%q): no error", bad)
		}
	}
}

// TestDefaultsFromRepoRoot: run from its own module's folder, the benchmark still finds the
// repository's question files by default.
func TestDefaultsFromRepoRoot(t *testing.T) {
	o, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	has := func(list []string, name string) bool {
		for _, f := range list {
			if filepath.Base(f) == name {
				if _, err := os.Stat(f); err != nil {
					t.Errorf("%s: %v", f, err)
				}
				return true
			}
		}
		return false
	}
	if !has(o.questions, "questions.tsv") || !has(o.unanswerable, "offtopic.tsv") {
		t.Errorf("questions %v, unanswerable %v: want the repository's testdata files", o.questions, o.unanswerable)
	}
}
