// Package corpusfs holds the rules that every reader and writer of a corpus folder
// follows, so that the loader, the git work tree and the writers agree on them: which
// names are safe on every system a corpus may be checked out on, which entries of a
// folder are a corpus's files at all, and how to open one without following a link or
// blocking on a FIFO.
package corpusfs

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits on a corpus folder, whoever wrote it: a file over MaxFileBytes is not a
// document, and a folder (or a git tree) with more than MaxFiles files is refused.
const (
	MaxFileBytes = 2 << 20
	MaxFiles     = 100_000
	// MaxPathBytes is the longest path of a file, relative to the folder, and
	// MaxNameBytes the longest name of one of its parts.
	MaxPathBytes = 1024
	MaxNameBytes = 255
)

// ErrUnsafeName is the error of a name that is not safe on every system.
var ErrUnsafeName = errors.New("unsafe name")

// NameError is a path that CheckName refuses, and why.
type NameError struct {
	Path string
	Why  string // "is a device name on Windows"
}

// Error implements error.
func (e *NameError) Error() string { return fmt.Sprintf("unsafe name %q: it %s", clip(e.Path), e.Why) }

// Is makes errors.Is(err, ErrUnsafeName) true.
func (e *NameError) Is(target error) bool { return target == ErrUnsafeName }

// CheckName tells whether p, a "/"-separated path relative to a corpus folder, may name
// one of its files on every system the corpus may be checked out on (Linux, macOS,
// Windows): no "." or ".." part, no hidden part, nothing that Windows reads as a device
// (CON, AUX, NUL, COM1… with any extension), no character Windows refuses or a control
// character, no part ending in a dot or a space, nothing that a case-insensitive or
// Unicode-normalising file system reads as ".git" (".GIT", "git~1", ".git" with
// characters macOS ignores). The error is a *NameError.
func CheckName(p string) error {
	bad := func(why string) error { return &NameError{Path: p, Why: why} }
	switch {
	case p == "" || p == ".":
		return bad("is empty")
	case len(p) > MaxPathBytes:
		return bad(fmt.Sprintf("is longer than %d bytes", MaxPathBytes))
	case !utf8.ValidString(p):
		return bad("is not UTF-8")
	case !fs.ValidPath(p):
		return bad("is not a relative path inside the folder")
	}
	for _, part := range strings.Split(p, "/") {
		if why := checkPart(part); why != "" {
			return bad(why)
		}
	}
	return nil
}

// checkPart returns why one part of a path is unsafe, or "".
func checkPart(part string) string {
	if len(part) > MaxNameBytes {
		return fmt.Sprintf("has a part longer than %d bytes", MaxNameBytes)
	}
	for _, r := range part {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return "holds a control character"
		case strings.ContainsRune(`\:*?"<>|`, r):
			return fmt.Sprintf("holds %q, which Windows refuses", r)
		}
	}
	if strings.HasSuffix(part, ".") || strings.HasSuffix(part, " ") {
		return "has a part ending in a dot or a space, which Windows drops"
	}
	folded := strings.ToLower(norm.NFC.String(dropIgnorable(part)))
	if strings.HasPrefix(folded, ".") {
		if strings.HasPrefix(folded, ".git") {
			return "is git's own"
		}
		return "is hidden"
	}
	if isShortGitName(folded) {
		return "is git's own, in its Windows short form"
	}
	if isDevice(folded) {
		return "is a device name on Windows"
	}
	return ""
}

// dropIgnorable removes the code points that macOS ignores in names (joiners, direction
// marks, the byte-order mark), so that ".g\u200cit" is seen as the ".git" it opens.
func dropIgnorable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x206f, r == 0xfeff:
			return -1
		}
		return r
	}, s)
}

// isShortGitName reports whether a lower-case name is a Windows 8.3 short form of
// ".git": "git~1", "git~2"…
func isShortGitName(s string) bool {
	rest, ok := strings.CutPrefix(s, "git~")
	if !ok || rest == "" {
		return false
	}
	for _, r := range rest {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// devices are the names Windows reserves for devices, in any case and with any
// extension.
var devices = []string{"con", "prn", "aux", "nul", "conin$", "conout$", "clock$"}

// isDevice reports whether a lower-case name is a Windows device name: its part before
// the first dot, trailing spaces removed, is CON, PRN, AUX, NUL, COM0–9 or LPT0–9 (the
// superscript digits too).
func isDevice(s string) bool {
	base, _, _ := strings.Cut(s, ".")
	base = strings.TrimRight(base, " ")
	for _, d := range devices {
		if base == d {
			return true
		}
	}
	if len(base) >= 4 && (strings.HasPrefix(base, "com") || strings.HasPrefix(base, "lpt")) {
		switch d := base[3:]; d {
		case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}

// clip shortens a name for an error message.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Hidden reports whether a "/"-separated path has a part starting with ".": the
// repository, the lock file and the temporary files of writes in progress, which the
// loader and the git work tree leave alone without a word.
func Hidden(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

// Kind says what an entry of a corpus folder is to its readers and writers.
type Kind int

// The kinds of Admit.
const (
	// Skip is an entry left alone silently: a hidden file or folder.
	Skip Kind = iota
	// Folder is a folder to look into.
	Folder
	// File is a file of the corpus: a regular file with a safe name.
	File
	// Refused is an entry that is not a corpus file: a link, a FIFO, a device, a socket,
	// or a name that is not safe; Admit says why.
	Refused
)

// Admit judges an entry of a corpus folder, p its "/"-separated path and mode its type
// as seen without following a link (fs.DirEntry.Type or Lstat): the one rule by which
// the loader reads, and the git work tree stages, a corpus's files. Links are never
// followed: a link is refused, whatever it leads to.
func Admit(p string, mode fs.FileMode) (Kind, string) {
	if Hidden(p) {
		return Skip, ""
	}
	switch {
	case mode&fs.ModeSymlink != 0:
		return Refused, "ignored: a symbolic link (links are not followed)"
	case mode.IsDir():
		if err := CheckName(p); err != nil {
			return Refused, "ignored: " + reason(err)
		}
		return Folder, ""
	case !mode.IsRegular():
		return Refused, "ignored: not a regular file"
	}
	if err := CheckName(p); err != nil {
		return Refused, "ignored: " + reason(err)
	}
	return File, ""
}

// reason says why CheckName refused a name, without the name: "the name is a device
// name on Windows".
func reason(err error) string {
	if ne, ok := errors.AsType[*NameError](err); ok {
		return "the name " + ne.Why
	}
	return err.Error()
}
