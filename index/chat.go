package index

import (
	"regexp"
	"strings"
)

// How members write in a chat channel, read apart from what they ask about: the words
// of chat ("whats", "rn", "lol", "bro"), the greetings and asides that open or close a
// question ("hey bot,", "quick question:", "… again"), and the requests the bot cannot
// do ("write me a poem about Fordow").

// chatWords are words of chat that are never concepts of a question: the short forms of
// question words, fillers, slang, and the words of asking the bot. (The analyzer drops
// the English stop words already; filler holds the words of asking that tidy questions
// use.)
var chatWords = map[string]bool{
	"whats": true, "wats": true, "wat": true, "whos": true, "who's": true, "hows": true,
	"how's": true, "wheres": true, "where's": true, "whens": true, "whys": true,
	"even": true, "rn": true, "tbh": true, "ngl": true, "fr": true, "idk": true, "imo": true,
	"imho": true, "btw": true, "bro": true, "dude": true, "yo": true, "sup": true, "again": true,
	"also": true, "u": true, "ur": true, "r": true, "ya": true, "lmao": true, "omg": true,
	"wtf": true, "asap": true, "quick": true, "question": true, "questions": true,
	"help": true, "understand": true, "eli5": true, "im": true, "i'm": true,
	"gonna": true, "wanna": true, "let": true, "cant": true,
	"can't": true, "tho": true, "though": true, "nah": true, "thats": true, "that's": true,
	"honestly": true, "basically": true, "literally": true, "totally": true, "ever": true,
	"summary": true, "summarise": true, "summarize": true, "tldr": true, "overview": true,
	"idea": true, "confused": true, "anybody": true, "please": true,
	"thank": true, "thx": true, "ty": true, "gm": true, "good": true, "morning": true,
	"friend": true, "friends": true, "true": true, "stands": true, "stood": true, "evening": true, "afternoon": true, "like": true, "kinda": true, "sorta": true,
}

// contentWords counts the words of a question that are neither chat nor filler: "who is
// raisi" has one, as "raisi" has.
func contentWords(words []string) int {
	n := 0
	for _, w := range words {
		if !isChatWord(strings.ToLower(strings.TrimSuffix(w, "."))) {
			n++
		}
	}
	return n
}

// rareConcept tells whether a concept's first form the corpus has (the word, else its
// correction or synonym) is in at most bareShare of the passages. A form of several
// words ("b 2" for "b2s") is in at most as many passages as its rarest word.
func (ix *Index) rareConcept(c concept) bool {
	for _, a := range c.alts {
		df := ix.vocab.df[a.key]
		if df == 0 && strings.Contains(a.key, " ") {
			for _, t := range strings.Fields(a.key) {
				if d := ix.vocab.df[t]; d > 0 && (df == 0 || d < df) {
					df = d
				}
			}
		}
		if df > 0 {
			return float64(df) <= bareShare*float64(ix.vocab.docs)
		}
	}
	return false
}

// bareShare is the share of the passages a word may be in for a short chat question
// naming it alone to be answered as the word alone is ("who is raisi").
const bareShare = 0.05

// chatTypo tells whether a word the corpus lacks is a form of a chat word ("helped") or
// a chat word or filler mistyped ("waht", "whta"): one edit from one of four letters or
// more.
func (ix *Index) chatTypo(w string) bool {
	k := ix.key(w)
	if ix.vocab.df[k] > 0 {
		return false
	}
	if isChatWord(k) {
		return true // "helped", which the corpus lacks, is "help"
	}
	r := []rune(w)
	if len(r) < 4 || isEnglishWord(w) {
		return false
	}
	var rows editRows
	for _, words := range []map[string]bool{filler, chatWords} {
		for f := range words {
			if len(f) >= 4 && rows.distance(r, []rune(f), 1) <= 1 {
				return true
			}
		}
	}
	return false
}

// isChatWord tells whether a lower-case word of a question is filler or chat.
func isChatWord(w string) bool { return filler[w] || chatWords[w] }

// chatOpening matches what opens a question in chat before the question itself:
// greetings, addressing the bot, asides ("ok so", "bro", "quick question:", "idk"),
// repeated.
var chatOpening = regexp.MustCompile(`^(?:(?:hey|hi|hello|yo|sup|ok|okay|so|and|also|bro|dude|thanks|thank you|thx|ty|good (?:morning|evening|afternoon)|gm|bot|quick question|question|idk|imo[^,]*?but|ngl|pls|please|um|uh|well|wait|btw|lol|tldr(?: on)?|eli5|explain like i'?m 5|(?:my|a) (?:friend|dad|mum|mom|brother|sister|teacher|colleague|buddy|cousin) (?:says|said|told me|thinks|claims)(?: that)?|someone (?:says|said|told me)(?: that)?|i (?:heard|read)(?: somewhere)? that)\b[\s,!:.;-]*)+`)

// chatAsk matches the ways of asking the bot that stand for "tell me about": "can you
// tell me", "do you know", "help me understand", "give me info on".
var chatAsk = regexp.MustCompile(`^(?:(?:can|could|would) (?:you|u) (?:pls |please )?(?:tell me|explain|describe|give me a summary of|summari[sz]e)|(?:pls |please )?tell me|do (?:you|u) know|help me understand|i want to know(?: about)?|give me (?:info|information|details|sources|links|articles|references) (?:on|about|for)|show me what you have on|need info (?:on|about))\s+`)

// chatClosing matches what closes a question in chat: "lol", "again", "even", "rn",
// "pls", a trailing aside.
var chatClosing = regexp.MustCompile(`(?:[\s,]+(?:lol|lmao|again|even|rn|pls|plz|please|exactly|tbh|fr|actually|though|tho|asap|right now|then|bro|thanks|thx|is (?:that|this|it) (?:true|right|correct)|\?+|!+))+$`)

// whatForms are the chat spellings of "what is" and "who is".
var whatForms = strings.NewReplacer(
	"whats ", "what is ", "wats ", "what is ", "wat is ", "what is ", "what even is ", "what is ",
	"wtf is ", "what is ", "what actually is ", "what is ", "what exactly is ", "what is ",
	"whos ", "who is ", "who's ", "who is ", "waht ", "what ", "whta ", "what ", "hwat ", "what ",
	"wht ", "what ",
)

// standsForLast reads "jcpoa stands for what" as "what does jcpoa stand for".
var standsForLast = regexp.MustCompile(`^(.+?) (?:stands|stand) for what$`)

// whoIsLast reads "who araghchi is" (after "do you know") as "who is araghchi".
var whoIsLast = regexp.MustCompile(`^(who|what) (.+?) (is|are|was|were)$`)

// tidyQuestion reads a chat question as a tidy one, for the glossary rule: lower case,
// without the greeting or aside that opens it, the chat spelling of "what is", or the
// "lol" or "rn" that closes it ("hey bot whats the npt lol" is "what is the npt").
func tidyQuestion(q string) string {
	s := strings.ToLower(strings.Join(strings.Fields(q), " "))
	s = strings.TrimRight(s, "?!. ")
	for range 3 {
		before := s
		s = chatOpening.ReplaceAllString(s, "")
		if m := chatAsk.FindString(s); m != "" {
			s = "tell me about " + strings.TrimPrefix(s[len(m):], "about ")
			if t := strings.TrimPrefix(s, "tell me about "); strings.HasPrefix(t, "what ") || strings.HasPrefix(t, "who ") {
				s = t
			}
		}
		s = chatClosing.ReplaceAllString(s, "")
		s = strings.TrimRight(s, "?!. ")
		if s == before {
			break
		}
	}
	s = whatForms.Replace(s + " ")
	s = strings.TrimSpace(s)
	if m := standsForLast.FindStringSubmatch(s); m != nil {
		s = "what does " + m[1] + " stand for"
	}
	if m := whoIsLast.FindStringSubmatch(s); m != nil {
		s = m[1] + " " + m[3] + " " + m[2]
	}
	return s
}

// requestPattern recognises a request the bot cannot do: to write, translate, remind,
// summarise the news, draw or predict, to give an opinion, or to play.
var requestPattern = regexp.MustCompile(`(?i)^(?:(?:can|could|would|will) (?:you|u) (?:pls |please )?|(?:pls|please) |hey bot,? |bot,? )?(?:write|compose|draft|translate|remind|set a reminder|summari[sz]e (?:the |today'?s |todays |this week'?s )?news|give me (?:a|the) news|draw|make (?:a|me a) (?:meme|picture|image|map|song|poem)|generate (?:an?|some) |sing|play (?:a|some)|roleplay|pretend|predict|summari[sz]e (?:the whole|everything|all of)|who (?:will|is going to|'?s going to) win|tell (?:me )?a joke|(?:do|what do) you think|give me your opinion|what'?s your (?:opinion|view|take)|dm me|send (?:this|it) to|ban )\b`)

// todayNewsPattern recognises a question about today's news, which the corpus, a curated set
// of documents, does not follow day by day.
var todayNewsPattern = regexp.MustCompile(`(?i)\b(?:in the news today|news (?:today|summary)|today'?s news|todays news|news for this week|headlines today)\b`)

// opinionPattern recognises a question that asks for a judgement: "should the us bomb
// iran again", "is israel right to strike iran".
var opinionPattern = regexp.MustCompile(`(?i)^(?:should (?:the |we |they |he |she |iran|israel|america|us\b|trump)|(?:is|was|are|were) (?:\S+ ){1,3}(?:right|wrong) to\b)`)

// aboutBotPattern recognises a question about the bot itself ("what can you do", "who
// made you", "what's your name", "are you a bot") or a message that tries it ("test").
var aboutBotPattern = regexp.MustCompile(`(?i)^(?:what (?:else )?can (?:you|u) do|who (?:made|built|created|wrote|programmed) (?:you|u)|what(?:'s| is|s) (?:your|ur) (?:name|purpose|job)|(?:are|r) (?:you|u) (?:a |an )?(?:bot|real|human|person|chatgpt|ai|robot|alive)|how do (?:you|u) work|(?:test|testing|ping)(?: \d+)?$)\b`)

// howToPattern recognises a question that asks how the asker is to do something ("how do
// i enrich uranium at home", "how to bake bread"): sources on the standoff give no
// instructions. Its last group is the verb: "how do i know", "tell", "find out",
// "understand" ask about the standoff, and stay questions (howToAsks).
var howToPattern = regexp.MustCompile(`(?i)^(?:how (?:do|can|could|should|would) (?:i|u) |how to )(\w+)`)

// howToAsks are the verbs of a "how do i …" that ask about the standoff, not how to do a
// thing.
var howToAsks = map[string]bool{"know": true, "tell": true, "find": true, "understand": true, "follow": true, "check": true, "verify": true, "read": true, "say": true, "pronounce": true, "spell": true}

// requestNote is what the bot says to a request it cannot do: what it does instead.
const requestNote = "I cannot do that: I only quote passages of the corpus, word for word, with their source and date. Ask me a question about the standoff instead, such as \"what is snapback?\" or \"when did the US strike Fordow?\"."

// isRequest tells whether a question asks the bot to do what it cannot (write, translate,
// remind, summarise the news, judge who is right, tell the asker how to do a thing) or
// asks about the bot itself: the answer to both is what the bot does.
func isRequest(question string) bool {
	s := tidyRequest(question)
	if m := howToPattern.FindStringSubmatch(s); m != nil && !howToAsks[strings.ToLower(m[1])] {
		return true
	}
	return requestPattern.MatchString(s) || todayNewsPattern.MatchString(s) || aboutBotPattern.MatchString(s) || opinionPattern.MatchString(s)
}

// tidyRequest is a question without its greeting, for isRequest.
func tidyRequest(q string) string {
	s := strings.ToLower(strings.Join(strings.Fields(q), " "))
	return chatOpening.ReplaceAllString(s, "")
}
