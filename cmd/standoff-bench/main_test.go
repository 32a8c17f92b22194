package main

import (
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
