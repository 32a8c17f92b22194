package index

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff"
)

// TestChatWordsAreNotConcepts: a question asked in chat ("whats", "rn", "lol", "hey
// bot", "can you tell me") is answered as its tidy form is, with the same first passage,
// and none of its chat words is a concept.
func TestChatWordsAreNotConcepts(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	ctx := context.Background()
	pairs := []struct{ chat, tidy string }{
		{"whats the e3", "what is the e3"},
		{"whats snapback", "what is snapback"},
		{"wats snapback even", "what is snapback"},
		{"whats the snapback", "what is snapback"},
		{"jcpoa stands for what", "what does jcpoa stand for"},
		{"what does jcpoa stand for again", "what does jcpoa stand for"},
		{"what is enrichment?", "enrichment"},
		{"what is the NPT?", "NPT"},
		{"hey bot whats the npt lol", "NPT"},
		{"can you tell me what snapback is", "what is snapback"},
		{"do you know who araghchi is", "who is araghchi"},
		{"bro what is the jcpoa", "what is the jcpoa"},
		{"ok and who is vance", "who is vance"},
		{"waht is the jcpoa", "what is the jcpoa"},
		{"who is raisi", "raisi"},
		{"how many b2s were used", "how many b2s"},
		{"give me sources on fordow", "what is fordow"},
	}
	for _, tt := range pairs {
		chat, err := ix.Answer(ctx, standoff.Request{Question: tt.chat})
		if err != nil {
			t.Fatal(err)
		}
		tidy, err := ix.Answer(ctx, standoff.Request{Question: tt.tidy})
		if err != nil {
			t.Fatal(err)
		}
		if !tidy.Answered || len(tidy.Results) == 0 {
			t.Fatalf("%q is not answered; the test needs it answered", tt.tidy)
		}
		if !chat.Answered || len(chat.Results) == 0 || chat.Results[0].Doc != tidy.Results[0].Doc || chat.Results[0].Paragraph != tidy.Results[0].Paragraph {
			t.Errorf("%q: answered %v, first %s; want it answered as %q is, with %s#%d", tt.chat, chat.Answered, first(chat), tt.tidy, tidy.Results[0].Doc, tidy.Results[0].Paragraph)
		}
	}
	// "used" and "using" stem as "US" does: as words of asking they name nothing.
	for _, q := range []string{"whats actually happened at natanz rn tbh", "ngl can you even tell me about fordow lol", "my friend says natanz is that true", "what was used at fordow", "what is being used at natanz"} {
		for _, c := range ix.readQuestion(q).concepts {
			if c.date {
				continue
			}
			if w := strings.ToLower(c.surface); w != "natanz" && w != "fordow" {
				t.Errorf("%q: %q is a concept; only the site should be", q, c.surface)
			}
		}
	}
}

func first(a standoff.Answer) string {
	if len(a.Results) == 0 {
		return "none"
	}
	return a.Results[0].Doc + "#" + strings.TrimSpace(a.Results[0].BestSentence)
}

// TestSynonymsMatchWholeTerms: a word stands for a synonym group only when it is one of
// its terms as written, not when it shares a stem with one: "bomb" is not "bombing" (the
// strike group), "using" is not "US".
func TestSynonymsMatchWholeTerms(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	has := func(q, word, key string) bool {
		for _, c := range ix.readQuestion(q).concepts {
			if !strings.EqualFold(c.surface, word) {
				continue
			}
			for _, a := range c.alts {
				if a.key == key {
					return true
				}
			}
		}
		return false
	}
	for _, tt := range []struct {
		question, word, key string
		want                bool
	}{
		{"how enriched does uranium need to be for a bomb", "bomb", ix.key("airstrike"), false},
		{"who ordered the bombing of fordow", "bombing", ix.key("airstrike"), true},
		{"did the us bomb iran again this year", "bomb", ix.key("airstrike"), true},
		{"when did iran tell the iaea about fordow", "tell", ix.key("informed"), true},
		{"when did khamenei die", "die", ix.key("killed"), true},
		{"is khamenei dead", "dead", ix.key("killed"), true},
		{"when did israel bomb natanz", "bomb", ix.key("airstrike"), true},
		{"could a bomb the size of fordow's exist", "bomb", ix.key("airstrike"), false},
		{"how many strikes hit natanz", "strikes", ix.key("attack"), true},
		{"what centrifuges is iran using", "using", ix.key("america"), false},
		{"what did the US do", "US", ix.key("america"), true},
		{"would iran water down its stockpile", "water", ix.key("dilute"), true},
		{"is iran cheating on the deal", "cheating", ix.key("violate"), true},
		{"who runs the us nuclear command", "runs", ix.key("expire"), false},
		{"what caps did the accord put on tehran", "caps", ix.key("limit"), true},
		{"which parts of the deal are still in force", "force", ix.key("implementation"), false},
		{"when did the war in 2026 start", "war", ix.key("ceasefire"), false},
		{"did iran hit back", "hit back", ix.key("retaliate"), true},
	} {
		if got := has(tt.question, tt.word, tt.key); got != tt.want {
			t.Errorf("%q: %q stands for %q: %v, want %v", tt.question, tt.word, tt.key, got, tt.want)
		}
	}
	// What members asked: the enrichment a bomb needs is not the June 2025 airstrikes.
	ans, err := ix.Answer(context.Background(), standoff.Request{Question: "how enriched does uranium need to be for a bomb", K: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ans.Results {
		if strings.Contains(r.Section, "Midnight Hammer") || strings.Contains(r.Text, "bunker-busting") {
			t.Errorf("a bomb's enrichment is answered with the airstrikes: %s", first(ans))
		}
	}
}

// TestWordsMembersUseForTheWar: the end of a war is its ceasefire, and hitting back is
// retaliating, as members ask and as the passages say.
func TestWordsMembersUseForTheWar(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	for _, tt := range []struct{ question, want string }{
		{"when did the war end", "ceasefire"},
		{"did iran retaliate", "retaliated"},
		{"did iran hit back", "retaliat"},
	} {
		ans := ask(t, ix, tt.question, 3)
		found := false
		for _, r := range ans.Results {
			found = found || strings.Contains(r.Text, tt.want) && strings.HasPrefix(r.Date, "202")
		}
		if !ans.Answered || !found {
			t.Errorf("%q: no dated passage saying %q in the first three: %s", tt.question, tt.want, first(ans))
		}
	}
}

// TestEnglishWordsAreNotCorrected: a correctly spelled English word the corpus lacks is
// not read as a corpus word one letter away ("weather" as "water", "leading" as
// "leaving", "iron" as "Iran"), while misspellings still are, and the answer says how it
// read them.
func TestEnglishWordsAreNotCorrected(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	ctx := context.Background()
	for _, q := range []string{"what's the weather in tehran", "what is the iron dome", "who is leading the talks", "iran nuke deal status"} {
		for _, c := range ix.readQuestion(q).concepts {
			if c.corrected {
				t.Errorf("%q: %q is corrected; it is spelled right", q, c.surface)
			}
			for _, a := range c.alts {
				if a.correction && !sameWord(c.alts[0].key, a.key) {
					t.Errorf("%q: %q read as %q", q, c.surface, a.key)
				}
			}
		}
		ans, err := ix.Answer(ctx, standoff.Request{Question: q})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Corrected != "" {
			t.Errorf("%q: shown as %q", q, ans.Corrected)
		}
	}
	for _, tt := range []struct{ question, corrected string }{
		{"who is grosi", "who is Grossi"},
		{"centrifuge cascaed", "centrifuge cascade"},
		{"Natans enrichment plant", "Natanz enrichment plant"},
	} {
		ans, err := ix.Answer(ctx, standoff.Request{Question: tt.question})
		if err != nil {
			t.Fatal(err)
		}
		if !ans.Answered || ans.Corrected != tt.corrected {
			t.Errorf("%q: answered %v, corrected %q; want answered, %q", tt.question, ans.Answered, ans.Corrected, tt.corrected)
		}
	}
	if !isEnglishWord("Weather") || isEnglishWord("grosi") {
		t.Error("the English word list is not read")
	}
}

// TestRequestsAreToldWhatTheBotDoes: a request the bot cannot do (write, translate,
// remind, summarise the news, an opinion, how the asker is to do a thing) or a question about the bot itself is not
// answered from the corpus, though it names the corpus's terms; the answer says what the
// bot does instead. A question that merely starts like one is answered.
func TestRequestsAreToldWhatTheBotDoes(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	ctx := context.Background()
	for _, q := range []string{
		"write me a poem about fordow", "can you translate the jcpoa into farsi",
		"remind me when the next iaea report comes out", "summarise the news about iran today",
		"what's in the news today about iran", "do you think iran should have nukes",
		"hey bot, draw a map of iran's nuclear sites", "who made you", "test",
		"should the us bomb iran again", "is israel right to strike iran",
		"how do i enrich uranium at home", "how to build a centrifuge",
		"who will win the next iranian election", "summarize the whole conflict in 3 sentences",
	} {
		ans, err := ix.Answer(ctx, standoff.Request{Question: q})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Answered || len(ans.Results) != 0 || ans.Request != requestNote {
			t.Errorf("%q: answered %v, %d results, request %q; want the request note alone", q, ans.Answered, len(ans.Results), ans.Request)
		}
	}
	for _, q := range []string{"who wrote resolution 2231", "when did the e3 write to the security council", "what is the latest news on snapback", "what should iran do to show good faith",
		"how do i know if iran has a bomb", "how do centrifuges enrich uranium"} {
		ans, err := ix.Answer(ctx, standoff.Request{Question: q})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Request != "" {
			t.Errorf("%q is read as a request", q)
		}
	}
}

// TestCountriesAreNames: a country the corpus does not cover, named in lower case as
// members write it, is another story, though the English word list has "japan" and
// "turkey" as nouns; the country's name is not needed for an answer otherwise.
func TestCountriesAreNames(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	for _, tt := range []struct {
		question string
		answered bool
	}{
		{"does japan have enough plutonium to build a bomb", false},
		{"how long would iran need to build a bomb", true},
		{"what did china say about the snapback", true},
	} {
		ans := ask(t, ix, tt.question, 3)
		if ans.Answered != tt.answered {
			t.Errorf("%q: answered %v, want %v (%s)", tt.question, ans.Answered, tt.answered, first(ans))
		}
	}
}

// TestCommonFormsAreNotSearched: in a corpus where "study" and "mediated" are in most
// passages, a name the corpus lacks is not "corrected" to the common word ("saudi" is not
// "studi") and a rarer word is not searched by its common synonym ("broker" by
// "mediated"): both cost a search of most passages and find nothing the question asks.
func TestCommonFormsAreNotSearched(t *testing.T) {
	files := map[string]string{"synonyms.txt": "broker, brokered, mediate, mediated\n"}
	const docs = 4 // a document holds at most 10,000 paragraphs
	for d := range docs {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: Studies %d\nkind: article\n---\n\n", d)
		for i := range commonPassages/docs + 50 {
			fmt.Fprintf(&b, "Study %d was mediated by panel %d.\n\n", i, d)
		}
		files[fmt.Sprintf("studies-%d.md", d)] = b.String()
	}
	files["talks.md"] = "---\ntitle: Talks\nkind: article\n---\n\nOman brokered the talks.\n"
	c := loadFS(t, files)
	ix := openMem(t, c)
	for _, tt := range []struct{ question, word, form string }{
		{"does saudi arabia want enrichment", "saudi", "studi"},
		{"who helped broker the talks", "broker", "mediat"},
	} {
		for _, cpt := range ix.readQuestion(tt.question).concepts {
			if !strings.EqualFold(cpt.surface, tt.word) {
				continue
			}
			for _, a := range cpt.alts {
				if a.key == tt.form {
					t.Errorf("%q: %q is searched as %q, in %d of %d passages", tt.question, tt.word, a.key, ix.vocab.df[a.key], ix.vocab.docs)
				}
			}
		}
	}
}

// TestPercentIsAPercentage: "60%" in a question is found as a percentage, "60%", "60
// percent" or "60 per cent", never as the 60 of "60-day" or "60 votes".
func TestPercentIsAPercentage(t *testing.T) {
	ix := openMem(t, loadFS(t, map[string]string{
		"talks.md": "---\ntitle: Talks\nkind: article\npublished: 2026-06-20\n---\n\n" +
			"The memorandum gives Iran's uranium talks a 60-day timeframe, and 60 envoys attend.\n\n" +
			"Iran holds about 440 kg of uranium enriched to 60 per cent, the agency says.\n\n" +
			"Iran's uranium at 20 percent is another matter.\n",
	}))
	for _, q := range []string{"how much 60% uranium does iran have", "how much 60 percent uranium does iran have"} {
		ans := ask(t, ix, q, 3)
		if !ans.Answered || len(ans.Results) == 0 || !strings.Contains(ans.Results[0].Text, "440 kg") {
			t.Errorf("%q: first %s, want the 440 kg at 60 per cent", q, first(ans))
			continue
		}
		for _, r := range ans.Results {
			for _, m := range r.Matches {
				if got := r.Text[m.Start:m.End]; got == "60" && (strings.HasPrefix(r.Text[m.End:], "-day") || strings.HasPrefix(r.Text[m.End:], " envoys")) {
					t.Errorf("%q: %q highlighted in %q", q, got, r.Text)
				}
			}
		}
	}
}

// TestCostIsWhatIsAsked: asked what something cost, a passage on the thing that gives
// no cost does not answer; asked how many, a passage with the figure still does.
func TestCostIsWhatIsAsked(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	for _, q := range []string{"how much did midnight hammer cost", "how much does a b-2 bomber cost", "how much did the 12 day war cost"} {
		if ans := ask(t, ix, q, 3); ans.Answered {
			t.Errorf("%q answered: %s", q, first(ans))
		}
	}
	if ans := ask(t, ix, "how many ships did the blockade turn back", 3); !ans.Answered {
		t.Errorf("how many ships did the blockade turn back: not answered")
	}
}

// TestOneWordAndIranIsNoAnswer drives the two concepts a passage must hold: Iran, which
// nearly every passage of the corpus names, and a date are no second concept where the
// passage lacks much of the question.
func TestOneWordAndIranIsNoAnswer(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	for _, q := range []string{
		"what language do they speak in iran", // "deterrence is a language", and Iran
		"when did world war one start",        // the 12-day war's dated passage: "war"
	} {
		if ans := ask(t, ix, q, 3); ans.Answered {
			t.Errorf("%q answered: %s", q, first(ans))
		}
	}
	for _, q := range []string{
		"when was fakhrizadeh killed", // a name and a date
		"is iran still in the npt",    // Iran and the NPT: nothing lacking
		"who is iran's president now",
		"when are the next us iran talks",
	} {
		if ans := ask(t, ix, q, 3); !ans.Answered {
			t.Errorf("%q: not answered", q)
		}
	}
}

// TestLettersAndDigitsAsOneWord drives a model's name typed as one word: "ir6" finds the
// corpus's "IR-6", which the analyser reads as two terms.
func TestLettersAndDigitsAsOneWord(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	for q, want := range map[string]string{
		"what are ir6 centrifuges": "IR-6",
		"ir2m":                     "IR-2m",
	} {
		ans := ask(t, ix, q, 3)
		if !ans.Answered || len(ans.Results) == 0 || !strings.Contains(ans.Results[0].Text, want) {
			t.Errorf("%q: answered %v, first %s; want a passage on the %s", q, ans.Answered, first(ans), want)
		}
	}
}
