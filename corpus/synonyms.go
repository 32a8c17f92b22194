package corpus

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseSynonyms parses synonyms.txt in Solr format, one rule a line:
//
//	# a comment, from # to the end of the line
//	enrichment, enriching           terms made equivalent
//	jcpoa, iran deal => jcpoa       the left terms rewritten to the right ones
//
// Terms are trimmed and lower-cased, and the spaces inside a term of several words are
// collapsed to one. Lines that cannot be read are skipped and returned as Problems with
// the path synonyms.txt and their line.
func ParseSynonyms(data []byte) ([]SynonymRule, []Problem) {
	var rules []SynonymRule
	var problems []Problem
	text := strings.TrimPrefix(string(data), "\ufeff")
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		if !utf8.ValidString(line) {
			problems = append(problems, Problem{Path: synonymsFile, Line: n, Reason: "not UTF-8 text"})
			continue
		}
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		rule, err := parseSynonymLine(line)
		if err != nil {
			problems = append(problems, Problem{Path: synonymsFile, Line: n, Reason: err.Error()})
			continue
		}
		rule.Line = n
		rules = append(rules, rule)
	}
	return rules, problems
}

// parseSynonymLine parses one rule, without its comment. The error is the reason for a
// Problem.
func parseSynonymLine(line string) (SynonymRule, error) {
	left, right, oneWay := strings.Cut(line, "=>")
	terms, err := synonymTerms(left)
	if err != nil {
		return SynonymRule{}, err
	}
	if !oneWay {
		if len(terms) == 1 {
			return SynonymRule{}, fmt.Errorf("a single term %q: give two or more, separated by commas, or a => rewrite", terms[0])
		}
		return SynonymRule{Terms: terms}, nil // two or more: the line is not blank
	}
	if strings.Contains(right, "=>") {
		return SynonymRule{}, errors.New("more than one =>")
	}
	targets, err := synonymTerms(right)
	if err != nil {
		return SynonymRule{}, err
	}
	if len(terms) == 0 {
		return SynonymRule{}, errors.New("no term before =>")
	}
	if len(targets) == 0 {
		return SynonymRule{}, errors.New("no term after =>")
	}
	return SynonymRule{Terms: terms, Targets: targets}, nil
}

// synonymTerms splits a comma-separated list of terms, normalised and without duplicates.
// An empty list is no error; an empty term between commas is.
func synonymTerms(list string) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	var terms []string
	for _, t := range strings.Split(list, ",") {
		t = strings.ToLower(strings.Join(strings.FieldsFunc(t, unicode.IsSpace), " "))
		if t == "" {
			return nil, errors.New("an empty term between commas")
		}
		if !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	return terms, nil
}

// domainSynonyms are the acronyms, names and spellings of the Iran–US nuclear standoff
// that every corpus gets, in synonyms.txt's format; a corpus's own synonyms.txt adds to
// them. Keep to terms that mean one thing in this domain.
const domainSynonyms = `
npt, non-proliferation treaty, nuclear non-proliferation treaty, nonproliferation treaty, treaty on the non-proliferation of nuclear weapons
jcpoa, joint comprehensive plan of action, iran nuclear deal, iran deal
iaea, international atomic energy agency
heu, highly enriched uranium, high enriched uranium
leu, low enriched uranium
irgc, islamic revolutionary guard corps, revolutionary guards, revolutionary guard
aeoi, atomic energy organization of iran, atomic energy organisation of iran
e3, eu3, european three
p5+1, p5 plus 1, p5 plus one, e3+3, e3 plus 3
unsc, un security council, united nations security council
unscr 2231, resolution 2231, security council resolution 2231
swu, swus, separative work unit, separative work units
uf6, uranium hexafluoride
trr, tehran research reactor
csa, comprehensive safeguards agreement
fordow, fordo
isfahan, esfahan
arak, khondab
bushehr, bushire
snapback, snap back, snap-back
broker, brokered, brokering, mediate, mediated, mediating, mediation
dg => director general
fm => foreign minister
vp => vice president
nie => national intelligence estimate
`

// DomainSynonyms returns the built-in synonym rules of the standoff's domain (see
// domainSynonyms), which an index merges with a corpus's own.
func DomainSynonyms() []SynonymRule {
	rules, _ := ParseSynonyms([]byte(domainSynonyms))
	return rules
}
