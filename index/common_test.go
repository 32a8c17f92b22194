package index

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff"
)

// This file: what the search leaves out or bounds when the question's words are common,
// as they are in a corpus of 200,000 passages on one story. The default corpus is made
// to look that large by giving its words the passage counts they would have there.

// asIfLarge makes ix count docs passages, with df the passage counts of some terms.
func asIfLarge(ix *Index, docs int, df map[string]int) {
	v := *ix.vocab
	v.df = maps.Clone(v.df)
	maps.Copy(v.df, df)
	v.docs = docs
	ix.vocab = &v
}

// searchJSON is the search a plan makes, as JSON: what bleve is asked.
func searchJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCostlyPhrasesLeftOutOfTheSearch: a phrase all of whose words are common ("Iran
// nuclear deal", a synonym of "JCPOA") is not searched when its concept has something
// cheaper to be searched by; a concept of such phrases alone is searched by its first
// phrase, in the text only. In the default corpus, where no word is common, every phrase
// is searched.
func TestCostlyPhrasesLeftOutOfTheSearch(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	small := searchJSON(t, ix.readQuestion("whats the jcpoa").bleveQuery(ix.weights))
	if !strings.Contains(small, `"match_phrase":"iran nuclear deal"`) {
		t.Fatalf("the default corpus's search leaves out a phrase: %s", small)
	}
	asIfLarge(ix, 200_000, map[string]int{"iran": 155_000, "nuclear": 90_000, "deal": 34_000, "jcpoa": 24_000, "plan": 30_000, "action": 20_000, "joint": 15_000})
	p := ix.readQuestion("whats the jcpoa")
	got := searchJSON(t, p.bleveQuery(ix.weights))
	for _, phrase := range []string{"iran nuclear deal", "iran deal"} {
		if strings.Contains(got, `"match_phrase":"`+phrase+`"`) {
			t.Errorf("the costly phrase %q is searched: %s", phrase, got)
		}
	}
	if !strings.Contains(got, `"term":"jcpoa"`) {
		t.Errorf("the concept's cheap term is not searched: %s", got)
	}
	// A concept of costly phrases alone: its first phrase, on the text only.
	c := concept{alts: []alternative{{key: "iran deal", text: "Iran deal", phrase: true, weight: 1, costly: true}, {key: "iran nuclear deal", text: "Iran nuclear deal", phrase: true, weight: 1, costly: true}}}
	leaves := c.leaves(ix.weights)
	if len(leaves) != 1 || !strings.Contains(searchJSON(t, leaves[0]), `"field":"text"`) || !strings.Contains(searchJSON(t, leaves[0]), "Iran deal") {
		t.Errorf("leaves of a concept of costly phrases: %s, want its first phrase on the text", searchJSON(t, leaves))
	}
	ans, err := ix.Answer(context.Background(), standoff.Request{Question: "whats the jcpoa"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Results) == 0 || !strings.Contains(ans.Results[0].Text, "JCPOA") {
		t.Errorf("whats the jcpoa, the phrases left out: %+v", ans.Results)
	}
}

// TestDatedSearchHoldsTheRarestCommonWord: when every word of a question about the
// present is common, the search by date (which reads the date of every passage it
// finds) must hold the rarest of them; when one is not common, nothing is added. The
// member still gets the newest passage on it.
func TestDatedSearchHoldsTheRarestCommonWord(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	q := "who is iran's supreme leader now"
	if r := ix.readQuestion(q).rarestCommon(ix.weights); r != nil {
		t.Fatalf("the default corpus bounds the dated search: %s", searchJSON(t, r))
	}
	asIfLarge(ix, 200_000, map[string]int{"iran": 155_000, "suprem": 12_000, "leader": 20_000})
	p := ix.readQuestion(tidyTime(t, ix, q))
	r := p.rarestCommon(ix.weights)
	if r == nil {
		t.Fatal("every word is common, and the dated search is not bounded")
	}
	if got := searchJSON(t, r); !strings.Contains(got, "suprem") || strings.Contains(got, `"term":"iran"`) {
		t.Errorf("the dated search must hold %s, want the rarest word, suprem(e)", got)
	}
	ans, err := ix.Answer(context.Background(), standoff.Request{Question: q})
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Results) == 0 || !strings.Contains(ans.Results[0].Text, "Mojtaba") {
		t.Errorf("%s, the dated search bounded: %+v", q, ans.Results)
	}
	asIfLarge(ix, 200_000, map[string]int{"suprem": 500})
	if r := ix.readQuestion(tidyTime(t, ix, q)).rarestCommon(ix.weights); r != nil {
		t.Errorf("a word that is not common, and the dated search is bounded: %s", searchJSON(t, r))
	}
}

// tidyTime is q without its words about time, as Answer searches it.
func tidyTime(t *testing.T, ix *Index, q string) string {
	t.Helper()
	tm := readTime(q, ix.today(standoff.Request{}))
	if !tm.present {
		t.Fatalf("%q is not read as a question about the present", q)
	}
	return tm.rest
}

// TestFarMoreCommonWordsLeftOut: when every word of a question is common, those in far
// more passages than the rarest (commonSpread) are left out of the search, as common words
// are beside a rare one; the others stay.
func TestFarMoreCommonWordsLeftOut(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	q := "did the us bomb iran again this year"
	if got := searchJSON(t, ix.readQuestion(q).bleveQuery(ix.weights)); !strings.Contains(got, `"term":"iran"`) {
		t.Fatalf("the default corpus's search leaves out iran: %s", got)
	}
	asIfLarge(ix, 200_000, map[string]int{"us": 42_000, "bomb": 13_000, "iran": 155_000, "year": 28_000})
	got := searchJSON(t, ix.readQuestion(q).bleveQuery(ix.weights))
	if strings.Contains(got, `"term":"iran"`) {
		t.Errorf("iran, in 12 times the passages of bomb, is searched: %s", got)
	}
	for _, term := range []string{"bomb", "us", "year"} {
		if !strings.Contains(got, `"term":"`+term+`"`) {
			t.Errorf("%s, within %d times the passages of bomb, is not searched: %s", term, commonSpread, got)
		}
	}
}
