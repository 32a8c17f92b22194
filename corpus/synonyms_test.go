package corpus

import (
	"reflect"
	"testing"
)

func TestParseSynonyms(t *testing.T) {
	data := []byte("\ufeff# a comment\n" + // 1
		"\n" + // 2
		"JCPOA, Iran  Deal ,nuclear deal\n" + // 3
		"leave, quit => withdraw, leave   # trailing comment\n" + // 4
		"   \t\n" + // 5
		"=> x\n" + // 6
		"a =>\n" + // 7
		"alone\n" + // 8
		"a, , b\n" + // 9
		"a => b => c\n" + // 10
		"a, A\n" + // 11
		"Breakout Time, breakout\r\n" + // 12
		"b\xffad, x\n") // 13
	gotRules, gotProblems := ParseSynonyms(data)
	wantRules := []SynonymRule{
		{Terms: []string{"jcpoa", "iran deal", "nuclear deal"}, Line: 3},
		{Terms: []string{"leave", "quit"}, Targets: []string{"withdraw", "leave"}, Line: 4},
		{Terms: []string{"breakout time", "breakout"}, Line: 12},
	}
	if !reflect.DeepEqual(gotRules, wantRules) {
		t.Errorf("rules:\n got %+v\nwant %+v", gotRules, wantRules)
	}
	wantProblems := []Problem{
		{"synonyms.txt", 6, "no term before =>"},
		{"synonyms.txt", 7, "no term after =>"},
		{"synonyms.txt", 8, `a single term "alone": give two or more, separated by commas, or a => rewrite`},
		{"synonyms.txt", 9, "an empty term between commas"},
		{"synonyms.txt", 10, "more than one =>"},
		{"synonyms.txt", 11, `a single term "a": give two or more, separated by commas, or a => rewrite`},
		{"synonyms.txt", 13, "not UTF-8 text"},
	}
	if !reflect.DeepEqual(gotProblems, wantProblems) {
		t.Errorf("problems:\n got %v\nwant %v", gotProblems, wantProblems)
	}
}

func TestParseSynonymsEmpty(t *testing.T) {
	for _, data := range []string{"", "\n", "# only a comment\n"} {
		rules, problems := ParseSynonyms([]byte(data))
		if len(rules) != 0 || len(problems) != 0 {
			t.Errorf("ParseSynonyms(%q) = %v, %v, want nothing", data, rules, problems)
		}
	}
}

func TestDomainSynonyms(t *testing.T) {
	rules, problems := ParseSynonyms([]byte(domainSynonyms))
	if len(problems) > 0 {
		t.Fatalf("built-in synonyms have problems: %v", problems)
	}
	got := DomainSynonyms()
	if !reflect.DeepEqual(got, rules) || len(got) < 20 {
		t.Fatalf("DomainSynonyms() = %d rules, want the %d of domainSynonyms", len(got), len(rules))
	}
	want := map[string]string{"npt": "non-proliferation treaty", "fordo": "fordow", "esfahan": "isfahan", "p5+1": "p5 plus 1", "heu": "highly enriched uranium"}
	for a, b := range want {
		found := false
		for _, r := range got {
			if contains(r.Terms, a) && contains(r.Terms, b) {
				found = true
			}
		}
		if !found {
			t.Errorf("no built-in rule makes %q and %q equivalent", a, b)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
