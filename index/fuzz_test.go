package index

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// fuzzCorpus is a tiny corpus for FuzzAnswer: a glossary, an article with an address, a
// plain-text timeline and synonyms, so that every path of the question → query code has
// something to find.
var fuzzCorpus = map[string]string{
	"glossary.md": `---
title: Glossary
kind: glossary
---

## Breakout time

Breakout time is the time needed to produce enough weapons-grade uranium for one weapon.

## HEU (highly enriched uranium)

HEU is uranium enriched to 20% U-235 or more; weapons-grade is about 90%.
`,
	"news/article.md": `---
title: Talks resume in "Oman"
url: https://example.org/news?id=1
publisher: Example Wire
published: 2025-04-12
kind: article
---

# Talks

Iran and the United States held indirect talks in Muscat, Oman, on 12 April 2025. The IAEA said Iran's stockpile of 60% uranium kept growing.

- Snapback restores the UN sanctions lifted in 2015.
- The E3 triggered it in August 2025.

> "We will not negotiate under pressure," an official said.
`,
	"timeline.txt": "Timeline\n\n2015: the JCPOA is agreed in Vienna.\n\n2018: the United States withdraws from the deal (the JCPOA) and re-imposes sanctions.\n",
	"synonyms.txt": "HEU, highly enriched uranium\nJCPOA, Iran deal, nuclear deal\n",
}

// FuzzAnswer asks an index of a tiny corpus arbitrary questions, with arbitrary K and
// Offset. Answer must not panic or fail; an answered question has results; every result
// quotes a passage of the corpus word for word, and its Highlighted text without the "**"
// marks is that passage. Complete must not panic and must keep to n. CI replays the seeds
// in testdata/fuzz/FuzzAnswer; run it longer with
//
//	go test -fuzz FuzzAnswer -fuzztime 5m ./index/
func FuzzAnswer(f *testing.F) {
	fsys := fstest.MapFS{}
	for name, data := range fuzzCorpus {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	ctx := context.Background()
	c, err := corpus.Load(ctx, fsys)
	if err != nil || len(c.Problems) > 0 {
		f.Fatalf("load the fuzz corpus: %v %v", err, c.Problems)
	}
	passages := map[string]bool{}
	for _, p := range c.Passages() {
		passages[p.Text] = true
	}
	ix, err := Open(ctx, Config{}, c)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ix.Close() })

	for _, q := range []string{
		"what is breakout time?", "HEU", `"indirect talks"`, "snapback -sanctions", "enrichement",
		"who withdrew from the JCPOA in 2018?", "", "?", "***", "a:b +c ~d [e] (f) {g} ^2 /re/",
		"what is highly enriched uranium", "\"", "AND OR NOT", "é ü 漢字 🙂", "talks*",
		strings.Repeat("uranium ", 100), "what is the latest on the talks now", "what happened last month",
		"did iran strike again this year", "since 31 February 2026", "in the last 999 years", "in june 99999",
	} {
		f.Add(q, 0, 0)
	}
	f.Add("uranium", 100, 2)
	f.Add("Oman", -1, -5)

	f.Fuzz(func(t *testing.T, q string, k, offset int) {
		// The bot never asks past passage 10,000 (its buttons' offsets are bounded so).
		offset %= 10_001
		ans, err := ix.Answer(ctx, standoff.Request{Question: q, K: k, Offset: offset})
		if err != nil {
			t.Fatalf("Answer(%q, k=%d, offset=%d): %v", q, k, offset, err)
		}
		if ans.Answered && len(ans.Results) == 0 && offset <= 0 {
			t.Fatalf("%q answered without results", q)
		}
		if !ans.Answered && !ans.Closest && len(ans.Results) > 0 {
			t.Fatalf("%q neither answered nor closest, with %d results", q, len(ans.Results))
		}
		if ans.Answered && ans.Closest {
			t.Fatalf("%q both answered and closest", q)
		}
		if len(ans.Results) > standoff.MaxK {
			t.Fatalf("%q: %d results, more than %d", q, len(ans.Results), standoff.MaxK)
		}
		for _, r := range ans.Results {
			if !passages[r.Text] {
				t.Fatalf("%q: result text %q is not a passage of the corpus", q, r.Text)
			}
			if got := strings.ReplaceAll(r.Highlighted, "**", ""); got != r.Text {
				t.Fatalf("%q: Highlighted without ** is\n%q\nwant the text\n%q", q, got, r.Text)
			}
			if r.BestSentence != "" && !strings.Contains(r.Text, r.BestSentence) {
				t.Fatalf("%q: best sentence %q is not in the passage %q", q, r.BestSentence, r.Text)
			}
		}
		n := 5
		if got := ix.Complete(ctx, q, n); len(got) > n {
			t.Fatalf("Complete(%q, %d) gave %d completions", q, n, len(got))
		}
	})
}
