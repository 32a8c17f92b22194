package corpus

import (
	"reflect"
	"strings"
	"testing"
)

func TestSourcesParagraphs(t *testing.T) {
	src := "---\ntitle: G\nkind: glossary\n---\n\n" +
		"## Breakout time\n\n" +
		"Breakout time is the time needed.\n\n" +
		"It was about a year.\n\n" +
		"Sources: [The JCPOA at a glance](https://armscontrol.org/node/7135) (Arms Control Association); " +
		"[Mirage News](https://www.miragenews.com/x) (Mirage News, 2025-08-28); " +
		"[Bad](javascript:alert(1)) (Evil); [Creds](https://user:pw@example.org/) (Creds Inc, 2022-02); " +
		"the opinion article in this corpus (publisher and date not given).\n\n" +
		"## Timeline\n\n" +
		"2015: the deal.\n\n" +
		"Source: [One](http://example.org/one) (P1, 2015).\n\n" +
		"2018: withdrawal.\n\n" +
		"Sources: [Two](<https://example.org/two three>) (P2, with; semicolon).\n\n" +
		"## Ahead\n\n" +
		"Sources: <https://example.org/auto>\n\n" +
		"After the list.\n\n" +
		"## Uncited\n\n" +
		"No sources here.\n"
	doc, err := ParseDocument("g.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	aca := Citation{Title: "The JCPOA at a glance", Publisher: "Arms Control Association", URL: "https://armscontrol.org/node/7135"}
	breakout := []Citation{
		aca,
		{Publisher: "Mirage News", Published: "2025-08-28", URL: "https://www.miragenews.com/x"},
		{Title: "Bad", Publisher: "Evil"},
		{Title: "Creds", Publisher: "Creds Inc", Published: "2022-02"},
		{Title: "the opinion article in this corpus (publisher and date not given)"},
	}
	want := []struct {
		text    string
		sources []Citation
	}{
		{"Breakout time is the time needed.", breakout},
		{"It was about a year.", breakout},
		{"2015: the deal.", []Citation{{Title: "One", Publisher: "P1", Published: "2015", URL: "http://example.org/one"}}},
		{"2018: withdrawal.", []Citation{{Title: "Two", Publisher: "P2, with; semicolon"}}},
		{"After the list.", []Citation{{URL: "https://example.org/auto"}}},
		{"No sources here.", nil},
	}
	if len(doc.Paragraphs) != len(want) {
		t.Fatalf("%d paragraphs, want %d: %+v", len(doc.Paragraphs), len(want), doc.Paragraphs)
	}
	for i, w := range want {
		got := doc.Paragraphs[i]
		if got.Number != i+1 || got.Text != w.text || !reflect.DeepEqual(got.Sources, w.sources) {
			t.Errorf("paragraph %d:\n got %d %q %+v\nwant %d %q %+v", i, got.Number, got.Text, got.Sources, i+1, w.text, w.sources)
		}
	}
	c := &Corpus{Documents: []Document{doc}}
	for _, p := range c.Passages() {
		if strings.Contains(p.Text, "Sources:") || strings.Contains(p.Text, "http") {
			t.Errorf("passage %s quotes a source line: %q", p.ID, p.Text)
		}
	}
	if ps := c.Passages(); !reflect.DeepEqual(ps[0].Sources, breakout) {
		t.Errorf("passage sources = %+v", ps[0].Sources)
	}
}

func TestPublisherDate(t *testing.T) {
	for _, tc := range []struct{ in, pub, date string }{
		{"Arms Control Association", "Arms Control Association", ""},
		{"Jewish Insider, 2025-08-28", "Jewish Insider", "2025-08-28"},
		{"2016", "", "2016"},
		{"Science & Global Security 24(2), 2016", "Science & Global Security 24(2)", "2016"},
		{"A, B", "A, B", ""},
	} {
		if p, d := publisherDate(tc.in); p != tc.pub || d != tc.date {
			t.Errorf("publisherDate(%q) = %q, %q; want %q, %q", tc.in, p, d, tc.pub, tc.date)
		}
	}
}

// The default corpus: every paragraph of the glossary and the timeline has a source with
// a web address, and no paragraph is a list of sources.
func TestDefaultCorpusSources(t *testing.T) {
	c, err := Load(t.Context(), Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range c.Documents {
		for _, p := range d.Paragraphs {
			if sourcesPrefix(p.Text) || strings.Contains(p.Text, "(Source") || strings.Contains(p.Text, "https://") {
				t.Errorf("%s ¶ %d quotes its sources: %q", d.ID, p.Number, p.Text)
			}
			if d.Kind != KindGlossary && d.Kind != KindTimeline {
				continue
			}
			web := false
			for _, s := range p.Sources {
				web = web || s.URL != ""
			}
			if !web {
				t.Errorf("%s ¶ %d (%s) has no source with an address", d.ID, p.Number, p.Section)
			}
		}
	}
}
