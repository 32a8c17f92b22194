package index

import (
	"fmt"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/regexp"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// MappingVersion names the shape of the index: the mapping, the analysis and the way
// passages become documents. Change it whenever any of them changes; an index built
// under another version is rebuilt on open.
const MappingVersion = 10

// BM25 parameters. bleve divides a passage's length by an "average field length" that
// it computes as distinct terms per document, several times less than the true mean, so
// its b weighs length several times harder than standard BM25's: b = 0.1 here weighs it
// about as b = 0.75 does there. Measured on SciFact (nDCG@10): b 0.75 0.664, b 0.1 0.669.
const (
	bm25B  = 0.1
	bm25K1 = 1.2
)

// bleveOnce sets bleve's process-wide knobs, once: the one place they are set.
var bleveOnce sync.Once

// configureBleve sets bleve's BM25 parameters.
func configureBleve() {
	bleveOnce.Do(func() { search.BM25_b, search.BM25_k1 = bm25B, bm25K1 })
}

// Field names of an indexed passage.
const (
	fieldText    = "text"
	fieldTitle   = "title"
	fieldSection = "section"
	fieldDoc     = "doc"
	fieldKind    = "kind"
	// fieldTaught holds the questions moderators taught the passage (see taught.go):
	// searched, never shown.
	fieldTaught = "taught"
	// The first and last day of a passage's date, as the numbers YYYYMMDD; 0 when it has
	// none. Past datedInMemory passages found, a question about a period finds the
	// passages dated in it by their range and sorts them by their first day, and one
	// about the present sorts by the last (doc values); below, the dates in memory do.
	fieldDateStart = "date_start"
	fieldDateEnd   = "date_end"
	// fieldDatedIn holds, for a dated passage, datedTerm and the year of its date's last
	// day ("2026"): the passages dated, or dated to a year or later, are a term or a few,
	// which bleve reads faster than a range of numbers (a numeric range is dozens of
	// terms at 200,000 passages).
	fieldDatedIn = "dated_in"
)

// datedTerm is the term of fieldDatedIn that every dated passage has.
const datedTerm = "dated"

// analyzerName is the analyzer of every text field: English analysis that keeps "US".
// plainAnalyzerName is the same without reading "U.S." as "US", for texts that lack it.
const (
	analyzerName      = "standoff_en"
	plainAnalyzerName = "standoff_en_plain"
)

// passageType is the bleve document type of a passage.
const passageType = "passage"

// indexedPassage is what bleve stores of a passage: only what is searched. The text
// shown to users comes from the corpus, by id.
type indexedPassage struct {
	Text    string `json:"text"`
	Title   string `json:"title"`
	Section string `json:"section"`
	Doc     string `json:"doc"`
	Kind    string `json:"kind"`
	Taught  string `json:"taught"`
	// DateStart and DateEnd are the first and last day of its date, YYYYMMDD; 0 when it
	// has none.
	DateStart float64 `json:"date_start"`
	DateEnd   float64 `json:"date_end"`
	// DatedIn is datedTerm and the year of its last day; none when it has no date.
	DatedIn []string `json:"dated_in"`
}

// Type tells bleve which document mapping applies.
func (indexedPassage) Type() string { return passageType }

// newMapping builds the index mapping: BM25 scoring, English analysis with stemming,
// possessives and stop words, on the passage text, its document's title, its section and
// the questions taught to it; the days its date covers, as numbers.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	m.ScoringModel = bleveindex.BM25Scoring
	if err := addAnalysis(m); err != nil {
		return nil, fmt.Errorf("build mapping: %w", err)
	}
	m.DefaultAnalyzer = analyzerName

	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = true // phrase queries need positions
		f.DocValues = false
		return f
	}
	keywordField := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}

	number := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = true // sorted on
		return f
	}

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldText, text())
	doc.AddFieldMappingsAt(fieldTitle, text())
	doc.AddFieldMappingsAt(fieldSection, text())
	doc.AddFieldMappingsAt(fieldTaught, text())
	doc.AddFieldMappingsAt(fieldDoc, keywordField())
	doc.AddFieldMappingsAt(fieldKind, keywordField())
	doc.AddFieldMappingsAt(fieldDateStart, number())
	doc.AddFieldMappingsAt(fieldDateEnd, number())
	doc.AddFieldMappingsAt(fieldDatedIn, keywordField())
	m.AddDocumentMapping(passageType, doc)
	m.DefaultMapping = bleve.NewDocumentDisabledMapping()
	m.DefaultType = passageType
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}

// addAnalysis registers the custom analyzer on the mapping: the "en" chain, with "U.S."
// read as "US" and "us" kept out of the stop words, so that questions about the United
// States find their passages. The char filter keeps byte lengths, so token offsets stay
// those of the original text.
func addAnalysis(m *mapping.IndexMappingImpl) error {
	// Replacements keep byte lengths, so token offsets stay those of the original text.
	for name, f := range map[string][2]string{
		"usa_dots": {`\bU\.S\.A\.`, "US    "},
		"us_dots":  {`\bU\.S\.`, "US  "}, // keep in step with usDots
	} {
		if err := m.AddCustomCharFilter(name, map[string]any{"type": regexp.Name, "regexp": f[0], "replace": f[1]}); err != nil {
			return err
		}
	}
	words, err := stopWords()
	if err != nil {
		return err
	}
	if err := m.AddCustomTokenMap("stop_standoff", map[string]any{
		"type":   tokenmap.Name,
		"tokens": words,
	}); err != nil {
		return err
	}
	if err := m.AddCustomTokenFilter("stop_standoff", map[string]any{
		"type":           stop.Name,
		"stop_token_map": "stop_standoff",
	}); err != nil {
		return err
	}
	filters := []any{en.PossessiveName, lowercase.Name, "stop_standoff", porter.Name}
	if err := m.AddCustomAnalyzer(analyzerName, map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{"usa_dots", "us_dots"},
		"tokenizer":     unicode.Name,
		"token_filters": filters,
	}); err != nil {
		return err
	}
	// The same chain without the char filters: it gives the same tokens for a text
	// without "U.S.", without running their regular expressions (see analyzerFor).
	return m.AddCustomAnalyzer(plainAnalyzerName, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": filters,
	})
}

// stopWords is bleve's English stop list less "us", which in this field means the
// United States far more often than the pronoun.
func stopWords() ([]any, error) {
	tm := analysis.NewTokenMap()
	if err := tm.LoadBytes(en.EnglishStopWords); err != nil {
		return nil, fmt.Errorf("load stop words: %w", err)
	}
	var words []any
	for w := range tm {
		if w != "us" && !strings.Contains(w, " ") {
			words = append(words, w)
		}
	}
	return words, nil
}
