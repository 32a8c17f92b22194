package bot

import (
	"runtime"
	"runtime/debug"
)

// Build describes the running binary, from the information Go records in it
// (debug.ReadBuildInfo): what `standoff version` prints, /about shows and the
// standoff_build_info metric exports.
type Build struct {
	// Version is the module version: a release tag such as v1.2.0 when built with
	// `go install …@v1.2.0`, else Go's pseudo-version or "(devel)".
	Version string
	// Revision is the commit the binary was built from; empty when unknown (built
	// outside a git checkout, or with -buildvcs=false).
	Revision string
	// Modified reports that the checkout had changes that were not committed.
	Modified bool
	// GoVersion is the Go release that compiled the binary.
	GoVersion string
}

// ReadBuild returns the running binary's Build.
func ReadBuild() Build {
	b := Build{Version: "unknown", GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if info.Main.Version != "" {
		b.Version = info.Main.Version
	}
	if info.GoVersion != "" {
		b.GoVersion = info.GoVersion
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// ShortRevision is the first 12 characters of the revision, with "+dirty" when the
// checkout was modified; empty when the revision is unknown.
func (b Build) ShortRevision() string {
	rev := b.Revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && b.Modified {
		rev += "+dirty"
	}
	return rev
}

// String describes the build on one line: version, revision and Go release, such as
// "v1.2.0 (3f2a9c1d0b7e, go1.26.8)".
func (b Build) String() string {
	v := b.Version
	if v == "" {
		v = "unknown"
	}
	if rev := b.ShortRevision(); rev != "" {
		return v + " (" + rev + ", " + b.GoVersion + ")"
	}
	return v + " (" + b.GoVersion + ")"
}
