package index

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/standoff-bot/standoff/corpus"
)

// JudgedQuery is a query of a BEIR collection with the documents judged relevant to it.
type JudgedQuery struct {
	ID       string
	Text     string
	Relevant map[string]bool // document ids
}

// ReadBEIR reads a BEIR collection's train split from dir (corpus.jsonl.gz,
// queries.train.jsonl, qrels/train.tsv, as the SciFact benchmark has them): each
// abstract becomes a plain-text document (title, blank line, text) whose id is the
// collection's, and each query with judgments a JudgedQuery.
func ReadBEIR(dir string) (*corpus.Corpus, []JudgedQuery, error) {
	c, err := readBEIRCorpus(filepath.Join(dir, "corpus.jsonl.gz"))
	if err != nil {
		return nil, nil, fmt.Errorf("read beir: %w", err)
	}
	qs, err := readBEIRQueries(filepath.Join(dir, "queries.train.jsonl"), filepath.Join(dir, "qrels", "train.tsv"))
	if err != nil {
		return nil, nil, fmt.Errorf("read beir: %w", err)
	}
	return c, qs, nil
}

func readBEIRCorpus(path string) (*corpus.Corpus, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	c := &corpus.Corpus{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var rec struct {
			ID    string `json:"_id"`
			Title string `json:"title"`
			Text  string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
		title := strings.Join(strings.Fields(rec.Title), " ")
		if title == "" {
			title = rec.ID
		}
		doc, err := corpus.ParseDocument(rec.ID+".txt", []byte(title+"\n\n"+rec.Text))
		if err != nil {
			continue // an abstract with no text
		}
		c.Documents = append(c.Documents, doc)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return c, nil
}

func readBEIRQueries(queries, qrels string) ([]JudgedQuery, error) {
	data, err := os.ReadFile(qrels)
	if err != nil {
		return nil, err
	}
	relevant := map[string]map[string]bool{}
	for i, line := range strings.Split(string(data), "\n") {
		cols := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if i == 0 || len(cols) < 3 {
			continue // the header, or a blank line
		}
		if relevant[cols[0]] == nil {
			relevant[cols[0]] = map[string]bool{}
		}
		relevant[cols[0]][cols[1]] = true
	}
	f, err := os.Open(queries)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []JudgedQuery
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var rec struct {
			ID   string `json:"_id"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(queries), err)
		}
		if rel := relevant[rec.ID]; len(rel) > 0 {
			out = append(out, JudgedQuery{ID: rec.ID, Text: rec.Text, Relevant: rel})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(queries), err)
	}
	return out, nil
}

// DocRanking turns a ranking of passages, given by their documents in order, into a
// ranking of documents: a document ranks where its best passage does. It keeps n.
func DocRanking(docs []string, n int) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range docs {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// NDCG is the binary-relevance nDCG at k of a document ranking.
func NDCG(ranked []string, relevant map[string]bool, k int) float64 {
	var dcg, ideal float64
	for i := 0; i < k && i < len(ranked); i++ {
		if relevant[ranked[i]] {
			dcg += 1 / math.Log2(float64(i+2))
		}
	}
	for i := 0; i < k && i < len(relevant); i++ {
		ideal += 1 / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

// RecallAt is the share of the relevant documents among the first k of a ranking.
func RecallAt(ranked []string, relevant map[string]bool, k int) float64 {
	if len(relevant) == 0 {
		return 0
	}
	got := 0
	for i := 0; i < k && i < len(ranked); i++ {
		if relevant[ranked[i]] {
			got++
		}
	}
	return float64(got) / float64(len(relevant))
}
