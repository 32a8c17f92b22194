package corpus

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/standoff-bot/standoff/corpus/corpusfs"
)

// maxSlug is the longest slug Slug makes, in bytes.
const maxSlug = 60

// Slug turns a title into the last part of a document id: lower case, accents removed,
// letters and digits kept (in any script), every other run of characters one "-", at
// most about 60 bytes, cut between words. A title with no letter or digit gives
// "document"; a slug that is a Windows device name ("aux") gets "-document" after it.
func Slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(title) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // a combining accent: "é" becomes "e"
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	s := norm.NFC.String(b.String())
	if len(s) > maxSlug {
		cut := strings.LastIndexByte(s[:maxSlug+1], '-')
		if cut <= 0 {
			cut = maxSlug
			for cut > 0 && !isRuneStart(s[cut]) {
				cut--
			}
		}
		s = strings.TrimRight(s[:cut], "-")
	}
	if s == "" {
		return "document"
	}
	if corpusfs.CheckName(s+".md") != nil {
		return s + "-document" // "aux", "con", "com1": names Windows keeps for devices
	}
	return s
}

// isRuneStart reports whether b begins a UTF-8 encoded rune.
func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
