package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff/corpus"
)

func TestFTSQueryShape(t *testing.T) {
	cases := []struct{ in, want string }{
		{"What is breakout time?", `"what" OR "is" OR "breakout" OR "time"`},
		{`"uranium" AND NOT plutonium`, `"uranium" OR "and" OR "not" OR "plutonium"`},
		{"NEAR(iran us, 5)", `"near" OR "iran" OR "us" OR "5"`},
		{"title:sanctions* -snapback ^IAEA +E3", `"title" OR "sanctions" OR "snapback" OR "iaea" OR "e3"`},
		{"Iran's iran IRAN", `"iran" OR "s"`},
		{"Fordow (Fordo) {text} [x] 60%", `"fordow" OR "fordo" OR "text" OR "x" OR "60"`},
		{"", ""},
		{`*** () "" : - ^ `, ""},
	}
	for _, c := range cases {
		if got := ftsQuery(c.in); got != c.want {
			t.Errorf("ftsQuery(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFTSQueryCapsTokens(t *testing.T) {
	var words []string
	for i := range 3 * ftsMaxTokens {
		words = append(words, "w"+strings.Repeat("x", i%50)+string(rune('a'+i%26)))
	}
	q := ftsQuery(strings.Join(words, " "))
	if n := strings.Count(q, " OR ") + 1; n > ftsMaxTokens {
		t.Errorf("query has %d tokens, want at most %d", n, ftsMaxTokens)
	}
}

// TestFTSHostileQueries runs hostile text through a real FTS5 table: every query must be
// accepted, and must find the passage that holds the words.
func TestFTSHostileQueries(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fts.db")
	ps := []corpus.Passage{
		{ID: "a#1", Doc: "a", Title: "Near and far", Paragraph: 1, Text: "Not all of it: or none, said the IAEA about sanctions at Fordow."},
		{ID: "b#1", Doc: "b", Title: "Other", Paragraph: 1, Text: "Centrifuges spin."},
	}
	if err := buildFTS(ctx, path, ps); err != nil {
		t.Fatal(err)
	}
	f, err := openFTS(ctx, path, 1, ftsQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The only shape a safe query may take: quoted words joined by OR.
	quotedOr := regexp.MustCompile(`^"[^"]+"( OR "[^"]+")*$`)
	hostile := []string{
		`"`, `""`, `"unbalanced`, `*`, `sanctions*`, `-`, `-sanctions`, `:`, `text:sanctions`,
		`title:`, `(`, `)`, `(sanctions`, `NEAR`, `NEAR(`, `NEAR(iaea fordow, 2)`, `AND`, `OR`,
		`NOT`, `sanctions AND`, `OR sanctions`, `NOT sanctions`, `iaea NOT`, `^sanctions`,
		`+`, `{title text}: x`, `'; DROP TABLE passage; --`, "tab\tand\nnewline", "a\x00b",
		`\"sanctions\"`, `ОR iaea`, `💣 sanctions`, strings.Repeat("(", 100),
	}
	for _, h := range hostile {
		q := ftsQuery(h)
		if q != "" && !quotedOr.MatchString(q) {
			t.Errorf("ftsQuery(%q) = %q: not quoted words joined by OR", h, q)
		}
		rs, err := f.Answer(ctx, h, 3)
		if err != nil {
			t.Errorf("Answer(%q): %v", h, err)
			continue
		}
		if strings.Contains(strings.ToLower(h), "sanctions") && (len(rs) == 0 || rs[0].ID != "a#1") {
			t.Errorf("Answer(%q) = %+v, want a#1 first", h, rs)
		}
	}
	rs, err := f.Answer(ctx, "NOT", 3)
	if err != nil || len(rs) != 1 || rs[0].ID != "a#1" || !strings.Contains(rs[0].Snippet, "**Not**") {
		t.Errorf(`Answer("NOT") = %+v, %v; want a#1 with "Not" highlighted: the word, not the operator`, rs, err)
	}
}

func TestFTSRankConfigured(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fts.db")
	ps := []corpus.Passage{
		{ID: "a#1", Doc: "a", Title: "Enrichment", Paragraph: 1, Text: "A passage about something else entirely."},
		{ID: "b#1", Doc: "b", Title: "Other", Paragraph: 1, Text: "Enrichment is mentioned once in this rather long passage about many other things at length."},
	}
	if err := buildFTS(ctx, path, ps); err != nil {
		t.Fatal(err)
	}
	f, err := openFTS(ctx, path, 1, ftsQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rank string
	if err := f.db.QueryRowContext(ctx, `SELECT v FROM passage_config WHERE k = 'rank'`).Scan(&rank); err != nil {
		t.Fatal(err)
	}
	if rank != ftsRankExpr() {
		t.Errorf("rank = %q, want %q", rank, ftsRankExpr())
	}
	rs, err := f.Rank(ctx, "enrichment", 2)
	if err != nil || len(rs) != 2 || rs[0].Passage != "a#1" {
		t.Errorf("Rank = %+v, %v; want the title match a#1 first", rs, err)
	}
}

func TestFTSPassagesDropsSources(t *testing.T) {
	ps := []corpus.Passage{{ID: "1", Text: "Iran enriches."}, {ID: "2", Text: " (Sources: Reuters)"}, {ID: "3", Text: "Source: AP"}}
	got := ftsPassages(ps)
	if len(got) != 1 || got[0].ID != "1" {
		t.Errorf("ftsPassages = %+v, want only passage 1", got)
	}
}

// TestFTSQueryWithoutStopWords: the fair FTS5 query leaves out the Snowball English stop
// words, and keeps a question made of them only.
func TestFTSQueryWithoutStopWords(t *testing.T) {
	stop, err := englishStopWords()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ in, want string }{
		{"What is breakout time?", `"breakout" OR "time"`},
		{"who is iran's supreme leader now", `"iran" OR "s" OR "supreme" OR "leader" OR "now"`},
		{"who is it", `"who" OR "is" OR "it"`},
		{"", ""},
	}
	for _, c := range cases {
		if got := ftsQueryWithout(c.in, stop); got != c.want {
			t.Errorf("ftsQueryWithout(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestEveryEngineAnswers builds and opens every engine of the table on a few passages,
// as the benchmark does, and asks each a question only one passage answers.
func TestEveryEngineAnswers(t *testing.T) {
	ctx := context.Background()
	c, err := loadCorpus(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range engineNames() {
		e, err := openInMemory(ctx, name, c, filepath.Join(t.TempDir(), name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ans, err := e.answer(ctx, "what is breakout time?", 3)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(ans.Results) == 0 || ans.Results[0].Doc == "" || ans.Results[0].Text == "" {
			t.Errorf("%s: results %+v, want cited passages", name, ans.Results)
		}
		ranked, err := e.rank(ctx, "what is breakout time?", 10)
		if err != nil || len(ranked) == 0 || ranked[0].Doc == "" {
			t.Errorf("%s: rank %v, %v", name, ranked, err)
		}
		if err := e.Close(); err != nil {
			t.Error(err)
		}
	}
}
