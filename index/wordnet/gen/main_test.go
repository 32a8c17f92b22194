package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun generates the lexicon of a small WordNet and corpus: synonyms of a synset, an
// exception's base form, a satellite adjective's head, a word of two ("cease-fire") as
// one, and no words that only share a stem with the corpus's ("initiate", "initiative").
func TestRun(t *testing.T) {
	wn, dir := t.TempDir(), t.TempDir()
	files := map[string]string{
		"data.adj": "  1 This is a licence line.\n" +
			"00001000 00 a 02 large 0 big 0 000 | above average in size\n" +
			"00002000 00 s 01 huge 0 001 & 00001000 a 0000 | unusually great in size\n",
		"index.adj": "  1 This is a licence line.\nbig a 1 0 1 0 00001000  \nhuge a 1 1 & 1 0 00002000  \nlarge a 1 0 1 0 00001000  \n",
		"data.noun": "00003000 04 n 03 truce 0 cease-fire 0 armistice 0 000 | a state of peace\n" +
			"00004000 18 n 02 novice 0 initiate 0 000 | someone new to a field\n",
		"index.noun": "armistice n 1 0 1 0 00003000  \nnovice n 1 0 1 0 00004000  \ntruce n 1 0 1 0 00003000  \n",
		"data.verb":  "", "index.verb": "", "data.adv": "", "index.adv": "",
		"adj.exc": "biggest big\n", "noun.exc": "", "verb.exc": "", "adv.exc": "",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(wn, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	doc := "---\ntitle: Sites\n---\n\nThe largest site. A ceasefire held. An initiative began.\n"
	if err := os.WriteFile(filepath.Join(dir, "sites.md"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "lexicon.txt")
	if err := run(context.Background(), options{wordnet: wn, corpus: dir, out: out, senses: 2}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(string(data), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			got = append(got, line)
		}
	}
	want := []string{"armistic\tceasefir", "big\tlarg", "biggest\tlarg", "huge\tlarg", "truce\tceasefir"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lexicon:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := run(context.Background(), options{wordnet: t.TempDir(), corpus: dir, out: out, senses: 2}); err == nil {
		t.Error("no error for a folder without WordNet")
	}
}
