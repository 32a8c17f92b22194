package bot

import (
	"testing"
	"time"
)

// TestReviewPosterPace: the review channel gets at most reviewPosts posts in any
// minute, and posts again once the minute has passed.
func TestReviewPosterPace(t *testing.T) {
	var rp reviewPoster
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for i := range reviewPosts {
		if !rp.allow(t0.Add(time.Duration(i) * time.Second)) {
			t.Fatalf("post %d refused", i+1)
		}
	}
	if rp.left() != 0 || rp.allow(t0.Add(30*time.Second)) {
		t.Errorf("a post beyond %d in a minute was allowed", reviewPosts)
	}
	if !rp.allow(t0.Add(61 * time.Second)) {
		t.Error("no post allowed a minute later")
	}
}
