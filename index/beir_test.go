package index

import (
	"math"
	"testing"
)

func TestRankingMeasures(t *testing.T) {
	rel := map[string]bool{"a": true, "c": true}
	ranked := DocRanking([]string{"b", "a", "a", "d", "c", "e"}, 4)
	if got, want := len(ranked), 4; got != want {
		t.Fatalf("DocRanking kept %d, want %d: %v", got, want, ranked)
	}
	if ranked[1] != "a" || ranked[2] != "d" || ranked[3] != "c" {
		t.Errorf("DocRanking = %v, want [b a d c]", ranked)
	}
	// DCG = 1/log2(3) + 1/log2(5); ideal = 1 + 1/log2(3).
	want := (1/math.Log2(3) + 1/math.Log2(5)) / (1 + 1/math.Log2(3))
	if got := NDCG(ranked, rel, 10); math.Abs(got-want) > 1e-9 {
		t.Errorf("NDCG = %v, want %v", got, want)
	}
	if got := NDCG([]string{"a", "c"}, rel, 10); math.Abs(got-1) > 1e-9 {
		t.Errorf("NDCG of the ideal ranking = %v, want 1", got)
	}
	if got := RecallAt(ranked, rel, 2); got != 0.5 {
		t.Errorf("RecallAt 2 = %v, want 0.5", got)
	}
	if got := RecallAt(ranked, map[string]bool{}, 2); got != 0 {
		t.Errorf("RecallAt with nothing relevant = %v, want 0", got)
	}
}
