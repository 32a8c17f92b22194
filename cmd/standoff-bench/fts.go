package main

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"

	_ "modernc.org/sqlite" // registers the "sqlite" driver: pure-Go SQLite with FTS5

	"github.com/standoff-bot/standoff/corpus"
)

// The FTS5 baseline: one FTS5 table of the passages with the porter tokenizer over
// unicode61, ranked by bm25() with per-column weights, highlighted by snippet().
const (
	ftsSchema = `CREATE VIRTUAL TABLE passage USING fts5(
	text, title, section,
	pid UNINDEXED, doc UNINDEXED, paragraph UNINDEXED, url UNINDEXED,
	tokenize = 'porter unicode61 remove_diacritics 2'
)`
	// ftsTitleWeight and ftsSectionWeight weigh a match in the document title and the
	// section heading against one in the text (1.0) in bm25().
	ftsTitleWeight   = 2.0
	ftsSectionWeight = 1.5
	// ftsMaxTokens caps the tokens of a question that are searched, as standoff caps
	// its concepts.
	ftsMaxTokens = 64
	// ftsSnippetTokens is the length of a snippet, in tokens (FTS5 allows 1 to 64).
	ftsSnippetTokens = 32
)

// ftsIndex is an FTS5 index of the passages in one SQLite file, opened read-only.
type ftsIndex struct {
	db     *sql.DB
	answer *sql.Stmt
	rank   *sql.Stmt
	// query turns a question into an FTS5 query: ftsQuery, or ftsQueryWithout the stop
	// words.
	query func(string) string
}

// ftsResult is one cited, highlighted passage of an FTS5 answer.
type ftsResult struct {
	ID        string
	Doc       string
	Paragraph int
	Title     string
	Text      string
	Snippet   string
	Score     float64
}

// ftsRankExpr is the rank function the table is configured with.
func ftsRankExpr() string {
	return fmt.Sprintf("bm25(1.0, %g, %g)", ftsTitleWeight, ftsSectionWeight)
}

// buildFTS creates the FTS5 index of ps in a new SQLite file at path: one transaction of
// inserts, then FTS5's optimize, which merges its segments into one b-tree.
func buildFTS(ctx context.Context, path string, ps []corpus.Passage) (err error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(off)&_pragma=synchronous(off)")
	if err != nil {
		return fmt.Errorf("build fts5: %w", err)
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("build fts5: close: %w", cerr)
		}
	}()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, ftsSchema); err != nil {
		return fmt.Errorf("build fts5: create: %w", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO passage(passage, rank) VALUES ('rank', ?)`, ftsRankExpr()); err != nil {
		return fmt.Errorf("build fts5: rank: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("build fts5: %w", err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO passage(text, title, section, pid, doc, paragraph, url) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("build fts5: %w", err)
	}
	defer ins.Close()
	for i, p := range ps {
		if i%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("build fts5: %w", err)
			}
		}
		if _, err := ins.ExecContext(ctx, p.Text, p.Title, p.Section, p.ID, p.Doc, p.Paragraph, p.URL); err != nil {
			return fmt.Errorf("build fts5: insert %s: %w", p.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("build fts5: commit: %w", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO passage(passage) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("build fts5: optimize: %w", err)
	}
	return nil
}

// openFTS opens a built FTS5 index read-only with up to conns connections, each with a
// 32 MiB page cache and the file memory-mapped, as bleve maps its segments; query builds
// its queries.
func openFTS(ctx context.Context, path string, conns int, query func(string) string) (*ftsIndex, error) {
	dsn := "file:" + path + "?mode=ro&_pragma=query_only(1)&_pragma=cache_size(-32768)&_pragma=mmap_size(1073741824)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open fts5: %w", err)
	}
	db.SetMaxOpenConns(max(conns, 1))
	db.SetMaxIdleConns(max(conns, 1))
	f := &ftsIndex{db: db, query: query}
	f.answer, err = db.PrepareContext(ctx, fmt.Sprintf(`SELECT pid, doc, paragraph, title, text,
	snippet(passage, 0, '**', '**', '…', %d), rank
FROM passage WHERE passage MATCH ? ORDER BY rank LIMIT ?`, ftsSnippetTokens))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open fts5: %w", err)
	}
	f.rank, err = db.PrepareContext(ctx, `SELECT pid, doc FROM passage WHERE passage MATCH ? ORDER BY rank LIMIT ?`)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open fts5: %w", err)
	}
	return f, nil
}

// Close releases the index.
func (f *ftsIndex) Close() error {
	if f.answer != nil {
		f.answer.Close()
	}
	if f.rank != nil {
		f.rank.Close()
	}
	if err := f.db.Close(); err != nil {
		return fmt.Errorf("close fts5: %w", err)
	}
	return nil
}

// Answer returns the k best passages for a question with their citation and snippet;
// none when the question has no searchable word or no passage holds any.
func (f *ftsIndex) Answer(ctx context.Context, question string, k int) ([]ftsResult, error) {
	q := f.query(question)
	if q == "" {
		return nil, nil
	}
	rows, err := f.answer.QueryContext(ctx, q, k)
	if err != nil {
		return nil, fmt.Errorf("fts5 answer: %w", err)
	}
	defer rows.Close()
	var out []ftsResult
	for rows.Next() {
		var r ftsResult
		if err := rows.Scan(&r.ID, &r.Doc, &r.Paragraph, &r.Title, &r.Text, &r.Snippet, &r.Score); err != nil {
			return nil, fmt.Errorf("fts5 answer: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("fts5 answer: %w", err)
	}
	return out, nil
}

// Rank returns the ids and documents of the n best passages for a question, best first,
// for ranking metrics.
func (f *ftsIndex) Rank(ctx context.Context, question string, n int) ([]rankedPassage, error) {
	q := f.query(question)
	if q == "" {
		return nil, nil
	}
	rows, err := f.rank.QueryContext(ctx, q, n)
	if err != nil {
		return nil, fmt.Errorf("fts5 rank: %w", err)
	}
	defer rows.Close()
	var out []rankedPassage
	for rows.Next() {
		var r rankedPassage
		if err := rows.Scan(&r.Passage, &r.Doc); err != nil {
			return nil, fmt.Errorf("fts5 rank: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("fts5 rank: %w", err)
	}
	return out, nil
}

// ftsQuery turns text typed by a person into a safe FTS5 query: every run of letters and
// digits (as unicode61 cuts them) becomes a quoted string, lower-cased and de-duplicated,
// and the strings are OR-ed. Quotes, operators (AND, OR, NOT, NEAR, *, ^, -, +, :) and
// parentheses are thus either separators or plain words. "" when nothing is left.
func ftsQuery(text string) string { return ftsQueryWithout(text, nil) }

// ftsQueryWithout is ftsQuery without the words of stop, as a competent FTS5 user builds
// a query from a question: "what is breakout time" searches "breakout" OR "time". A
// question of stop words only keeps them all.
func ftsQueryWithout(text string, stop map[string]bool) string {
	tokens := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
	if stop != nil {
		kept := slices.DeleteFunc(slices.Clone(tokens), func(t string) bool { return stop[t] })
		if len(kept) > 0 {
			tokens = kept
		}
	}
	seen := map[string]bool{}
	var parts []string
	for _, t := range tokens {
		if seen[t] {
			continue
		}
		seen[t] = true
		parts = append(parts, `"`+strings.ReplaceAll(t, `"`, `""`)+`"`)
		if len(parts) == ftsMaxTokens {
			break
		}
	}
	return strings.Join(parts, " OR ")
}

// englishStopWords are the Snowball English stop words as bleve ships them (its "en"
// and "standard" analyzers leave them out): the list the fair FTS5 query leaves out, so
// that FTS5 and plain bleve drop the same words.
func englishStopWords() (map[string]bool, error) {
	tm := analysis.NewTokenMap()
	if err := tm.LoadBytes(en.EnglishStopWords); err != nil {
		return nil, fmt.Errorf("stop words: %w", err)
	}
	out := make(map[string]bool, len(tm))
	for w := range tm {
		out[w] = true
	}
	return out, nil
}

// ftsPassages keeps the passages standoff searches: it leaves out the lists of sources
// ("Sources: …"), as the index package does, so that both engines hold the same set.
func ftsPassages(ps []corpus.Passage) []corpus.Passage {
	out := make([]corpus.Passage, 0, len(ps))
	for _, p := range ps {
		t := strings.TrimLeft(strings.TrimSpace(p.Text), "([")
		if strings.HasPrefix(t, "Sources:") || strings.HasPrefix(t, "Source:") {
			continue
		}
		out = append(out, p)
	}
	return out
}
