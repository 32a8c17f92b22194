package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/standoff-bot/standoff"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/bot/discordtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// naiveSplit splits after ". " for tests; the bot gets the corpus's splitter.
func naiveSplit(text string) []string {
	var out []string
	for {
		k := strings.Index(text, ". ")
		if k < 0 {
			if s := strings.TrimSpace(text); s != "" {
				out = append(out, s)
			}
			return out
		}
		out = append(out, strings.TrimSpace(text[:k+1]))
		text = text[k+2:]
	}
}

func TestEscapeMarkdown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a*b*c_d_~e~`f`|g|", `a\*b\*c\_d\_\~e\~` + "\\`f\\`" + `\|g\|`},
		{"# heading\n> quote\n- item\n1. first", "\\# heading\n\\> quote\n\\- item\n1\\. first"},
		{"mid-word #hash 2.5", "mid-word #hash 2.5"},
		{"<@123> [x](y)", `\<@123\> \[x\](y)`},
		{"see https://example.org/a_b.html.", "see https://example.org/a_b.html."},
		{`back\slash`, `back\\slash`},
	} {
		if got := escapeMarkdown(tc.in); got != tc.want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzQuestionRoundTrip(f *testing.F) {
	for _, s := range []string{"what is breakout time?", `a\*b`, "**x**", "1. list", "- a", "http://x.y/_z_", `\`, "<@1> @everyone", "60%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if !utf8.ValidString(q) {
			return
		}
		q = cutQuestion(q)
		if q == "" {
			return
		}
		for _, k := range []questionKind{kindAsk, kindFind} {
			content := questionLine(k, q) + "\n-# more"
			gk, got, ok := parseQuestion(content)
			if !ok || got != q || gk != k {
				t.Fatalf("round trip of %q: got %q %v (kind %v)", q, got, ok, gk)
			}
		}
	})
}

// Spans that do not lie within the text, or cut a character, are never shown.
func TestBoldOf(t *testing.T) {
	text := "Breakout time is the time ménage needs."
	for _, tc := range []struct {
		name  string
		spans []standoff.Span
		want  []string
	}{
		{"terms", []standoff.Span{{Start: 21, End: 25}, {Start: 0, End: 13}}, []string{"Breakout time", "time"}},
		{"overlapping", []standoff.Span{{Start: 0, End: 8}, {Start: 5, End: 13}}, []string{"Breakout time"}},
		{"out of range", []standoff.Span{{Start: -1, End: 3}, {Start: 30, End: 300}, {Start: 5, End: 5}, {Start: 9, End: 2}}, nil},
		{"inside a character", []standoff.Span{{Start: 28, End: 30}, {Start: 26, End: 28}}, nil},
	} {
		var got []string
		for _, sp := range boldOf(standoff.Result{Text: text, Emphasis: tc.spans}) {
			got = append(got, text[sp.start:sp.end])
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: bold %q, want %q", tc.name, got, tc.want)
		}
	}
}

// marked returns the byte ranges of text that highlighted puts between "**", for
// writing a test's spans as text; it panics when the two do not line up.
func marked(text, highlighted string) []standoff.Span {
	var spans []standoff.Span
	i, j, open := 0, 0, -1
	for i < len(highlighted) {
		if strings.HasPrefix(highlighted[i:], "**") {
			if open < 0 {
				open = j
			} else {
				spans = append(spans, standoff.Span{Start: open, End: j})
				open = -1
			}
			i += 2
			continue
		}
		if j >= len(text) || highlighted[i] != text[j] {
			panic(fmt.Sprintf("%q does not mark %q", highlighted, text))
		}
		i++
		j++
	}
	if j != len(text) || open >= 0 {
		panic(fmt.Sprintf("%q does not mark %q", highlighted, text))
	}
	return spans
}

// at returns where sentence stands in text; it panics when it is not there.
func at(text, sentence string) standoff.Span {
	k := strings.Index(text, sentence)
	if k < 0 {
		panic(fmt.Sprintf("%q not in %q", sentence, text))
	}
	return standoff.Span{Start: k, End: k + len(sentence)}
}

func TestMarkup(t *testing.T) {
	text := "Breakout time is short. It was a *year* under the deal."
	bold := []span{{0, 13}}
	under := span{24, len(text)}
	got := markup(text, bold, under)
	want := `**Breakout time** is short. __It was a \*year\* under the deal.__`
	if got != want {
		t.Errorf("markup = %q\nwant     %q", got, want)
	}
	// Bold inside the underlined sentence, and bold spanning its start.
	got = markup("Aa bb. Cc dd.", []span{{3, 9}}, span{7, 13})
	if want := "Aa **bb.** __**Cc** dd.__"; got != want {
		t.Errorf("markup = %q, want %q", got, want)
	}
}

func TestCutText(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"the quick brown fox", 12, "the quick…"},
		{"unbreakableword", 6, "unbre…"},
	} {
		if got := cutText(tc.in, tc.limit); got != tc.want || discordLen(got) > tc.limit {
			t.Errorf("cutText(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
}

func TestRenderPassageCutsAtSentence(t *testing.T) {
	text := strings.Repeat("This is a sentence about enrichment. ", 30) + "Last one."
	r := standoff.Result{Text: text, Emphasis: marked(text, strings.ReplaceAll(text, "enrichment", "**enrichment**")), Best: at(text, "Last one.")}
	got := renderPassage(r, 300, naiveSplit)
	if discordLen(got) > 300 {
		t.Fatalf("len %d > 300", discordLen(got))
	}
	if !strings.HasSuffix(got, "enrichment**. …") {
		t.Errorf("not cut after a sentence with …: %q", got[max(0, len(got)-40):])
	}
	if strings.Count(got, "**")%2 != 0 || strings.Count(got, "__")%2 != 0 {
		t.Errorf("unbalanced markers: %q", got)
	}
	// Without a splitter: cut after a word.
	got = renderPassage(r, 100, nil)
	if !strings.HasSuffix(got, "…") || discordLen(got) > 100 || strings.HasSuffix(got, " …") && false {
		t.Errorf("word cut: %q", got)
	}
	words := strings.Fields(strings.TrimSuffix(got, "…"))
	last := strings.Trim(words[len(words)-1], "*.")
	if !strings.Contains(text, " "+last+" ") && !strings.HasPrefix(text, last) {
		t.Errorf("cut inside a word: %q", last)
	}
}

func TestActionIDs(t *testing.T) {
	for _, a := range []action{{Kind: actPage, Offset: 3}, {Kind: actPage, Offset: 6, Asker: "700000000000000001"}, {Kind: actPost},
		{Kind: actVote, Up: true}, {Kind: actVote}, {Kind: actAsk, Term: "breakout time"}, {Kind: actFull, Offset: 2, Ref: "added/x-y#12"},
		{Kind: actFull, Offset: 1}, {Kind: actDelete, Asker: "700000000000000001"}, {Kind: actDelete}} {
		got, err := parseAction(a.id())
		if err != nil || got != a {
			t.Errorf("parseAction(%q) = %+v, %v", a.id(), got, err)
		}
	}
	for _, bad := range []string{"", "page", "page:x", "page:-1", "page:3:alice", "post:1:2", "full:x", "full:1:", "del:bob", "vote:sideways", "ask:", "zap:1"} {
		if _, err := parseAction(bad); err == nil {
			t.Errorf("parseAction(%q): want an error", bad)
		}
	}
}

func TestPassageRef(t *testing.T) {
	// The footer of answers from before the 📄 buttons, which votes on them still read.
	old := "news/2026-01-ap · ¶ 12 · Talks · Vienna · AP · 2026-01-02"
	if got, ok := passageRef(old); !ok || got != "news/2026-01-ap#12" {
		t.Errorf("passageRef(%q) = %q %v", old, got, ok)
	}
}

func TestCitationLine(t *testing.T) {
	src := []standoff.Source{{Title: "The JCPOA at a glance", Publisher: "Arms Control Association", URL: "https://armscontrol.org/node/7135"}}
	for _, tc := range []struct {
		name     string
		r        standoff.Result
		title    string
		citation string
	}{
		{"glossary", standoff.Result{Doc: "glossary", Title: "Glossary of the standoff", Section: "Breakout time", Paragraph: 1, Kind: "glossary", Sources: src},
			"Breakout time · Glossary", "standoff’s own summary of the sources it cites · date unknown · ¶ 1"},
		{"dated glossary", standoff.Result{Doc: "glossary", Title: "Glossary of the standoff", Section: "Breakout time", Paragraph: 1, Kind: "glossary", Sources: src,
			Published: "2026-07-01", Date: "2026-07-01"},
			"Breakout time · Glossary", "standoff’s own summary of the sources it cites · 1 July 2026 · ¶ 1"},
		{"timeline", standoff.Result{Doc: "timeline", Title: "Timeline", Section: "2025: strikes", Paragraph: 6, Kind: "timeline", Sources: src, Date: "2025-06-22", DateOwn: true},
			"2025: strikes · Timeline", "standoff’s own summary of the sources it cites · dated 22 June 2025 · ¶ 6"},
		{"article", standoff.Result{Doc: "added/2025-05-31-iaea-report", Title: "IAEA report on Iran’s stockpile", Section: "Findings", Paragraph: 3,
			Publisher: "Reuters", Published: "2025-05-31", URL: "https://example.org/r", Kind: "article", Date: "2025-05-31"},
			"IAEA report on Iran’s stockpile", "Reuters · 31 May 2025 · Findings · ¶ 3"},
		{"article with a figure as of", standoff.Result{Doc: "added/2025-05-31-iaea-report", Title: "IAEA report on Iran’s stockpile", Section: "Findings", Paragraph: 3,
			Publisher: "Reuters", Published: "2025-05-31", URL: "https://example.org/r", Kind: "article", Date: "2025-05-17", DateOwn: true},
			"IAEA report on Iran’s stockpile", "Reuters · 31 May 2025 · dated 17 May 2025 · Findings · ¶ 3"},
		{"seed article", standoff.Result{Doc: "iran-us-standoff", Title: "Mistrust and the nuclear deal", Paragraph: 5, Kind: "opinion"},
			"Mistrust and the nuclear deal", "Publisher and address unknown · date unknown · ¶ 5"},
		{"no title", standoff.Result{Doc: "notes", Paragraph: 2, URL: "https://example.org/n"}, "notes", "date unknown · ¶ 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := whatIs(tc.r); got != tc.title {
				t.Errorf("whatIs = %q, want %q", got, tc.title)
			}
			got := citationLine(tc.r)
			if got != tc.citation {
				t.Errorf("citationLine = %q, want %q", got, tc.citation)
			}
			if strings.Contains(got, tc.r.Doc+" ") || strings.Contains(got, "#") {
				t.Errorf("citation shows an internal id: %q", got)
			}
		})
	}
}

func TestSourcesLine(t *testing.T) {
	srcs := []standoff.Source{
		{Title: "The JCPOA at a glance", Publisher: "Arms Control Association", URL: "https://armscontrol.org/node/7135"},
		{Publisher: "Jewish Insider", Published: "2025-08-28", URL: "https://example.org/a_(b)"},
		{Title: "A note [in brackets]", URL: "javascript:alert(1)"},
	}
	got := sourcesLine(srcs, 1000, false)
	want := `Sources: [The JCPOA at a glance](https://armscontrol.org/node/7135) (Arms Control Association) · [Jewish Insider](https://example.org/a_%28b%29) (2025-08-28) · A note \[in brackets\]`
	if got != want {
		t.Errorf("sourcesLine =\n %q\nwant\n %q", got, want)
	}
	if got := sourcesLine(srcs, 120, false); discordLen(got) > 120 || !strings.Contains(got, "and 2 more") {
		t.Errorf("short sourcesLine = %q", got)
	}
	compact := `Sources: [Arms Control Association](https://armscontrol.org/node/7135) · [Jewish Insider](https://example.org/a_%28b%29) · A note \[in brackets\]`
	if got := sourcesLine(srcs, 1000, true); got != compact {
		t.Errorf("compact sourcesLine =\n %q\nwant\n %q", got, compact)
	}
	if got := sourcesLine([]standoff.Source{{}}, 100, true); got != "" {
		t.Errorf("an empty source: %q", got)
	}
	if got := sourcesLine(nil, 100, false); got != "" {
		t.Errorf("no sources: %q", got)
	}
}

func TestRenderExcerpt(t *testing.T) {
	var sentences []string
	for i := range 12 {
		sentences = append(sentences, fmt.Sprintf("Sentence %d says something about the talks in Vienna.", i+1))
	}
	text := strings.Join(sentences, " ")
	r := standoff.Result{Text: text, Matches: marked(text, strings.ReplaceAll(text, "Vienna", "**Vienna**")), Emphasis: marked(text, strings.ReplaceAll(text, "talks", "**talks**")), Best: at(text, sentences[4])}
	got, cut := renderExcerpt(r, 1000, naiveSplit)
	if !cut {
		t.Error("a long passage is not cut")
	}
	if !strings.HasPrefix(got, "… __Sentence 5") {
		t.Errorf("does not lead with the best sentence: %q", got)
	}
	if n := utf8.RuneCountInString(strings.NewReplacer("**", "", "__", "").Replace(got)); n > excerptChars+10 || n < excerptChars/2 {
		t.Errorf("excerpt of %d characters: %q", n, got)
	}
	if strings.Contains(got, "**Vienna**") || !strings.Contains(got, "**talks**") {
		t.Errorf("bold is not the question's rare terms only: %q", got)
	}
	if !strings.HasSuffix(got, "Vienna. …") {
		t.Errorf("not cut at a sentence with …: %q", got)
	}
	short := standoff.Result{Text: "Short passage."}
	if got, cut := renderExcerpt(short, 1000, naiveSplit); cut || got != "Short passage." {
		t.Errorf("short passage: %q cut %v", got, cut)
	}
}

// sample answers for the golden files.
func sampleAnswer() standoff.Answer {
	glossary := "Breakout time is the time a country would need, once it has decided to do so, to produce enough weapons-grade uranium for one nuclear weapon: about 25 kg of uranium enriched to about 90% U-235. It counts only the making of that material, not the further work of building a warhead that can be delivered, which is often put at one to two more years."
	article := "The suggestion that Iran might dilute or reduce its stockpile of highly enriched uranium is not insignificant. It signals awareness of the tightening diplomatic window and the growing risk that miscalculation could tip the region into open confrontation. From Washington’s perspective, however, scepticism runs deep. American officials argue that Iran’s advances have brought it closer than ever to a potential weapons threshold, compressing the so-called “breakout time” that once formed the backbone of non-proliferation assurances. They contend that any renewed agreement must address not only enrichment levels but also verification mechanisms robust enough to survive political transitions."
	return standoff.Answer{
		Question: "what is breakout time?",
		Answered: true,
		More:     true,
		Results: []standoff.Result{
			{
				Rank: 1, Doc: "glossary", Title: "Glossary of the standoff", Section: "Breakout time", Paragraph: 1, Kind: "glossary",
				Text:         glossary,
				Highlighted:  strings.Replace(strings.Replace(glossary, "Breakout time", "**Breakout time**", 1), "the time", "the **time**", 1),
				Matches:      marked(glossary, strings.Replace(strings.Replace(glossary, "Breakout time", "**Breakout time**", 1), "the time", "the **time**", 1)),
				Emphasis:     marked(glossary, strings.Replace(glossary, "Breakout time", "**Breakout time**", 1)),
				BestSentence: "Breakout time is the time a country would need, once it has decided to do so, to produce enough weapons-grade uranium for one nuclear weapon: about 25 kg of uranium enriched to about 90% U-235.",
				Best:         at(glossary, "Breakout time is the time a country would need, once it has decided to do so, to produce enough weapons-grade uranium for one nuclear weapon: about 25 kg of uranium enriched to about 90% U-235."),
				Sources: []standoff.Source{
					{Title: "The Joint Comprehensive Plan of Action at a glance", Publisher: "Arms Control Association", URL: "https://armscontrol.org/node/7135"},
					{Publisher: "Responsible Statecraft", Published: "2022-02-09", URL: "https://responsiblestatecraft.org/2022/02/09/dont-listen-to-iran-deal-opponents-phony-complaints-about-breakout"},
				},
				Score: 4.2,
			},
			{
				Rank: 2, Doc: "iran-us-standoff", Title: "Mistrust and the nuclear deal: an opinion on the Iran–US standoff", Paragraph: 5, Kind: "opinion",
				Text:         article,
				Highlighted:  strings.Replace(article, "breakout time", "**breakout time**", 1),
				Matches:      marked(article, strings.Replace(article, "breakout time", "**breakout time**", 1)),
				Emphasis:     marked(article, strings.Replace(article, "breakout time", "**breakout time**", 1)),
				BestSentence: "American officials argue that Iran’s advances have brought it closer than ever to a potential weapons threshold, compressing the so-called “breakout time” that once formed the backbone of non-proliferation assurances.",
				Best:         at(article, "American officials argue that Iran’s advances have brought it closer than ever to a potential weapons threshold, compressing the so-called “breakout time” that once formed the backbone of non-proliferation assurances."),
				Sources:      []standoff.Source{},
				Score:        2.4,
			},
			{
				Rank: 3, Doc: "added/2025-05-31-iaea-report", Title: "IAEA report on Iran’s stockpile", Section: "Findings", Paragraph: 3, Kind: "report",
				URL: "https://example.org/iaea", Link: "https://example.org/iaea#:~:text=breakout%20time", Publisher: "Example Wire", Published: "2025-05-31",
				Text:         "Iran's breakout time is now measured in weeks, not months.",
				Highlighted:  "Iran's **breakout time** is now measured in weeks, not months.",
				Matches:      []standoff.Span{{Start: 7, End: 20}},
				Emphasis:     []standoff.Span{{Start: 7, End: 20}},
				BestSentence: "Iran's breakout time is now measured in weeks, not months.",
				Best:         standoff.Span{Start: 0, End: 58},
				Sources:      []standoff.Source{},
				Score:        2.1,
			},
		},
		Suggestions: []string{},
	}
}

// sampleClosest is an answer of closest passages: nothing answers, these come nearest.
func sampleClosest() standoff.Answer {
	a := sampleAnswer()
	a.Question = "how long would Iran need to build a warhead?"
	a.Answered, a.Closest, a.More = false, true, false
	a.Results = a.Results[:2]
	return a
}

// sampleStale is an answer to a question about the present whose newest passage is
// months old: dated passages, the newest first, and the note that says so.
func sampleStale() standoff.Answer {
	succession := "8 March 2026: The Assembly of Experts names Mojtaba Khamenei the third Supreme Leader of Iran."
	glossary := "The Supreme Leader is Iran's highest authority, chosen for life by the Assembly of Experts."
	return standoff.Answer{
		Question: "who is iran's supreme leader now?",
		Answered: true,
		AsOf:     "2026-06-30",
		Stale:    true,
		Note:     "The newest passage on this is dated 8 March 2026; the corpus may not know what happened since.",
		Results: []standoff.Result{
			{Rank: 1, Doc: "timeline", Title: "Timeline of the standoff", Section: "2026: war and succession", Paragraph: 7, Kind: "timeline",
				Text: succession, BestSentence: succession, Best: standoff.Span{Start: 0, End: len(succession)},
				Emphasis: []standoff.Span{{Start: strings.Index(succession, "Supreme Leader"), End: strings.Index(succession, "Supreme Leader") + len("Supreme Leader")}},
				Sources:  []standoff.Source{{Title: "Mojtaba Khamenei named Iran's next supreme leader", Publisher: "WION", Published: "2026-03-09", URL: "https://example.org/wion"}},
				Date:     "2026-03-08", DateOwn: true, Score: 1.2},
			{Rank: 2, Doc: "glossary", Title: "Glossary of the standoff", Section: "Supreme Leader", Paragraph: 12, Kind: "glossary",
				Published: "2026-07-01", Text: glossary, BestSentence: glossary, Best: standoff.Span{Start: 0, End: len(glossary)},
				Sources: []standoff.Source{{Title: "Iran's supreme leaders", Publisher: "Dawn", URL: "https://example.org/dawn"}},
				Date:    "2026-07-01", Score: 3.4},
		},
		Suggestions: []string{},
	}
}

func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n%s", path, got)
	}
}

func TestGoldenRender(t *testing.T) {
	long := sampleAnswer()
	long.Results = nil
	var many []standoff.Source
	for i := range 8 {
		many = append(many, standoff.Source{Title: strings.Repeat("A long source title ", 10), Publisher: "Publisher [" + fmt.Sprint(i) + "]",
			Published: "2025-01-0" + fmt.Sprint(i+1), URL: "https://example.org/" + strings.Repeat("s", 400)})
	}
	for i := range 10 {
		long.Results = append(long.Results, standoff.Result{
			Rank: 11 + i, Doc: "report", Title: strings.Repeat("A very long title ", 20), Paragraph: i + 1,
			Text:        strings.Repeat("Inspectors verified the stockpile of enriched uranium. ", 40),
			Highlighted: strings.Repeat("Inspectors verified the stockpile of **enriched uranium**. ", 40),
			Emphasis:    marked(strings.Repeat("Inspectors verified the stockpile of enriched uranium. ", 40), strings.Repeat("Inspectors verified the stockpile of **enriched uranium**. ", 40)),
			URL:         "https://example.org/" + strings.Repeat("x", 600),
			Sources:     many,
		})
	}
	for _, tc := range []struct {
		name string
		v    view
	}{
		{"answer", view{Kind: kindAsk, Question: "what is breakout time?", Answer: sampleAnswer(), Asker: "700000000000000001"}},
		{"answer_private_page2", view{Kind: kindAsk, Question: "what is *breakout* time?", Answer: sampleAnswer(), Offset: 3, Private: true}},
		{"closest", view{Kind: kindAsk, Question: "how long would Iran need to build a warhead?", Answer: sampleClosest(), Asker: "700000000000000001"}},
		{"find_sources", view{Kind: kindFind, Question: "Iran has enough uranium for 10 bombs", Answer: sampleAnswer(), Private: true}},
		{"find_sources_shared", view{Kind: kindFind, Question: "Iran has enough uranium for 10 bombs", Answer: sampleAnswer(), SharedBy: "dave", Asker: "700000000000000004"}},
		{"no_answer", view{Kind: kindAsk, Question: "who won the 1998 world cup?", Answer: standoff.Answer{Suggestions: []string{"breakout time", "snapback", strings.Repeat("x", 120)}}}},
		{"no_answer_no_suggestions", view{Kind: kindAsk, Question: "zzz", Answer: standoff.Answer{}}},
		{"answer_stale", view{Kind: kindAsk, Question: "who is iran's supreme leader now?", Answer: sampleStale(), Asker: "700000000000000001"}},
		{"no_answer_latest_news", view{Kind: kindAsk, Question: "what is the latest news?", Answer: standoff.Answer{AsOf: "2026-06-30",
			Note: standoff.Reach("2026-06-30")}}},
		{"over_limits", view{Kind: kindAsk, Question: strings.Repeat("why ", 100), Answer: long, Offset: 10, Asker: "700000000000000001"}},
		{"answer_followup", view{Kind: kindAsk, Question: "how long was *it*?", Answer: followUpAnswer(), Asker: "700000000000000001"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := renderAnswer(tc.v, naiveSplit)
			data := m.responseData()
			raw, err := json.Marshal(data)
			if err != nil {
				t.Fatal(err)
			}
			if probs := discordtest.CheckMessage(raw); len(probs) > 0 {
				t.Errorf("breaks Discord's rules: %v", probs)
			}
			golden(t, "render_"+tc.name, data)
		})
	}
	for name, m := range map[string]message{
		"help":         helpMessage("900000000000000001", coverage{Documents: 4, Kinds: map[string]int{"glossary": 1, "timeline": 1, "opinion": 1, "article": 1}, AsOf: "2026-06-30"}),
		"full_passage": renderFull(sampleAnswer().Results[0], naiveSplit),
		"about":        aboutMessage(standoff.Stats{Documents: 3, Passages: 63, Fingerprint: "abcdef0123456789"}, "v1.2.3", 4, 1),
	} {
		raw, _ := json.Marshal(m.responseData())
		if probs := discordtest.CheckMessage(raw); len(probs) > 0 {
			t.Errorf("%s breaks Discord's rules: %v", name, probs)
		}
		golden(t, "render_"+name, m.responseData())
	}
}

func TestCommandDefinitions(t *testing.T) {
	raw, err := json.Marshal(commandDefinitions())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "commands", json.RawMessage(raw))
	var cmds []*discordgo.ApplicationCommand
	json.Unmarshal(raw, &cmds)
	if len(cmds) != 4 {
		t.Errorf("%d commands", len(cmds))
	}
}

func TestRenderClosestIsLabelled(t *testing.T) {
	ans := standoff.Answer{Question: "how many warheads does france have", Closest: true, Results: []standoff.Result{
		{Rank: 1, Doc: "timeline", Title: "Timeline", Paragraph: 1, Text: "France, Germany and the United Kingdom trigger snapback.", Highlighted: "**France**, Germany and the United Kingdom trigger snapback.", Emphasis: []standoff.Span{{Start: 0, End: 6}}},
	}, Suggestions: []string{}}
	for _, closest := range []bool{true, false} {
		ans.Closest, ans.Answered = closest, !closest
		m := renderAnswer(view{Question: ans.Question, Answer: ans}, naiveSplit)
		if got := strings.Contains(m.Content, "Closest match, may not answer your question"); got != closest {
			t.Errorf("closest %v: label shown %v in %q", closest, got, m.Content)
		}
		if len(m.Embeds) != 1 {
			t.Errorf("closest %v: %d embeds, want the passage", closest, len(m.Embeds))
		}
	}
}

// A result that carries its sentences (as every result of the index does) is cut at them
// without splitting its text again: the output is the one the splitter gives.
func TestRenderFromSentenceSpans(t *testing.T) {
	var sentences []string
	for i := range 12 {
		sentences = append(sentences, fmt.Sprintf("Sentence %d says something about the talks in Vienna.", i+1))
	}
	text := strings.Join(sentences, " ")
	r := standoff.Result{Text: text, Emphasis: marked(text, strings.ReplaceAll(text, "talks", "**talks**")), Best: at(text, sentences[4])}
	spans := r
	for _, s := range sentences {
		spans.Sentences = append(spans.Sentences, at(text, s))
	}
	split := func(string) []string { t.Fatal("the text is split again"); return nil }
	for _, limit := range []int{1000, 300, 120} {
		want, wantCut := renderExcerpt(r, limit, naiveSplit)
		if got, cut := renderExcerpt(spans, limit, split); got != want || cut != wantCut {
			t.Errorf("excerpt in %d: got %q (cut %v), want %q (cut %v)", limit, got, cut, want, wantCut)
		}
		if got, want := renderPassage(spans, limit, split), renderPassage(r, limit, naiveSplit); got != want {
			t.Errorf("passage in %d: got %q, want %q", limit, got, want)
		}
	}
	// Sentence ranges out of the text or out of order are left out, never a crash.
	bad := r
	bad.Sentences = []standoff.Span{{Start: 50, End: 20}, {Start: -1, End: 5}, {Start: 0, End: 9999}}
	if got := renderPassage(bad, 120, nil); discordLen(got) > 120 || !strings.HasSuffix(got, "…") {
		t.Errorf("bad sentence ranges: %q", got)
	}
}

// The question log keeps the terms a passage matched, from the answer's spans.
func TestMatchedTerms(t *testing.T) {
	text := "Breakout time is the time a country needs; breakout\ntime again."
	r := standoff.Result{Text: text, Matches: []standoff.Span{{Start: 0, End: 13}, {Start: 21, End: 25}, {Start: 43, End: 56}, {Start: 50, End: 999}}}
	if got, want := matchedTerms(r), []string{"Breakout time", "time"}; !slices.Equal(got, want) {
		t.Errorf("matchedTerms = %q, want %q", got, want)
	}
	if got := matchedTerms(standoff.Result{Text: text}); got != nil {
		t.Errorf("no matches: %q", got)
	}
}

// followUpAnswer is sampleAnswer read as a follow-up.
func followUpAnswer() standoff.Answer {
	a := sampleAnswer()
	a.Question, a.ReadAs = "how long was *it*?", "how long was *it* (breakout time)?"
	return a
}

// The question of a follow-up's answer, for its buttons, is its reading, which stands
// on its own; the member's words stay on the first line.
func TestParseQuestionOfFollowUp(t *testing.T) {
	m := renderAnswer(view{Kind: kindAsk, Question: "how long was *it*?", Answer: followUpAnswer()}, naiveSplit)
	if !strings.HasPrefix(m.Content, "**❓ how long was \\*it\\*?**\nReading this as: how long was \\*it\\* (breakout time)?\n") {
		t.Errorf("content %q", m.Content)
	}
	k, q, ok := parseQuestion(m.Content)
	if !ok || k != kindAsk || q != "how long was *it* (breakout time)?" {
		t.Errorf("parseQuestion = %v %q %v", k, q, ok)
	}
	// A member cannot make a question read as another by typing the line.
	m = renderAnswer(view{Kind: kindAsk, Question: "x\nReading this as: y", Answer: sampleAnswer()}, naiveSplit)
	if _, q, _ := parseQuestion(m.Content); q == "y" {
		t.Errorf("a typed reading line was taken for the bot's: %q", m.Content)
	}
}
