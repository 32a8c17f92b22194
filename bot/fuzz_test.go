package bot

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/standoff-bot/standoff"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus"
)

// pingRe matches a user, member or role mention that Discord would turn into a ping.
var pingRe = regexp.MustCompile(`<@[!&]?\d+>`)

// checkNoPing fails when text holds a mention that could ping, were allowed_mentions
// ever wrong: @everyone, @here, <@id>, <@!id> or <@&id>.
func checkNoPing(t *testing.T, where, text string) {
	t.Helper()
	if strings.Contains(text, "@everyone") || strings.Contains(text, "@here") || pingRe.MatchString(text) {
		t.Fatalf("%s could ping: %q", where, text)
	}
}

// checkRendered checks m in every form the bot sends it: within Discord's limits, with
// allowed_mentions that parse nothing, and with no mention that could ping in its
// content, embed titles and descriptions.
func checkRendered(t *testing.T, m message) {
	t.Helper()
	forms := map[string]any{
		"interaction response": m.responseData(),
		"edit":                 m.webhookEdit(),
		"follow-up":            m.webhookParams(),
		"channel message":      m.messageSend(&discordgo.MessageReference{MessageID: "1", ChannelID: "2"}),
	}
	for name, form := range forms {
		raw, err := json.Marshal(form)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if probs := discordtest.CheckMessage(raw); len(probs) > 0 {
			t.Fatalf("%s breaks Discord's rules: %v\n%s", name, probs, raw)
		}
	}
	if !utf8.ValidString(m.Content) {
		t.Fatalf("content is not UTF-8: %q", m.Content)
	}
	checkNoPing(t, "content", m.Content)
	for i, e := range m.Embeds {
		checkNoPing(t, "embed title", e.Title)
		checkNoPing(t, "embed description", e.Description)
		if !utf8.ValidString(e.Description) || !utf8.ValidString(e.Title) {
			t.Fatalf("embed %d is not UTF-8: %q %q", i, e.Title, e.Description)
		}
	}
}

// FuzzRender renders arbitrary answers — passage text, highlighting, titles, addresses,
// questions, suggestions, offsets, the sharer's name — and checks every message against
// Discord's limits and for pings, and that the question reads back from the answer, as
// the buttons need. CI replays the seeds in testdata/fuzz/FuzzRender; run it longer with
//
//	go test -fuzz FuzzRender -fuzztime 5m ./bot/
func FuzzRender(f *testing.F) {
	f.Add("what is breakout time?", "Breakout time is the time needed. It is short.", "**Breakout** **time** is the time needed. It is short.",
		"It is short.", "Glossary", "glossary", "Breakout time", "ACA", "https://example.org/a", "https://example.org/a#:~:text=It", "enrichment|JCPOA", 0, uint8(3), false, true, "")
	f.Add("@everyone <@123> @here", "ping @everyone and <@!42> and <@&7> and @here https://x.org/@everyone", "", "", "@here", "d", "", "", "https://x.org/@here", "", "", 4, uint8(12), true, false, "@everyone")
	f.Add(strings.Repeat("long question ", 40), strings.Repeat("word ", 2000), strings.Repeat("**word** ", 2000), "", strings.Repeat("T", 300), strings.Repeat("d", 300),
		strings.Repeat("s", 300), strings.Repeat("p", 300), "http://"+strings.Repeat("a", 600)+".org", "", strings.Repeat("x", 120)+"|"+strings.Repeat("y", 99), 9990, uint8(1), true, true, strings.Repeat("n", 100))
	f.Add("# heading\n> quote", "*not bold* _x_ `code` ||spoiler|| [link](https://a.b) 1. item\n- list\n\\", "**", "_x_", "[t](u)", "a/b", "§", "", "javascript:alert(1)", "", "", 0, uint8(0), false, false, "")
	f.Add("日本語の質問", "🙂🙂🙂 \u200b\u202e text\r\nmore", "🙂🙂🙂 \u200b\u202e **text**\r\nmore", "more", "é", "é", "é", "é", "https://é.org", "", "é", 1, uint8(2), false, true, "é")

	split := corpus.NewSplitter().Split
	f.Fuzz(func(t *testing.T, question, text, highlighted, best, title, doc, section, publisher, url, link, suggestions string,
		offset int, n uint8, private, more bool, sharedBy string) {
		// Every text reaches the bot as UTF-8: from Discord through JSON, which replaces
		// invalid bytes, or from the corpus, which refuses documents that are not UTF-8.
		// Texts are bounded too: passages are cut at about 700 characters, and Discord
		// bounds what members type; 8 KB is well past both.
		for _, s := range []*string{&question, &text, &highlighted, &best, &title, &doc, &section, &publisher, &url, &link, &suggestions, &sharedBy} {
			if len(*s) > 8<<10 {
				*s = (*s)[:8<<10]
			}
			*s = strings.ToValidUTF8(*s, "\uFFFD")
		}
		q := cutQuestion(question)
		if q == "" {
			return // the bot answers an empty question with a hint, not an answer
		}
		offset = max(0, offset%10_001)
		results := make([]standoff.Result, int(n)%13)
		for i := range results {
			results[i] = standoff.Result{
				Rank: offset + i + 1, Doc: doc, Title: title, Section: section, Paragraph: i,
				Publisher: publisher, Published: publisher, URL: url, Link: link,
				Text: text, Highlighted: highlighted, BestSentence: best,
				// Spans from anywhere: the renderer shows those within the text only.
				Emphasis: []standoff.Span{{Start: offset % 97, End: offset%97 + int(n)}, {Start: int(n), End: len(text)}},
				Best:     standoff.Span{Start: strings.Index(text, best), End: strings.Index(text, best) + len(best)},
				Kind:     []string{"glossary", "timeline", "article"}[i%3],
				Sources:  []standoff.Source{{Title: title, Publisher: publisher, Published: best, URL: url}, {Title: section, URL: link}},
			}
		}
		// Every other answer is closest passages.
		ans := standoff.Answer{Question: q, Answered: len(results) > 0 && n%2 == 0, Results: results, More: more}
		ans.Closest = len(results) > 0 && !ans.Answered
		if len(results) > 0 {
			checkRendered(t, renderFull(results[0], split))
		}
		if len(results) == 0 {
			ans.Suggestions = strings.Split(suggestions, "|")
		}
		for _, kind := range []questionKind{kindAsk, kindFind} {
			v := view{Kind: kind, Question: q, Answer: ans, Offset: offset, Private: private, SharedBy: sharedBy}
			if !private {
				v.Asker = "700000000000000001"
			}
			m := renderAnswer(v, split)
			checkRendered(t, m)
			if len(results) == 0 && offset > 0 {
				continue // "no more passages": a notice, without the question
			}
			gotKind, got, ok := parseQuestion(m.Content)
			if !ok || gotKind != kind || got != q && !strings.Contains(q, zeroWidthSpace) {
				t.Fatalf("question %q reads back as %q (kind %d, ok %v) from %q", q, got, gotKind, ok, m.Content)
			}
			for _, row := range m.Components {
				for _, c := range row.(discordgo.ActionsRow).Components {
					btn := c.(discordgo.Button)
					if btn.CustomID == "" {
						continue
					}
					if _, err := parseAction(btn.CustomID); err != nil {
						t.Fatalf("button %q: %v", btn.CustomID, err)
					}
				}
			}
		}
		checkRendered(t, aboutMessage(standoff.Stats{Documents: int(n), Fingerprint: title}, section, offset, int(n)))
		choices := completionChoices(strings.Split(suggestions, "|"))
		if len(choices) > maxChoices {
			t.Fatalf("%d choices", len(choices))
		}
		for _, c := range choices {
			if l := discordtest.Len(c.Name); l < 1 || l > maxChoiceLen {
				t.Fatalf("choice %q of %d characters", c.Name, l)
			}
		}
	})
}
