package bot

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/standoff-bot/standoff"
)

// discordLen is the length of s as Discord counts it for its limits. Discord's clients
// count UTF-16 code units, which is never less than the number of runes, so counting them
// keeps every text within the limit whichever way the server counts.
func discordLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
		if r == utf8.RuneError {
			n++ // a replacement character may stand for bytes Discord would reject; be safe
		}
	}
	return n
}

// alwaysEscaped are the characters that start or end Discord markdown wherever they
// stand: emphasis, underline, strike, code, spoilers, masked links, mentions and
// timestamps (<@…>, <t:…>) and the escape character itself.
const alwaysEscaped = "\\*_~`|[]<>"

// lineStartEscaped are the characters that start a heading, a quote, a list or subtext
// when they open a line.
const lineStartEscaped = "#>-+"

// escapeMarkdown escapes Discord markdown in s so that it shows as typed. Web addresses
// are left as they are so that Discord still links them. unescapeMarkdown reverses it.
func escapeMarkdown(s string) string { return escapeFrom(s, true) }

// escapeFrom is escapeMarkdown for a piece of text that starts a line or not.
func escapeFrom(s string, lineStart bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); {
		if n := urlLen(s[i:]); n > 0 && (i == 0 || !isWordByte(s[i-1])) {
			b.WriteString(defuseMassMentions(s[i : i+n]))
			i += n
			lineStart = false
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '@' && massMentionAt(s[i+1:]):
			// @everyone and @here never ping, even were allowed_mentions wrong.
			b.WriteString("@" + zeroWidthSpace)
			i += size
			lineStart = false
			continue
		case r < utf8.RuneSelf && strings.ContainsRune(alwaysEscaped, r):
			b.WriteByte('\\')
		case lineStart && r < utf8.RuneSelf && strings.ContainsRune(lineStartEscaped, r):
			b.WriteByte('\\')
		case lineStart && r >= '0' && r <= '9':
			// "1. item" starts an ordered list: escape the dot after the number.
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j < len(s) && s[j] == '.' {
				b.WriteString(s[i:j])
				b.WriteString("\\.")
				i = j + 1
				lineStart = false
				continue
			}
		}
		b.WriteString(s[i : i+size])
		i += size
		if r == '\n' {
			lineStart = true
		} else if !(lineStart && (r == ' ' || r == '\t')) {
			lineStart = false
		}
	}
	return b.String()
}

// zeroWidthSpace is put between "@" and "everyone" or "here" so that they do not ping.
const zeroWidthSpace = "\u200b"

// massMentionAt reports whether s, which follows an "@", starts a mention of everyone.
func massMentionAt(s string) bool {
	return strings.HasPrefix(s, "everyone") || strings.HasPrefix(s, "here")
}

// defuseMassMentions puts a zero-width space after every "@" of s that would mention
// everyone.
func defuseMassMentions(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] == '@' && massMentionAt(s[i+1:]) {
			b.WriteString(zeroWidthSpace)
		}
	}
	return b.String()
}

// unescapeMarkdown removes the backslashes and zero-width spaces escapeMarkdown added.
func unescapeMarkdown(s string) string {
	s = strings.ReplaceAll(s, "@"+zeroWidthSpace, "@")
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(alwaysEscaped+lineStartEscaped+".", s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// urlLen returns the length of the web address that starts s, or 0.
func urlLen(s string) int {
	if !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
		return 0
	}
	n := 0
	for n < len(s) {
		c := s[n]
		if c <= ' ' || c == '<' || c == '>' || c == '"' || c == '`' || c == '|' || c >= utf8.RuneSelf {
			break
		}
		n++
	}
	// Trailing punctuation belongs to the sentence, not the address.
	for n > 0 && strings.IndexByte(".,;:!?)]}'*_~", s[n-1]) >= 0 {
		n--
	}
	if n <= len("https://") {
		return 0
	}
	// An address with markdown characters in it is escaped like any other text: Discord
	// would otherwise read them.
	if strings.ContainsAny(s[:n], "*\\[]") {
		return 0
	}
	return n
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// span is a byte range [start, end) of a text.
type span struct{ start, end int }

// matchedTerms returns the distinct terms of the question r's text holds (r.Matches),
// in the order they first appear; ranges not within the text are left out.
func matchedTerms(r standoff.Result) []string {
	var terms []string
	seen := map[string]bool{}
	for _, sp := range r.Matches {
		s, ok := spanIn(r.Text, sp)
		if !ok {
			continue
		}
		t := strings.Join(strings.Fields(r.Text[s.start:s.end]), " ")
		if t != "" && !seen[strings.ToLower(t)] {
			seen[strings.ToLower(t)] = true
			terms = append(terms, t)
		}
	}
	return terms
}

// normalizeSpans sorts spans and merges overlapping ones.
func normalizeSpans(spans []span) []span {
	for i := 1; i < len(spans); i++ {
		for k := i; k > 0 && spans[k].start < spans[k-1].start; k-- {
			spans[k], spans[k-1] = spans[k-1], spans[k]
		}
	}
	var out []span
	for _, sp := range spans {
		if n := len(out); n > 0 && sp.start <= out[n-1].end {
			if sp.end > out[n-1].end {
				out[n-1].end = sp.end
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// trimSpan shrinks sp so that it neither starts nor ends with white space.
func trimSpan(text string, sp span) span {
	for sp.start < sp.end {
		r, n := utf8.DecodeRuneInString(text[sp.start:sp.end])
		if !unicode.IsSpace(r) {
			break
		}
		sp.start += n
	}
	for sp.end > sp.start {
		r, n := utf8.DecodeLastRuneInString(text[sp.start:sp.end])
		if !unicode.IsSpace(r) {
			break
		}
		sp.end -= n
	}
	return sp
}

// markup renders text as Discord markdown: escaped, with the bold spans in **bold** and
// the underline span (the best sentence) __underlined__. Markers never enclose white space
// at their edges and always come in pairs.
func markup(text string, bold []span, under span) string {
	in := func(i int, spans []span) bool {
		for _, sp := range spans {
			if i >= sp.start && i < sp.end {
				return true
			}
		}
		return false
	}
	under = trimSpan(text, under)
	// Split bold spans where the underline starts and ends, so that the two never need to
	// be closed and reopened around white space, then trim each piece.
	var cleaned []span
	for _, sp := range bold {
		pieces := []span{sp}
		if under.start < under.end {
			pieces = nil
			for _, cut := range [][2]int{{sp.start, min(sp.end, under.start)}, {max(sp.start, under.start), min(sp.end, under.end)}, {max(sp.start, under.end), sp.end}} {
				if cut[0] < cut[1] {
					pieces = append(pieces, span{cut[0], cut[1]})
				}
			}
		}
		for _, p := range pieces {
			if p = trimSpan(text, p); p.start < p.end && p.end <= len(text) {
				cleaned = append(cleaned, p)
			}
		}
	}

	var b strings.Builder
	bolded, underlined := false, false
	// Escape segment by segment so that line starts and addresses are seen whole.
	segStart := 0
	flush := func(end int) {
		if end > segStart {
			b.WriteString(escapeFrom(text[segStart:end], segStart == 0 || text[segStart-1] == '\n'))
		}
		segStart = end
	}
	for i := 0; i <= len(text); {
		wantBold := i < len(text) && in(i, cleaned)
		wantUnder := i < len(text) && i >= under.start && i < under.end
		if wantBold != bolded || wantUnder != underlined {
			flush(i)
			if bolded && (!wantBold || wantUnder != underlined) {
				b.WriteString("**")
				bolded = false
			}
			if underlined && !wantUnder {
				b.WriteString("__")
				underlined = false
			}
			if !underlined && wantUnder {
				b.WriteString("__")
				underlined = true
			}
			if !bolded && wantBold {
				b.WriteString("**")
				bolded = true
			}
		}
		if i == len(text) {
			break
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	flush(len(text))
	return b.String()
}
