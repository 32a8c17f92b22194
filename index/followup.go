package index

// This file: follow-up questions. A question asked after another in a conversation
// ("what did the US do to Fordow?", then "when was that?" or "and Natanz?") may lean on
// it; the index decides whether it does, and reads it with the previous one's topic.
// The bot and the command line only carry the previous question (Request.Previous) and
// show the reading (Answer.ReadAs).

import (
	"context"
	"regexp"
	"strings"

	"github.com/standoff-bot/standoff"
)

// Words of a follow-up, beside the question words of filler (query.go).
var (
	// backRefs point back at something said before.
	backRefs = setOf("it", "its", "that", "this", "they", "them", "their", "theirs", "there",
		"then", "he", "him", "his", "she", "her", "those", "these", "one", "ones")
	// personal are the backRefs that name a person or a party ("when did he die?"): they
	// lean on the question before even where the words around them answer something.
	personal = setOf("he", "him", "his", "she", "her", "they", "them", "their", "theirs")
	// singular are the personal pronouns for one person, which "they" ("what language do
	// they speak in iran") is too often not.
	singular = setOf("he", "him", "his", "she", "her")
	// demonstratives are the backRefs that may stand before a noun of their own ("this deal").
	demonstratives = setOf("this", "that", "these", "those")
	// glue are words that join the words of a question without being what it is about.
	glue = setOf("to", "of", "in", "on", "at", "for", "with", "by", "from", "and", "or", "but",
		"as", "into", "onto", "over", "under", "than", "up", "down", "out", "off", "has", "have",
		"had", "was", "were", "any", "some", "all", "also", "just", "only", "ever", "again",
		"still", "yet", "get", "got", "go", "went", "going", "make", "made", "doing", "done")
	// openers start a question: a question word or an auxiliary verb.
	openers = setOf("what", "whats", "what's", "when", "where", "who", "whom", "whose", "why",
		"how", "which", "is", "are", "was", "were", "did", "does", "do", "can", "could", "would",
		"will", "has", "have", "had", "should")
	// presentBe are the forms of "be" that make "it" a dummy ("what time is it", "is it safe").
	presentBe = setOf("is", "it's", "its")
	// scopeWords open or make up a phrase that narrows the previous question in time
	// ("and in 2024?", "what about now?", "before the strikes?") rather than naming another
	// subject.
	scopeWords = setOf("in", "on", "at", "before", "after", "since", "during", "until", "till",
		"by", "from", "back", "now", "then", "today", "yesterday", "earlier", "later", "recently",
		"currently", "lately", "this", "last", "next", "the", "year", "month", "week", "years",
		"months", "weeks", "ago", "nowadays")
)

// connector finds a question that continues the one before: "and Natanz?", "what about
// Natanz", "how about in 2024". Group 1 is what follows.
var connector = regexp.MustCompile(`(?i)^(?:and|also|but|ok and|okay and|and what about|and how about|what about|how about|what of|same for|same question for)\b[\s,:]*(.*)$`)

// maxFollowTopic is the largest number of words a connector's subject may have
// ("and Natanz?" names one; a whole sentence after "and" is a question of its own).
const maxFollowTopic = 5

// maxTermWords is the most words of a glossary term that a follow-up's subject replaces
// ("IAEA Board of Governors").
const maxTermWords = 5

// maxThinWords is the largest number of words of its own a question leaning on a pronoun
// may have ("who ordered it?" has one: "ordered"); one more with a pronoun for one
// person ("when did he become supreme leader?").
const maxThinWords = 2

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// qword is one word of a question, where it stands in the text, and what it is.
type qword struct {
	text       string
	start, end int
	lower      string
}

// splitWords returns the words of s as the question reader sees them.
func splitWords(s string) []qword {
	var out []qword
	for _, loc := range wordPattern.FindAllStringIndex(s, -1) {
		t := strings.TrimSuffix(s[loc[0]:loc[1]], ".")
		out = append(out, qword{text: t, start: loc[0], end: loc[0] + len(t), lower: strings.ToLower(t)})
	}
	return out
}

// isContent reports whether w says what a question is about: not a question word, a
// pronoun pointing back, or a word that only joins.
func isContent(w string) bool {
	return !filler[w] && !backRefs[w] && !glue[w] && !openers[w]
}

// followKind is how a question leans on the previous one.
type followKind int

const (
	standsAlone followKind = iota
	bareAsk                // "when?", "why was that?": no word of its own
	thinAsk                // "who ordered it?": a pronoun and a word or two of its own
	personAsk              // "when did he die?": thinAsk with a pronoun for a person or party
	newSubject             // "and Natanz?": the previous question, about something else
	newScope               // "and in 2024?": the previous question, narrowed
)

// classify says whether q leans on a previous question, and for a connector what follows
// it.
func classify(q string) (followKind, string) {
	q = strings.TrimSpace(normalizeQuestion(q))
	if m := connector.FindStringSubmatch(q); m != nil {
		rest := strings.TrimSpace(strings.TrimRight(m[1], "?!. "))
		words := splitWords(rest)
		if len(words) == 0 {
			return bareAsk, ""
		}
		if openers[words[0].lower] {
			// "and when was that?": the question after the connector decides.
			return classify(rest)
		}
		if len(words) > maxFollowTopic {
			return standsAlone, ""
		}
		if scopeOnly(words) {
			return newScope, rest
		}
		return newSubject, rest
	}
	words := splitWords(q)
	if len(words) == 0 || !openers[words[0].lower] {
		return standsAlone, ""
	}
	content, pronoun, anyRef := 0, false, false
	for i, w := range words {
		switch {
		case isContent(w.lower):
			content++
		case backRefs[w.lower]:
			anyRef = true
			if refersBack(words, i) {
				pronoun = true
			}
		}
	}
	switch {
	case content == 0 && (anyRef || len(words) <= 2):
		return bareAsk, ""
	case pronoun && content <= maxThinWords+1 && hasPerson(words, singular):
		return personAsk, ""
	case pronoun && content <= maxThinWords && hasPerson(words, personal):
		return personAsk, ""
	case pronoun && content <= maxThinWords:
		return thinAsk, ""
	}
	return standsAlone, ""
}

// hasPerson reports whether words hold one of the pronouns of set.
func hasPerson(words []qword, set map[string]bool) bool {
	for _, w := range words {
		if set[w.lower] {
			return true
		}
	}
	return false
}

// refersBack reports whether the pronoun words[i] points back at something said before:
// not a demonstrative before a noun of its own ("this deal"), not the "there" of "is
// there", not the dummy "it" of "is it" or "what time is it".
func refersBack(words []qword, i int) bool {
	w := words[i].lower
	prev, next := "", ""
	if i > 0 {
		prev = words[i-1].lower
	}
	if i+1 < len(words) {
		next = words[i+1].lower
	}
	switch {
	case demonstratives[w] && next != "" && isContent(next):
		return false
	case w == "there" && (openers[prev] || openers[next]):
		return false
	case w == "it" && (i == 1 && presentBe[prev] || i == len(words)-1 && presentBe[prev]):
		return false // "is it safe …", "what time is it"
	}
	return true
}

// scopeOnly reports whether words only narrow a question in time: "in 2024", "now",
// "before the strikes", "last year".
func scopeOnly(words []qword) bool {
	if scopeWords[words[0].lower] && words[0].lower != "the" {
		return true
	}
	for _, w := range words {
		if !scopeWords[w.lower] && !yearWord.MatchString(w.lower) && !monthNames[w.lower] {
			return false
		}
	}
	return true
}

// yearWord is a year, for scopeOnly: "and in 2024?", not "and 20%?".
var yearWord = regexp.MustCompile(`^(?:19|20)\d\d$`)

// monthNames are the months, for scopeOnly.
var monthNames = setOf("january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december", "jan", "feb", "mar", "apr",
	"jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")

// topic is what the question prev is about, in its own words: from its first word of
// substance to its last, without its question words ("what did the US do to Fordow?" →
// "US to Fordow").
func topic(prev string) string {
	words := splitWords(normalizeQuestion(prev))
	first, last := -1, -1
	for i, w := range words {
		if isContent(w.lower) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return ""
	}
	var kept []string
	for _, w := range words[first : last+1] {
		if !openers[w.lower] && !backRefs[w.lower] && (!filler[w.lower] || articles[w.lower] || w.lower == "of") {
			kept = append(kept, w.text)
		}
	}
	return strings.Join(kept, " ")
}

// articles are dropped from a follow-up's subject where the previous question has one
// already ("what is the E3?", "and the P5+1?": "what is the P5+1?").
var articles = setOf("the", "a", "an")

// asQuestion returns s as a question: trimmed, with one question mark at its end.
func asQuestion(s string) string {
	return strings.TrimRight(strings.TrimSpace(s), "?!. ") + "?"
}

// rewrite reads q with the previous question prev, as kind says; "" when it cannot.
func (ix *Index) rewrite(q, prev string, kind followKind, rest string) string {
	prev = strings.Join(strings.Fields(normalizeQuestion(prev)), " ")
	switch kind {
	case bareAsk, thinAsk, personAsk:
		t := topic(prev)
		if t == "" {
			return ""
		}
		own := strings.TrimRight(strings.TrimSpace(normalizeQuestion(q)), "?!. ")
		if m := connector.FindStringSubmatch(own); m != nil && strings.TrimSpace(m[1]) != "" {
			own = strings.TrimSpace(m[1])
		}
		if own == "" {
			return asQuestion(prev)
		}
		return own + " (" + t + ")?"
	case newScope:
		return strings.TrimRight(prev, "?!. ") + " " + rest + "?"
	case newSubject:
		start, end, ok := ix.subjectOf(prev, rest)
		if !ok {
			return ""
		}
		before, replaced := prev[:start], prev[start:end]
		if f := strings.Fields(before); len(f) > 0 && articles[strings.ToLower(f[len(f)-1])] {
			if w := strings.Fields(rest); len(w) > 1 && articles[strings.ToLower(w[0])] {
				rest = strings.Join(w[1:], " ")
			}
		}
		if after := prev[end:]; after != "" && strings.HasSuffix(rest, after[:1]) && !isWordByte(after[0]) {
			rest = rest[:len(rest)-1] // "and 20%?" for the 60 of "60%"
		}
		if strings.HasSuffix(replaced, "'s") && !strings.HasSuffix(rest, "'s") {
			rest += "'s" // "Oman's role" → "Qatar's role"
		}
		return asQuestion(before + rest + prev[end:])
	}
	return ""
}

// subjectOf finds in prev the words that subject, the subject of a follow-up, stands in
// for: a glossary term of the same glossary as subject ("Fordow" for "Natanz", both
// sites), else the rarest word of substance, with the corpus term it belongs to.
func (ix *Index) subjectOf(prev, subject string) (start, end int, ok bool) {
	words := splitWords(prev)
	wantDoc := ""
	if e := ix.glossaryTerm(strings.TrimPrefix(strings.ToLower(subject), "the ")); e != nil {
		wantDoc = ix.passages.doc(e.passage).ID
	}
	best := -1.0
	for i := 0; i < len(words); i++ {
		if !isContent(words[i].lower) {
			continue
		}
		// The longest corpus term that starts here, of at most maxTermWords words.
		span := 1
		var entry *glossaryEntry
		for n := min(maxTermWords, len(words)-i); n >= 1; n-- {
			if e := ix.glossaryTerm(prev[words[i].start:words[i+n-1].end]); e != nil {
				span, entry = n, e
				break
			}
		}
		score := 0.0
		for _, w := range words[i : i+span] {
			score = max(score, ix.vocab.idf(ix.key(w.text)))
		}
		if entry != nil && wantDoc != "" && ix.passages.doc(entry.passage).ID == wantDoc {
			score += 100 // a term of the same kind: the one the follow-up replaces
		}
		if score > best {
			best, start, end, ok = score, words[i].start, words[i+span-1].end, true
		}
		i += span - 1
	}
	return start, end, ok
}

// glossaryTerm returns the glossary entry that text names, or nil.
func (ix *Index) glossaryTerm(text string) *glossaryEntry {
	return ix.glossaryByKey(ix.key(text))
}

// glossaryByKey returns the glossary entry one of whose names has the analysed key k, or
// nil.
func (ix *Index) glossaryByKey(k string) *glossaryEntry {
	if k == "" {
		return nil
	}
	for i := range ix.glossary {
		for _, a := range ix.glossary[i].aliases {
			if a == k {
				return &ix.glossary[i]
			}
		}
	}
	return nil
}

// followUp answers req as a follow-up of req.Previous when it leans on it: the question
// is read with the previous one's topic, and the answer says how (ReadAs). A question
// that stands on its own, or whose reading answers nothing, is answered as it is.
func (ix *Index) followUp(ctx context.Context, req standoff.Request) (standoff.Answer, error) {
	alone := req
	alone.Previous = ""
	kind, rest := classify(req.Question)
	if kind == standsAlone || req.Related || strings.TrimSpace(req.Previous) == "" {
		return ix.answer(ctx, alone)
	}
	var own standoff.Answer
	if kind == thinAsk && ownWords(ix.readQuestion(req.Question)) > 1 {
		// A pronoun with words of its own ("is there still a way out of this?") leans on
		// the previous question only when those words alone answer nothing. With one
		// word ("when was it signed?" after "what is the JCPOA?"), the pronoun means
		// what the conversation was about: that reading comes first.
		a, err := ix.answer(ctx, alone)
		if err != nil || a.Answered {
			return a, err
		}
		own = a
	}
	readAs := ix.rewrite(req.Question, req.Previous, kind, rest)
	if readAs == "" || strings.EqualFold(readAs, asQuestion(req.Question)) {
		return ix.answerOnce(ctx, alone, own)
	}
	read := alone
	read.Question = readAs
	ans, err := ix.answer(ctx, read)
	if err != nil {
		return ans, err
	}
	if !ans.Answered {
		return ix.answerOnce(ctx, alone, own)
	}
	ans.Question, ans.ReadAs = req.Question, readAs
	return ans, nil
}

// ownWords counts the concepts of a question's plan but for its "when".
func ownWords(p plan) int {
	n := 0
	for _, c := range p.concepts {
		if !c.date {
			n++
		}
	}
	return n
}

// answerOnce is own when the question was already answered as it stands (own has its
// question), else that answer.
func (ix *Index) answerOnce(ctx context.Context, alone standoff.Request, own standoff.Answer) (standoff.Answer, error) {
	if own.Question != "" {
		return own, nil
	}
	return ix.answer(ctx, alone)
}

// isWordByte reports whether b is an ASCII letter or digit.
func isWordByte(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}
