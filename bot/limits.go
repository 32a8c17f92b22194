package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Discord's limits on what a message may carry (developer documentation).
const (
	maxContent         = 2000
	maxEmbeds          = 10
	maxEmbedsTotal     = 6000
	maxEmbedTitle      = 256
	maxEmbedDesc       = 4096
	maxFooter          = 2048
	maxRows            = 5
	maxButtonsPerRow   = 5
	maxCustomID        = 100
	maxButtonLabel     = 80
	maxButtonURL       = 512
	maxChoices         = 25
	maxChoiceLen       = 100
	maxQuestionRunes   = 300 // longer questions and message texts are cut before searching
	passageTargetChars = 1400
)

// cutText shortens s to at most limit characters (as discordLen counts them), cutting
// after a whole word and appending "…". It never cuts inside a word, except a single word
// longer than limit, which is cut inside as the only way to fit.
func cutText(s string, limit int) string {
	if discordLen(s) <= limit {
		return s
	}
	if limit <= 1 {
		return ""
	}
	// Walk the runes, remembering the last word boundary that still fits with "…".
	budget := limit - 1
	n, lastSpace, end := 0, -1, 0
	for i, r := range s {
		w := discordLen(string(r))
		if n+w > budget {
			break
		}
		if unicode.IsSpace(r) {
			lastSpace = i
		}
		n += w
		end = i + utf8.RuneLen(r)
	}
	if lastSpace > 0 {
		return strings.TrimRightFunc(s[:lastSpace], unicode.IsSpace) + "…"
	}
	return s[:end] + "…"
}

// cutQuestion normalises white space in q (a question is one line) and cuts it to
// maxQuestionRunes at a word.
func cutQuestion(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if utf8.RuneCountInString(q) <= maxQuestionRunes {
		return q
	}
	return cutText(q, maxQuestionRunes)
}
