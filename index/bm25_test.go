package index

import "github.com/blevesearch/bleve/v2/search"

// bm25Params and setBM25 read and set bleve's process-wide BM25 parameters, for tests
// that compare them.
func bm25Params() (b, k1 float64) { return search.BM25_b, search.BM25_k1 }

func setBM25(b, k1 float64) { search.BM25_b, search.BM25_k1 = b, k1 }
