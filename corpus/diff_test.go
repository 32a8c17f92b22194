package corpus

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

func loadMap(t *testing.T, files map[string]string) *Corpus {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	c, err := Load(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDiff(t *testing.T) {
	old := loadMap(t, map[string]string{
		"a.md": "---\ntitle: A\n---\n\nOne.\n\nTwo.\n\nThree.\n",
		"b.md": "---\ntitle: B\n---\n\nBee.\n",
		"c.md": "---\ntitle: C\n---\n\nSee.\n\nSea.\n",
	})
	cur := loadMap(t, map[string]string{
		"a.md": "---\ntitle: A\n---\n\nOne.\n\nTwo, changed.\n",
		"b.md": "---\ntitle: B\n---\n\nBee.\n",
		"d.md": "---\ntitle: D\n---\n\nDee.\n",
	})
	got := Diff(old, cur)
	ids := func(list []DocChange) string {
		var s []string
		for _, d := range list {
			s = append(s, d.ID)
		}
		return strings.Join(s, ",")
	}
	if ids(got.Added) != "d" || ids(got.Updated) != "a" || ids(got.Removed) != "c" {
		t.Fatalf("added %q updated %q removed %q, want d, a, c", ids(got.Added), ids(got.Updated), ids(got.Removed))
	}
	a := got.Updated[0]
	if a.PassagesAdded != 0 || a.PassagesUpdated != 1 || a.PassagesRemoved != 1 {
		t.Errorf("a: passages +%d ~%d -%d, want +0 ~1 -1", a.PassagesAdded, a.PassagesUpdated, a.PassagesRemoved)
	}
	if got.PassagesAdded != 1 || got.PassagesUpdated != 1 || got.PassagesRemoved != 3 {
		t.Errorf("totals +%d ~%d -%d, want +1 ~1 -3", got.PassagesAdded, got.PassagesUpdated, got.PassagesRemoved)
	}
	if got.Removed[0].Hash == "" || got.Added[0].Hash == "" {
		t.Error("a change without a content hash")
	}
	sum := got.Summary()
	for _, want := range []string{"Added 1 document:", "d — D (1 passage)", "Updated 1 document:", "Removed 1 document:", "c — C (2 passages)", "Passages: 1 added, 1 updated, 3 removed."} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if same := Diff(cur, cur); !same.Empty() || !strings.HasPrefix(same.Summary(), "Nothing changed") {
		t.Errorf("diff of a corpus with itself: %+v", same)
	}
	if all := Diff(nil, cur); len(all.Added) != 3 {
		t.Errorf("diff from nothing adds %d documents, want 3", len(all.Added))
	}
}

func TestNearDuplicates(t *testing.T) {
	base := "Negotiators met in Oman on Friday and agreed to meet again next week in Muscat to discuss the limits on enrichment"
	c := loadMap(t, map[string]string{
		"same.md":  "---\ntitle: Same\n---\n\n" + base + ".\n",
		"close.md": "---\ntitle: Close\n---\n\n" + base + " and sanctions.\n",
		"far.md":   "---\ntitle: Far\n---\n\nBreakout time is the time needed to produce enough weapons-grade uranium.\n",
	})
	doc, err := ParseDocument("new.md", []byte("---\ntitle: New\n---\n\n"+strings.ToUpper(base)+"!\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := NearDuplicates(doc, c.Documents, NearDuplicateThreshold)
	if len(got) != 2 || got[0].ID != "same" || got[0].Score != 1 || got[1].ID != "close" || got[1].Score < 0.8 {
		t.Errorf("NearDuplicates = %+v, want same (1.0) then close (≥ 0.8)", got)
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ title, want string }{
		{"Iran: the talks resume", "iran-the-talks-resume"},
		{"  Café déjà vu!  ", "cafe-deja-vu"},
		{"U.S.–Iran “snapback” (2025)", "u-s-iran-snapback-2025"},
		{"گفتگوهای هسته‌ای ایران", "گفتگوهای-هسته-ای-ایران"},
		{"!!!", "document"},
		{strings.Repeat("word ", 30), strings.TrimSuffix(strings.Repeat("word-", 12), "-")},
		{strings.Repeat("x", 80), strings.Repeat("x", 60)},
		{"AUX", "aux-document"},
		{"Con", "con-document"},
		{"COM1", "com1-document"},
		{"Aux talks", "aux-talks"},
	}
	for _, tt := range tests {
		if got := Slug(tt.title); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}
