package index

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff"
)

// Every result from the default corpus is traceable: it has a url or a source with a web
// address, the seed article aside; and no source line is searched or quoted.
func TestResultsCarrySources(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	for _, q := range []string{
		"what is breakout time?", "what is snapback?", "who struck Fordow in June 2025?",
		"when did the US leave the deal?", "what did the E3 do in August 2025?", "what is HEU?",
		"what is the IAEA?", "news?", "Balance News", "Arms Control Association", "Jewish Insider",
		"armscontrol.org", "sources",
	} {
		ans := ask(t, ix, q, 10)
		for _, r := range ans.Results {
			if r.Sources == nil {
				t.Errorf("%q: %s ¶ %d: sources is nil, want a list", q, r.Doc, r.Paragraph)
			}
			if strings.Contains(r.Text, "Source") || strings.Contains(r.Text, "http") {
				t.Errorf("%q: %s ¶ %d quotes a source line: %q", q, r.Doc, r.Paragraph, r.Text)
			}
			if r.Doc == "iran-us-standoff" {
				continue
			}
			web := webURL(r.URL)
			for _, s := range r.Sources {
				web = web || webURL(s.URL)
			}
			if !web {
				t.Errorf("%q: %s ¶ %d has no url and no source with a web address", q, r.Doc, r.Paragraph)
			}
		}
	}
	for _, q := range []string{"news?", "Balance News", "Ceylon Wire News"} {
		if ans := ask(t, ix, q, 3); ans.Answered {
			t.Errorf("%q answered from %s ¶ %d: only a source's name matches it", q, ans.Results[0].Doc, ans.Results[0].Paragraph)
		}
	}

	ans := ask(t, ix, "what is breakout time?", 3)
	if !ans.Answered || ans.Results[0].Section != "Breakout time" {
		t.Fatalf("breakout time: %+v", ans)
	}
	got := ans.Results[0].Sources
	want := standoff.Source{Title: "The Joint Comprehensive Plan of Action at a glance", Publisher: "Arms Control Association", URL: "https://armscontrol.org/node/7135"}
	if len(got) == 0 || got[0] != want {
		t.Errorf("breakout time sources = %+v, want first %+v", got, want)
	}
	raw, _ := json.Marshal(ans.Results[0])
	if !strings.Contains(string(raw), `"sources":[{"title":"The Joint Comprehensive Plan of Action at a glance","publisher":"Arms Control Association","published":"","url":"https://armscontrol.org/node/7135"}`) {
		t.Errorf("JSON sources not as the contract shows: %s", raw)
	}
}

func webURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// Only the question's rare terms are emphasised: not the common words ("Iran", in more
// than a quarter of the default corpus's passages) nor a word of a multi-word term found
// alone ("time").
func TestEmphasizedRareTerms(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	for _, tc := range []struct {
		q         string
		want, not []string // bold terms (lower case) that must, must not appear
	}{
		{"what is breakout time?", []string{"breakout time"}, []string{"time"}},
		{"how much uranium did Iran enrich to 60%?", []string{"60"}, []string{"iran"}},
	} {
		ans := ask(t, ix, tc.q, 3)
		if !ans.Answered {
			t.Fatalf("%q not answered", tc.q)
		}
		got := map[string]bool{}
		for _, r := range ans.Results {
			if !within(r.Emphasis, r.Matches) {
				t.Errorf("%q: Emphasis %v is not within Matches %v", tc.q, r.Emphasis, r.Matches)
			}
			for _, sp := range r.Emphasis {
				got[strings.ToLower(r.Text[sp.Start:sp.End])] = true
			}
			if r.Highlighted != highlight(r.Text, r.Matches) || len(r.Matches) == 0 {
				t.Errorf("%q: highlighted %q is not the text with its %d matches in bold", tc.q, r.Highlighted, len(r.Matches))
			}
			if r.BestSentence != r.Text[r.Best.Start:r.Best.End] {
				t.Errorf("%q: Best %v is not where BestSentence %q stands", tc.q, r.Best, r.BestSentence)
			}
		}
		for _, w := range tc.want {
			if !got[w] {
				t.Errorf("%q: %q not in bold (bold: %v)", tc.q, w, got)
			}
		}
		for _, w := range tc.not {
			if got[w] {
				t.Errorf("%q: common %q in bold", tc.q, w)
			}
		}
	}
}

// within reports whether every span of inner lies inside one span of outer.
func within(inner, outer []standoff.Span) bool {
	for _, in := range inner {
		ok := false
		for _, out := range outer {
			if in.Start >= out.Start && in.End <= out.End {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
