package index

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/standoff-bot/standoff/corpus"
)

// weights are the knobs of the query: how much a match counts where it is found and in
// what form. defaultWeights are the ones measured best (see BENCHMARKS.md and the
// closing notes); tests vary them.
type weights struct {
	section, title float64 // a match in the section heading, in the document title
	phrase, quoted float64 // a corpus term found as a phrase; a phrase the user quoted
	synonym        float64 // a synonym instead of the word
	correction     float64 // a spelling correction instead of the word
	taught         float64 // a match in a question taught to the passage (taught.go)
	lexicon        float64 // a word the general lexicon gives for the word (lexicon.go)
	feedback       float64 // the best term of pseudo-relevance feedback (prf.go); 0: none
	rerank         int     // how many of bleve's best passages Search re-orders by coverage
	floor          floor   // the relevance floor (see search.go)
}

// floor is the relevance floor's knobs: see the constants of search.go for what each
// does.
type floor struct {
	coverage, covered, unknown, correction float64
}

var defaultWeights = weights{section: 1.5, title: 0.3, phrase: 1.0, quoted: 3.0, synonym: 0.7, correction: 0.8, taught: 1.0, lexicon: 0.5, feedback: 0.3, rerank: 20,
	floor: floor{coverage: floorCoverage, covered: floorCovered, unknown: floorUnknown, correction: floorCorrection}}

// Limits of what is read of a question.
const (
	commonPassages = 10000 // a word in more passages than this, and a twentieth of them, is common
	// commonSpread: when every word of a question is common, those in more than this
	// many times the passages of the rarest are left out of the search, as common words
	// are when a rarer one is there ("tallest building in iran": "iran" is in three
	// passages of four at 200,000, "building" in one of 14).
	commonSpread   = 4
	maxQuestion    = 1000 // runes of a question that are read
	maxConcepts    = 32
	maxPhraseWords = 6
)

// alternative is one way a concept of the question may appear in a passage.
type alternative struct {
	key    string // analysed terms, space-separated
	text   string // as written, for phrase queries
	phrase bool   // more than one term: searched as a phrase
	weight float64
	// metaWeight, when set, is the weight in the section, title and taught fields (see
	// capAlternatives).
	metaWeight float64
	// correction is set on a spelling correction: weaker evidence that a passage holding
	// it answers the question (see floorCorrection).
	correction bool
	// lexical is set on a word of the general lexicon (lexicon.go): weaker evidence too.
	lexical bool
	// costly is set on a phrase all of whose words are common (see commonPassages): bleve
	// finds it by reading the positions of every passage that holds them all, which at
	// 200,000 passages takes tens of milliseconds a field. It is searched only when its
	// concept has nothing else to be searched by; the re-rank still finds it.
	costly bool
}

// concept is one thing the question asks about: a word, a multi-word term of the corpus
// or a quoted phrase, with the alternatives that stand for it.
type concept struct {
	surface string
	alts    []alternative
	idf     float64
	quoted  bool
	known   bool // the corpus has it (or a correction or synonym of it)
	// corrected is set when the corpus has the concept only as a spelling correction.
	corrected bool
	date      bool // the question asks when: dated passages hold the concept
	// common is set on a word so frequent (see commonPassages) that searching for it
	// costs much and ranks little: it is left out of the search when the question has a
	// rarer word, and still counts in the relevance floor.
	common bool
	// df is, for a common word, how many passages hold it.
	df int
	// parent is the key of the multi-word term this word belongs to: where the term
	// (or a synonym of it, "snapback" for "snap back") is found, so is the word.
	parent string
	// lexical is set when the corpus has the concept only as words of the lexicon
	// (lexicon.go); corrected is not, another word being no other spelling.
	lexical bool
	// asked is set on the word naming what a question asking how much wants to know
	// ("cost", "price"): a passage that does not hold it does not answer.
	asked bool
	// percent is set on a number the question gives as a percentage ("60%", "60
	// percent"): a passage holds it only as a percentage, not as "60-day" or "60 votes".
	percent bool
}

// plan is a question read for searching.
type plan struct {
	concepts   []concept
	definition *glossaryEntry
	// bare is set when the question is one or two words that name one concept the corpus
	// has as written ("natanz", "centrifuges"): a passage holding it answers.
	bare bool
	// strangers is set when a name the corpus has never seen leaves the question
	// unanswered (see floorStranger): in a corpus that dates its facts, a news corpus on
	// one story, such a name is another story; in an archive of abstracts (SciFact), an
	// unknown term is the rule.
	strangers bool
	// feedback are terms of the first passages found, searched too (prf.go).
	feedback []alternative
	// now is set when the question asks how things stand now: of a passage's sentences
	// that hold as much of the question, the one stating the passage's date is shown.
	now bool
}

// wordPattern finds the words of a question: letters and digits, with inner dots,
// hyphens and apostrophes ("U.S", "3.67", "Takht-Ravanchi", "Iran's").
var wordPattern = regexp.MustCompile(`[\p{L}\p{M}\p{N}]+(?:[.\-'’][\p{L}\p{M}\p{N}]+)*\.?`)

// quantityPattern finds a question that asks how much or how many.
var quantityPattern = regexp.MustCompile(`(?i)\bhow\s+(?:much|many)\b`)

// lettersDigits finds a term of letters then digits ("ir6", "u235", "ir2m"), which a
// text may write with a hyphen ("IR-6"), analysed as two terms; the groups are the two.
var lettersDigits = regexp.MustCompile(`^(\pL+)(\pN[\pL\pN]*)$`)

// askedAmounts are the words that say what a question asking how much wants to know:
// "how much did midnight hammer cost" is not answered by a passage on Midnight Hammer
// that gives no cost.
var askedAmounts = map[string]bool{"cost": true, "costs": true, "costing": true, "price": true, "prices": true, "spend": true, "spent": true}

// percentPattern finds a number given as a percentage in a question: "60%", "3.67
// percent", "90 per cent"; the group is the number.
var percentPattern = regexp.MustCompile(`(?i)\b(\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b|pc\b|pct\b)`)

// percentAfter finds, at the start of what follows a number in a passage, the sign or the
// word that makes it a percentage.
var percentAfter = regexp.MustCompile(`(?i)^(?:\s?%|[\s-]percent\b|[\s-]per[\s-]cent\b)`)

// quotedPattern finds a phrase in straight or curly double quotes.
var quotedPattern = regexp.MustCompile(`["“”]([^"“”]+)["“”]`)

// filler are words of a question that say how it is asked, not what it is about.
var filler = map[string]bool{
	"what": true, "whats": true, "what's": true, "which": true, "who": true, "whom": true,
	"whose": true, "when": true, "where": true, "why": true, "how": true, "is": true,
	"are": true, "was": true, "were": true, "be": true, "been": true, "do": true,
	"does": true, "did": true, "can": true, "could": true, "would": true, "should": true,
	"will": true, "tell": true, "me": true, "about": true, "please": true, "explain": true,
	"define": true, "definition": true, "meaning": true, "mean": true, "means": true,
	"meant": true, "describe": true, "know": true, "want": true, "give": true, "show": true,
	"i": true, "you": true, "a": true, "an": true, "the": true, "of": true, "thing": true,
	"things": true, "stuff": true, "info": true, "information": true, "anything": true,
	"something": true, "exactly": true, "actually": true, "really": true, "hey": true,
	"hi": true, "hello": true, "bot": true, "thanks": true, "percent": true, "per": true,
	"cent": true, "term": true, "happen": true, "happened": true, "happens": true, "according": true, "many": true, "much": true, "now": true,
	"somewhere": true, "someone": true, "anyone": true, "everyone": true, "somebody": true,
	"read": true, "heard": true, "hear": true, "saw": true, "seen": true, "think": true,
	"thought": true, "guess": true, "wonder": true, "wondering": true, "curious": true,
	"lol": true, "ok": true, "okay": true, "yes": true, "yeah": true, "pls": true, "plz": true,
	"guys": true, "folks": true, "kind": true, "sort": true, "like": true, "said": true, "say": true,
	"says": true, "so": true, "stand": true, "use": true, "used": true, "uses": true, "using": true,
}

// startWords are the words with which a question asking when something happened asks
// when it began: the date is the answer, the word is no concept.
var startWords = setOf("start", "starts", "started", "begin", "begins", "began", "begun", "commence", "commenced", "kick", "kicked")

// countryBefore and countryAfter are the words next to which a lower-case "us" is the
// country ("the us", "iran and us", "us strikes"); elsewhere it is the pronoun ("tell
// us", "can you help us").
var (
	countryBefore = map[string]bool{"the": true, "and": true, "vs": true, "versus": true, "iran": true, "between": true, "did": true, "does": true, "has": true, "will": true, "would": true, "could": true, "should": true, "is": true, "was": true, "when": true, "why": true, "how": true, "anti": true, "pro": true, "against": true}
	countryAfter  = map[string]bool{"and": true, "strike": true, "strikes": true, "struck": true, "sanctions": true, "officials": true, "official": true, "president": true, "intelligence": true, "withdrawal": true, "exit": true, "leave": true, "left": true, "military": true, "envoy": true, "team": true, "troops": true, "base": true, "bases": true, "navy": true, "bomb": true, "bombed": true, "bombing": true, "attack": true, "attacked": true, "talks": true, "side": true, "government": true, "administration": true, "forces": true, "withdraw": true, "withdrew": true, "pulled": true, "pull": true, "position": true, "demand": true, "demands": true, "iran": true, "election": true, "army": true, "war": true, "deal": true, "say": true, "said": true, "want": true, "wants": true}
)

// definitionPatterns recognise "what is X", "define X" and the like; the group is X.
var definitionPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^(?:what|who)(?:'s|’s| is| are| was| were)\s+(?:an? |the )?(.+)$`),
	regexp.MustCompile(`^(?:define|definition of|meaning of|explain|describe|tell me about|what about)\s+(?:an? |the )?(.+)$`),
	regexp.MustCompile(`^what (?:does|do|did) (?:an? |the )?(.+?) (?:mean|stand for)$`),
	regexp.MustCompile(`^what is meant by (?:an? |the )?(.+)$`),
	regexp.MustCompile(`^(?:an? |the )?(.+?)[?!.,:\s]+(?:explain|define|describe)(?: it| this| that)?(?: to me)?$`),
	regexp.MustCompile(`^where (?:is|are|was|were) (?:an? |the )?(.+?) (?:located|situated|based)$`),
	regexp.MustCompile(`^(?:an? |the )?(.+?) (?:meaning|definition|defined)$`),
}

// datePattern recognises a question that asks when something happened.
var datePattern = regexp.MustCompile(`(?i)\b(?:when|what year|which year|what date|which date|what day|since when|how long ago)\b`)

// hasYear tells whether s holds a year: four digits from 1800 to 2099 between word
// boundaries (an ASCII letter, digit or underscore on neither side), what the pattern
// \b(?:1[89]|20)\d\d\b finds (see yearPattern in its test), without the regexp
// package's backtracking, which was a fiftieth of an answer at 200,000 passages, run on
// every candidate of a question with a year.
func hasYear(s string) bool {
	word := func(c byte) bool { return c == '_' || isWordByte(c) }
	digit := func(c byte) bool { return '0' <= c && c <= '9' }
	for i := 0; i+4 <= len(s); i++ {
		if i > 0 && word(s[i-1]) || i+4 < len(s) && word(s[i+4]) {
			continue
		}
		century := s[i : i+2]
		if (century == "18" || century == "19" || century == "20") && digit(s[i+2]) && digit(s[i+3]) {
			return true
		}
	}
	return false
}

// weightDate is the weight of the "when" of a question in the relevance floor.
const weightDate = 2.0

// readQuestion turns a question into a plan. It never fails: what it cannot read, it
// leaves out.
func (ix *Index) readQuestion(question string) plan {
	q := normalizeQuestion(question)
	var p plan
	p.definition = ix.definitionTarget(q)

	for _, m := range quotedPattern.FindAllStringSubmatch(q, 4) {
		if k := ix.key(m[1]); k != "" {
			c := concept{surface: m[1], quoted: true}
			c.alts = []alternative{{key: k, text: m[1], phrase: strings.Contains(k, " "), weight: ix.weights.quoted}}
			p.concepts = append(p.concepts, c)
		}
	}

	words := wordPattern.FindAllString(q, -1)
	if datePattern.MatchString(q) {
		// "when did the 2026 war start": the start is the date asked for, not a word the
		// passage must hold ("The 2026 war begins").
		words = slices.DeleteFunc(words, func(w string) bool { return startWords[strings.ToLower(w)] })
	}
	seen := map[string]bool{} // keys already read: a repeated word or term counts once
	terms, parent := ix.termConcepts(words, seen)
	p.concepts = append(p.concepts, terms...)
	p.concepts = append(p.concepts, ix.wordConcepts(words, parent, seen)...)
	if quantityPattern.MatchString(q) {
		for i := range p.concepts {
			if c := &p.concepts[i]; !c.quoted && len(c.alts) > 0 && askedAmounts[strings.ToLower(c.surface)] {
				c.asked = true
			}
		}
	}
	for _, m := range percentPattern.FindAllStringSubmatch(q, -1) {
		for i := range p.concepts {
			if c := &p.concepts[i]; !c.quoted && len(c.alts) == 1 && c.alts[0].key == m[1] {
				c.percent = true
			}
		}
	}
	for i := range p.concepts {
		c := &p.concepts[i]
		c.idf, c.known, c.corrected = ix.conceptWeight(*c)
		if c.lexical = c.known && onlyLexical(*c, ix.vocab); c.lexical {
			c.idf = ix.vocab.idf("") // it weighs as a word the corpus lacks
		}
		if !c.isPhrase() && !c.quoted && len(c.alts) > 0 {
			if c.common = ix.commonTerm(c.alts[0].key); c.common {
				c.df = ix.vocab.df[c.alts[0].key]
			}
		}
		for j := range c.alts {
			if a := &c.alts[j]; a.phrase && !c.quoted {
				a.costly = !slices.ContainsFunc(strings.Fields(a.key), func(t string) bool { return !ix.commonTerm(t) })
			}
		}
		ix.capAlternatives(c)
	}
	// "who is raisi" names one concept as "raisi" does; "what's your name" does not,
	// its one word being common in the corpus.
	// A name misspelled alone ("who is grosi") is answered as the name, the correction
	// shown (Answer.Corrected).
	p.bare = len(p.concepts) == 1 && p.concepts[0].known &&
		(!p.concepts[0].corrected || utf8.RuneCountInString(p.concepts[0].surface) >= minCorrected && ix.rareConcept(p.concepts[0])) &&
		(len(words) <= 2 || contentWords(words) <= 2 && ix.rareConcept(p.concepts[0]))
	if datePattern.MatchString(q) && len(p.concepts) > 0 {
		p.concepts = append(p.concepts, concept{surface: "when", date: true, idf: weightDate, known: true})
	}
	if len(p.concepts) > maxConcepts {
		sort.SliceStable(p.concepts, func(i, j int) bool { return p.concepts[i].idf > p.concepts[j].idf })
		p.concepts = p.concepts[:maxConcepts]
	}
	return p
}

// capAlternatives lowers, in the section and title fields, the weight of the other
// forms of a concept that are rarer than the concept itself, so that a name that holds
// one ("Tehran" of the Tehran Research Reactor, for "Iran") counts for no more than the
// concept would: it would otherwise rank the reactor first for "how much uranium does
// iran have". In a passage's text, "Tehran" is Iran, as prose writes it.
func (ix *Index) capAlternatives(c *concept) {
	if c.quoted || !c.known || c.idf <= 0 || len(c.alts) < 2 {
		return
	}
	own := ix.keyIdf(c.alts[0].key)
	if own <= 0 {
		return
	}
	for j := 1; j < len(c.alts); j++ {
		a := &c.alts[j]
		if idf := ix.keyIdf(a.key); idf > own {
			a.metaWeight = a.weight * own / idf
		}
	}
}

// keyIdf is the idf of the rarest term of a key that the corpus has; 0 for none.
func (ix *Index) keyIdf(key string) float64 {
	best := 0.0
	for _, t := range strings.Fields(key) {
		if ix.vocab.df[t] > 0 {
			best = max(best, ix.vocab.idf(t))
		}
	}
	return best
}

// commonTerm tells whether an analysed term is common in the corpus (see
// commonPassages).
func (ix *Index) commonTerm(t string) bool {
	df := ix.vocab.df[t]
	return df > commonPassages && df > ix.vocab.docs/20
}

// termConcepts finds the multi-word terms of the corpus in the words of a question,
// longest first, and says for each word the key of the term it belongs to.
func (ix *Index) termConcepts(words []string, seen map[string]bool) ([]concept, []string) {
	var out []concept
	parent := make([]string, len(words))
	for i := 0; i < len(words); i++ {
		for n := min(maxPhraseWords, ix.phrases.maxWords, len(words)-i); n >= 2; n-- {
			if ix.key(words[i]) == "" || ix.key(words[i+n-1]) == "" {
				continue // a term starts and ends with a word that counts
			}
			k := ix.key(strings.Join(words[i:i+n], " "))
			if !ix.phrases.keys[k] { // only terms of two words or more are kept
				continue
			}
			c := concept{surface: strings.Join(words[i:i+n], " ")}
			for j := i; j < i+n; j++ {
				parent[j] = k
			}
			i += n - 1
			if !seen[k] {
				seen[k] = true
				c.alts = append(c.alts, alternative{key: k, text: c.surface, phrase: true, weight: ix.weights.phrase})
				c.alts = append(c.alts, ix.synonymAlternatives(k)...)
				out = append(out, c)
			}
			break
		}
	}
	return out, parent
}

// wordConcepts are the concepts of the single words of a question, filler left out;
// a word the analyzer splits ("Takht-Ravanchi") is also searched as a phrase.
func (ix *Index) wordConcepts(words, parent []string, seen map[string]bool) []concept {
	var out []concept
	for i, w := range words {
		lw := strings.ToLower(strings.TrimSuffix(w, "."))
		if isUnitedStates(words, i) {
			lw = "us"
		} else if (isChatWord(lw) || ix.chatTypo(lw)) && !toldSomeone(words, i) {
			continue
		}
		terms := strings.Fields(ix.key(lw))
		k := strings.Join(terms, " ")
		if len(terms) > 1 && !seen[k] {
			seen[k] = true
			out = append(out, concept{surface: w, alts: []alternative{{key: k, text: w, phrase: true, weight: ix.weights.phrase}}})
		}
		for _, t := range terms {
			if seen[t] {
				continue
			}
			seen[t] = true
			c := ix.wordConcept(verbForm(words, i), t)
			c.surface = w
			c.parent = parent[i]
			if c.parent == "" && len(terms) > 1 {
				c.parent = k
			}
			out = append(out, c)
		}
	}
	return out
}

// toldSomeone tells whether words[i] is "tell" said of someone else than the bot
// ("when did iran tell the iaea"), not the asking "tell me", "tell us about": the
// telling is then what the question is about.
func toldSomeone(words []string, i int) bool {
	if !strings.EqualFold(words[i], "tell") || i+1 >= len(words) {
		return false
	}
	next := strings.ToLower(words[i+1])
	return next != "me" && next != "us" && next != "about" && !openers[next] // "tell what happened"
}

// verbForm is words[i] as the synonyms read it: "bomb" (or "nuke") used as a verb,
// before what is bombed and not after an article or an adjective ("did the us bomb iran",
// not "a bomb" nor "the nuclear bomb"), is read as "bombing", an attack; elsewhere the
// word as written.
func verbForm(words []string, i int) string {
	w := strings.ToLower(words[i])
	if w != "bomb" && w != "nuke" || i+1 >= len(words) || i == 0 {
		return words[i]
	}
	if !bombed[strings.ToLower(strings.TrimSuffix(words[i+1], "'s"))] || beforeNoun[strings.ToLower(words[i-1])] {
		return words[i]
	}
	return "bombing"
}

// bombed and beforeNoun are the words after which (and before which) "bomb" is a verb
// or a noun: see verbForm.
var (
	bombed     = setOf("iran", "iranian", "fordow", "fordo", "natanz", "isfahan", "esfahan", "tehran", "arak", "bushehr", "parchin", "it", "them", "the", "its", "their", "israel")
	beforeNoun = setOf("a", "an", "the", "one", "nuclear", "atomic", "dirty", "first", "its", "their", "iran's", "his", "her", "our", "this", "that", "any", "no")
)

// isUnitedStates tells whether words[i] names the United States: "US", "USA", "U.S.",
// or a lower-case "us" that the question reads as the country: next to "the", "iran",
// "strikes" and the like (see countryBefore).
func isUnitedStates(words []string, i int) bool {
	w := strings.TrimSuffix(words[i], ".")
	switch {
	case w == "US" || w == "USA" || strings.EqualFold(w, "u.s") || strings.EqualFold(w, "u.s.a"):
		return true
	case strings.EqualFold(w, "us"):
		if w != "us" {
			return true // "Us" opening a sentence, "uS": written as a name
		}
		return i > 0 && countryBefore[strings.ToLower(words[i-1])] || i+1 < len(words) && countryAfter[strings.ToLower(strings.TrimSuffix(words[i+1], "."))]
	}
	return false
}

// wordConcept is the concept of one analysed term: the term, a spelling correction when
// the corpus lacks it (for a correctly spelled English word, only another form of the
// same word: "uneasy" is "unease", "weather" is not "water"), and its synonyms.
func (ix *Index) wordConcept(surface, term string) concept {
	c := concept{surface: surface}
	c.alts = append(c.alts, alternative{key: term, weight: 1})
	if m := lettersDigits.FindStringSubmatch(term); m != nil {
		// "ir6", "pd1", "u235": the corpus writes "IR-6", "PD-1", "U-235", two terms.
		c.alts = append(c.alts, alternative{key: m[1] + " " + m[2], text: m[1] + " " + m[2], phrase: true, weight: 1})
	}
	if ix.vocab.df[term] == 0 && ix.weights.correction > 0 {
		english := isEnglishWord(surface)
		for _, fixed := range ix.vocab.related(term) {
			if english && !sameWord(term, fixed) {
				continue // "weather" is spelled right: it is not "water"
			}
			if ix.commonTerm(fixed) {
				continue // "saudi" is not "studi", in a tenth of 200,000 passages
			}
			c.alts = append(c.alts, alternative{key: fixed, text: fixed, weight: ix.weights.correction, correction: true})
			for _, a := range ix.synonymAlternatives(fixed) {
				a.correction = true
				c.alts = append(c.alts, a)
			}
		}
	}
	// "bomb" stems as "bombing" does, but is not one of its synonyms.
	if term != ix.key(surface) || ix.synonyms.wordHas(term, surface) {
		c.alts = append(c.alts, ix.synonymAlternatives(term)...)
	}
	c.alts = append(c.alts, ix.lexicalAlternatives(term, c.alts)...)
	return c
}

// synonymAlternatives are the synonyms of a key, as alternatives.
func (ix *Index) synonymAlternatives(key string) []alternative {
	var out []alternative
	if ix.weights.synonym <= 0 {
		return nil
	}
	for _, s := range ix.synonyms.lookup(key) {
		k := ix.key(s)
		if k == "" || k == key || ix.commonTerm(k) && !ix.commonTerm(key) {
			continue // a common form of a rarer term costs a search of a large share of the passages
		}
		out = append(out, alternative{key: k, text: s, phrase: strings.Contains(k, " "), weight: ix.weights.synonym})
	}
	return out
}

// conceptWeight is the weight of a concept in the relevance floor: the idf of its first
// form the corpus has (the word itself, else its correction or a synonym), or the largest
// idf when the corpus has none of them; whether the corpus has one; and whether it has
// the concept only as spelling corrections (a word of the lexicon is none).
func (ix *Index) conceptWeight(c concept) (float64, bool, bool) {
	weight, found, corrected, spelled := ix.vocab.idf(""), false, true, false
	for _, a := range c.alts {
		idf, known := 0.0, true
		for _, t := range strings.Fields(a.key) {
			if ix.vocab.df[t] == 0 {
				known = false
				break
			}
			idf = max(idf, ix.vocab.idf(t))
		}
		if !known {
			continue
		}
		if !found {
			weight, found = idf, true
		}
		if a.lexical {
			continue // another word, not another spelling: never shown as a correction
		}
		spelled = true
		corrected = corrected && a.correction
	}
	return weight, found, spelled && corrected
}

// definitionTarget returns the glossary entry a "what is X" question asks for, or nil.
func (ix *Index) definitionTarget(q string) *glossaryEntry {
	if len(ix.glossary) == 0 {
		return nil
	}
	s := tidyQuestion(q)
	var subjects []string
	for _, re := range definitionPatterns {
		if m := re.FindStringSubmatch(s); m != nil {
			subjects = append(subjects, m[1])
		}
	}
	if len(strings.Fields(s)) <= 5 {
		subjects = append(subjects, s)
	}
	for _, subj := range subjects {
		if e := ix.glossaryTerm(subj); e != nil {
			return e
		}
		if e := ix.glossaryByKey(ix.correctKey(subj)); e != nil {
			return e // "what is enrichement"
		}
	}
	return nil
}

// correctKey is the key of a term with each misspelled word of it corrected to the
// corpus's closest term ("grosi" is "grossi"), for the glossary rule; "" when no word was.
func (ix *Index) correctKey(term string) string {
	var parts []string
	changed := false
	for _, w := range wordPattern.FindAllString(term, -1) {
		for _, t := range strings.Fields(ix.key(w)) {
			if ix.vocab.df[t] == 0 && utf8.RuneCountInString(w) >= minCorrected && !isEnglishWord(w) {
				if fixed := ix.vocab.correct(t); fixed != "" {
					t, changed = fixed, true
				}
			}
			parts = append(parts, t)
		}
	}
	if !changed {
		return ""
	}
	return strings.Join(parts, " ")
}

// normalizeQuestion cuts a question to maxQuestion runes of valid UTF-8 and folds
// apostrophes.
func normalizeQuestion(q string) string {
	q = strings.ToValidUTF8(q, " ")
	if utf8.RuneCountInString(q) > maxQuestion {
		q = string([]rune(q)[:maxQuestion])
		if i := strings.LastIndexAny(q, " \t\n"); i > 0 {
			q = q[:i] // not in the middle of a word
		}
	}
	return strings.NewReplacer("‘", "'", "’", "'", "`", "'").Replace(q)
}

// leaves are the searches of a concept: each alternative on the text, the section, the
// title and the taught questions, with its boosts.
func (c concept) leaves(w weights) []query.Query {
	var leaves []query.Query
	cheap := slices.ContainsFunc(c.alts, func(a alternative) bool { return !a.costly })
	for i, a := range c.alts {
		if a.costly && (cheap || i > 0) {
			continue // a concept of costly phrases alone is searched by its first, in the text
		}
		for _, f := range []struct {
			name  string
			boost float64
		}{{fieldText, 1}, {fieldSection, w.section}, {fieldTitle, w.title}, {fieldTaught, w.taught}} {
			if f.name == fieldTaught && f.boost <= 0 || a.costly && f.name != fieldText {
				continue
			}
			w := a.weight
			if a.metaWeight > 0 && f.name != fieldText {
				w = a.metaWeight
			}
			var q query.Query
			if a.phrase {
				pq := bleve.NewMatchPhraseQuery(a.text)
				pq.SetField(f.name)
				pq.Analyzer = analyzerName
				pq.SetBoost(w * f.boost)
				q = pq
			} else {
				tq := bleve.NewTermQuery(a.key)
				tq.SetField(f.name)
				tq.SetBoost(w * f.boost)
				q = tq
			}
			leaves = append(leaves, q)
		}
	}
	return leaves
}

// rarestCommon is, when every word of the question that the corpus has is common (see
// commonPassages), the search for the rarest of them; else nil. The search by words then
// finds most of the corpus, and a search by date must read the date of every passage it
// finds: holding the rarest word bounds it (at 200,000 passages, from 160,000 passages
// read to 10,000).
func (p plan) rarestCommon(w weights) query.Query {
	best := -1
	for i, c := range p.concepts {
		if c.date || !c.known {
			continue
		}
		if !c.common {
			return nil
		}
		if best < 0 || c.df < p.concepts[best].df {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(p.concepts[best].leaves(w)...)
}

// bleveQuery builds the search from a plan: one disjunction of leaf queries, each
// alternative of each concept on the text, the section and the title, boosts on the
// leaves (bleve ignores boosts on compound queries). A quoted phrase must match.
func (p plan) bleveQuery(w weights) query.Query {
	var should, must []query.Query
	rare := false // a word of the question is not common
	least := 0    // when none is, the passages of the rarest
	for _, c := range p.concepts {
		rare = rare || !c.common && c.known && !c.date
		if c.common && (least == 0 || c.df < least) {
			least = c.df
		}
	}
	for _, c := range p.concepts {
		if c.common && (rare || c.df > commonSpread*least) {
			continue
		}
		if c.date {
			// Timelines are searched; a dated passage elsewhere counts in the rerank
			// (matchPassage), as a year query over every passage costs too much.
			tl := bleve.NewTermQuery(corpus.KindTimeline)
			tl.SetField(fieldKind)
			should = append(should, tl)
			continue
		}
		leaves := c.leaves(w)
		should = append(should, leaves...)
		if c.quoted && len(c.alts) > 0 {
			must = append(must, bleve.NewDisjunctionQuery(leaves...))
		}
	}
	for _, a := range p.feedback {
		tq := bleve.NewTermQuery(a.key)
		tq.SetField(fieldText)
		tq.SetBoost(a.weight)
		should = append(should, tq)
	}
	dis := bleve.NewDisjunctionQuery(should...)
	if len(must) == 0 {
		return dis
	}
	return query.NewBooleanQuery(must, []query.Query{dis}, nil)
}
