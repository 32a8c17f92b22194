package index

import (
	"reflect"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff/corpus"
)

func TestAcronymDefinitions(t *testing.T) {
	tests := []struct {
		text string
		want [][2]string
	}{
		{"Iran is a party to the Nuclear Non-Proliferation Treaty (NPT) since 1970.", [][2]string{{"NPT", "Non-Proliferation Treaty"}}},
		{"the Comprehensive Safeguards Agreement (CSA) and the Additional Protocol (AP)", [][2]string{{"CSA", "Comprehensive Safeguards Agreement"}, {"AP", "Additional Protocol"}}},
		{"tumour necrosis factor (TNF) levels", [][2]string{{"TNF", "tumour necrosis factor"}}},
		{"the P5+1 group (P5+1)", nil},      // no long form: the acronym itself
		{"about 60% (IR-6 machines)", nil},  // not an acronym
		{"a year (or two) later (US)", nil}, // "later" holds no u-s run starting a word
		{"unclosed (NPT", nil},              // no closing parenthesis
		{"(NPT) at the start", nil},         // nothing before it
		{"Ünïcödé Wörds Thât (ÜWT)", [][2]string{{"ÜWT", "Ünïcödé Wörds Thât"}}}, // letters beyond ASCII
	}
	for _, tt := range tests {
		if got := acronymDefinitions(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("acronymDefinitions(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestLearnAcronymsKeepsAgreedForms(t *testing.T) {
	ps := []corpus.Passage{
		{Text: "The Comprehensive Safeguards Agreement (CSA) binds Iran."},
		{Text: "Under a comprehensive safeguards agreement (CSA), inspectors come."},
		{Text: "Programmed death (PD) pathways and Parkinson disease (PD) differ."},
	}
	got := learnAcronyms(ps)
	want := []corpus.SynonymRule{{Terms: []string{"csa"}, Targets: []string{"comprehensive safeguards agreement"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("learnAcronyms = %+v, want %+v", got, want)
	}
}

// TestDomainWordsOnAnyCorpus asks, of a corpus without synonyms.txt, for acronyms that
// only its text's long forms answer: built in ("NPT", "IRGC"), or defined elsewhere in
// the text ("CSA").
func TestDomainWordsOnAnyCorpus(t *testing.T) {
	ix := openMem(t, loadFS(t, map[string]string{
		"treaty.md": "---\ntitle: Treaties\n---\n\nThe Non-Proliferation Treaty bars Iran from building a weapon.\n\n" +
			"Iran signed its Comprehensive Safeguards Agreement (CSA) in 1974.\n",
		"sites.md": "---\ntitle: Sites\n---\n\nUnder the comprehensive safeguards agreement, inspectors visit every month.\n\n" +
			"The Islamic Revolutionary Guard Corps guards the coast.\n",
	}))
	tests := []struct{ question, want string }{
		{"NPT", "bars Iran"},
		{"what does the IRGC do", "guards the coast"},
		{"what does the CSA allow", "every month"},
	}
	for _, tt := range tests {
		ans := ask(t, ix, tt.question, 3)
		found := false
		for _, r := range ans.Results {
			found = found || strings.Contains(r.Text, tt.want)
		}
		if !found {
			t.Errorf("%q: results %v; want the passage with %q", tt.question, docNames(ans), tt.want)
		}
	}
}
