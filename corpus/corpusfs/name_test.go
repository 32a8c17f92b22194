package corpusfs

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	good := []string{"glossary.md", "news/2026/iran-talks.md", "Fordow.txt", "auxiliary.md", "con-document.md",
		"com10.md", "lpt.md", "گفتگو.md", "a b.md", "git~x/a.md", "gitlab.md"}
	for _, p := range good {
		if err := CheckName(p); err != nil {
			t.Errorf("CheckName(%q) = %v, want nil", p, err)
		}
	}
	bad := map[string]string{
		"":                              "empty",
		".":                             "empty",
		"..":                            "relative",
		"a/../b.md":                     "relative",
		"/etc/passwd":                   "relative",
		"a//b.md":                       "relative",
		"aux.md":                        "device",
		"AUX":                           "device",
		"news/CON.md":                   "device",
		"nul.txt":                       "device",
		"Com1.md":                       "device",
		"lpt9.tar.gz":                   "device",
		"com¹.md":                       "device",
		"conin$.md":                     "device",
		"aux .md":                       "device",
		".git":                          "git's own",
		".GIT/config":                   "git's own",
		".Git":                          "git's own",
		".g\u200cit/config":             "git's own",
		"GIT~1/config":                  "git's own",
		"git~12":                        "git's own",
		".gitmodules":                   "git's own",
		".hidden.md":                    "hidden",
		"a\x01b.md":                     "control",
		"tab\there.md":                  "control",
		"a\u0085b.md":                   "control",
		"what?.md":                      "Windows",
		`back\slash.md`:                 "Windows",
		"colon:.md":                     "Windows",
		"dot.":                          "dot or a space",
		"space .md ":                    "dot or a space",
		"\xff.md":                       "UTF-8",
		strings.Repeat("a", 256):        "longer",
		strings.Repeat("a/", 600) + "b": "longer",
	}
	for p, want := range bad {
		err := CheckName(p)
		if !errors.Is(err, ErrUnsafeName) || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckName(%q) = %v, want an unsafe name (%s)", p, err, want)
		}
	}
}

func TestAdmit(t *testing.T) {
	tests := []struct {
		path string
		mode fs.FileMode
		want Kind
	}{
		{"doc.md", 0, File},
		{"news", fs.ModeDir, Folder},
		{".git", fs.ModeDir, Skip},
		{".tmp-x", 0, Skip},
		{"link.md", fs.ModeSymlink, Refused},
		{"fifo.md", fs.ModeNamedPipe, Refused},
		{"dev.md", fs.ModeDevice, Refused},
		{"aux.md", 0, Refused},
		{"con", fs.ModeDir, Refused},
	}
	for _, tt := range tests {
		if got, why := Admit(tt.path, tt.mode); got != tt.want || (got == Refused) != (why != "") {
			t.Errorf("Admit(%q, %v) = %v %q, want %v", tt.path, tt.mode, got, why, tt.want)
		}
	}
}
