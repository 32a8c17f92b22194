package bot

import (
	"runtime"
	"testing"
)

func TestBuildString(t *testing.T) {
	for _, tt := range []struct {
		b    Build
		want string
	}{
		{Build{Version: "v1.2.0", Revision: "3f2a9c1d0b7e55aa", GoVersion: "go1.26.8"}, "v1.2.0 (3f2a9c1d0b7e, go1.26.8)"},
		{Build{Version: "(devel)", Revision: "3f2a9c1d0b7e55aa", Modified: true, GoVersion: "go1.26.8"}, "(devel) (3f2a9c1d0b7e+dirty, go1.26.8)"},
		{Build{Version: "(devel)", GoVersion: "go1.26.8"}, "(devel) (go1.26.8)"},
		{Build{GoVersion: "go1.26.8"}, "unknown (go1.26.8)"},
	} {
		if got := tt.b.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.b, got, tt.want)
		}
	}
	if got := ReadBuild(); got.GoVersion != runtime.Version() || got.Version == "" {
		t.Errorf("ReadBuild() = %+v", got)
	}
}
