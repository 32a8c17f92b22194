package standoff

import "testing"

// TestCitationDates shows a passage's date in its citation: its document's, then its own
// where it has one, and says when it has none.
func TestCitationDates(t *testing.T) {
	src := []Source{{Title: "The JCPOA at a glance", URL: "https://example.org/a"}}
	for _, tt := range []struct {
		name string
		r    Result
		want string
	}{
		{"timeline entry", Result{Kind: "timeline", Section: "2026", Paragraph: 7, Sources: src, Date: "2026-03-08", DateOwn: true},
			"standoff’s own summary of the sources it cites · dated 8 March 2026 · ¶ 7"},
		{"timeline entry dated to a year", Result{Kind: "timeline", Section: "2022", Paragraph: 4, Sources: src, Date: "2022", DateOwn: true},
			"standoff’s own summary of the sources it cites · dated 2022 · ¶ 4"},
		{"glossary with its document's date", Result{Kind: "glossary", Section: "Fordow", Paragraph: 2, Sources: src, Published: "2026-07-01", Date: "2026-07-01"},
			"standoff’s own summary of the sources it cites · 1 July 2026 · ¶ 2"},
		{"article with a figure as of", Result{Kind: "article", Publisher: "Reuters", Published: "2025-05-31", Date: "2025-05-17", DateOwn: true, Paragraph: 3},
			"Reuters · 31 May 2025 · dated 17 May 2025 · ¶ 3"},
		{"undated", Result{Kind: "opinion", Paragraph: 5}, "Publisher and address unknown · date unknown · ¶ 5"},
	} {
		if got := tt.r.Citation(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestReach(t *testing.T) {
	if got, want := Reach("2026-06-30"), "The corpus reaches to 30 June 2026, the date of its newest passage."; got != want {
		t.Errorf("Reach = %q, want %q", got, want)
	}
	if got := Reach(""); got != "No passage of the corpus is dated, so it cannot tell how far it reaches." {
		t.Errorf("Reach of an undated corpus = %q", got)
	}
}
