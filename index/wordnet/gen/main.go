// Command gen writes the lexicon that package index expands questions with: the WordNet
// 3.0 synonyms of English words, kept only where they lead to a word of the corpus.
//
//	go run ./index/wordnet/gen -wordnet /usr/share/wordnet -corpus corpus/default -out index/wordnet/lexicon.txt
//
// WordNet 3.0 comes from Debian's wordnet-base package (apt-get download wordnet-base;
// dpkg-deb -x wordnet-base_*.deb DIR; then -wordnet DIR/usr/share/wordnet). See
// index/wordnet/README.md.
//
// For every word of WordNet (and every inflected form its exception lists name), the words
// of its first -senses senses' synsets (and, for adjectives, of the synsets they are
// similar to, for a satellite adjective) that the corpus or the domain's built-in synonyms
// use are its alternatives; a word of several ("cease-fire", "nuclear_weapon") counts as
// the one word they make together ("ceasefire").
// The lexicon holds words as the index analyses them (lower case, Porter stems), one a
// line: the word, a tab, its alternatives separated by spaces.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"

	"github.com/standoff-bot/standoff/corpus"
)

func main() {
	var o options
	flag.StringVar(&o.wordnet, "wordnet", "/usr/share/wordnet", "the `folder` of WordNet 3.0's database files (index.noun, data.noun, …)")
	flag.StringVar(&o.corpus, "corpus", "corpus/default", "the corpus `folder` whose words the lexicon leads to")
	flag.StringVar(&o.out, "out", "index/wordnet/lexicon.txt", "the `file` to write")
	flag.IntVar(&o.senses, "senses", 2, "how many of a word's most frequent senses count, per part of speech")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	wordnet, corpus, out string
	senses               int
}

// parts are WordNet's parts of speech, by the suffix of their files.
var parts = []string{"noun", "verb", "adj", "adv"}

// wordPattern finds the words of the corpus.
var wordPattern = regexp.MustCompile(`[a-z]+`)

// synset is one WordNet synset: its words, and the synset it is similar to.
type synset struct {
	words   []string
	similar []string // for a satellite adjective, the key "pos:offset" of its head synset
}

func run(ctx context.Context, o options) error {
	c, err := corpus.LoadDir(ctx, o.corpus)
	if err != nil {
		return fmt.Errorf("load corpus: %w", err)
	}
	stemmer := porter.NewPorterStemmer()
	stem := func(w string) string {
		ts := stemmer.Filter(analysis.TokenStream{&analysis.Token{Term: []byte(w)}})
		return string(ts[0].Term)
	}
	known := map[string]bool{} // the corpus's words, as written (lower case)
	addText := func(s string) {
		for _, w := range wordPattern.FindAllString(strings.ToLower(s), -1) {
			known[w] = true
		}
	}
	// used tells whether the corpus writes a lemma, or one of its regular inflections:
	// comparing stems would take "initiate" for "initiative".
	used := func(lemma string) bool {
		for _, end := range []string{"", "s", "es", "d", "ed", "ing", "er", "est"} {
			if known[lemma+end] {
				return true
			}
		}
		return strings.HasSuffix(lemma, "e") && (known[lemma+"r"] || known[lemma+"st"] ||
			known[lemma[:len(lemma)-1]+"ing"] || known[lemma[:len(lemma)-1]+"ion"]) ||
			strings.HasSuffix(lemma, "y") && (known[lemma[:len(lemma)-1]+"ies"] || known[lemma[:len(lemma)-1]+"ied"])
	}
	for _, p := range c.Passages() {
		addText(p.Text)
		addText(p.Section)
		addText(p.Title)
	}
	for _, r := range append(c.Synonyms, corpus.DomainSynonyms()...) {
		for _, t := range append(slices.Clone(r.Terms), r.Targets...) {
			addText(t)
		}
	}

	synsets := map[string]synset{}
	senses := map[string][]string{} // word → keys of its first senses, every part of speech
	for _, pos := range parts {
		if err := readData(filepath.Join(o.wordnet, "data."+pos), pos, synsets); err != nil {
			return err
		}
		if err := readIndex(filepath.Join(o.wordnet, "index."+pos), pos, o.senses, senses); err != nil {
			return err
		}
	}
	for _, pos := range parts {
		if err := readExceptions(filepath.Join(o.wordnet, pos+".exc"), senses); err != nil {
			return err
		}
	}

	lexicon := map[string]map[string]bool{} // stem of a word → stems of its alternatives
	for word, keys := range senses {
		if !singleWord(word) {
			continue
		}
		from := stem(word)
		var words []string
		for _, k := range keys {
			s := synsets[k]
			words = append(words, s.words...)
			for _, sim := range s.similar {
				words = append(words, synsets[sim].words...)
			}
		}
		for _, w := range words {
			// "cease-fire" is written "ceasefire" too.
			w = strings.NewReplacer("-", "", "_", "").Replace(w)
			if !singleWord(w) || len(w) < 3 {
				continue
			}
			to := stem(w)
			if to == from || !used(w) {
				continue
			}
			if lexicon[from] == nil {
				lexicon[from] = map[string]bool{}
			}
			lexicon[from][to] = true
		}
	}
	return write(o.out, lexicon)
}

// singleWord tells whether a WordNet lemma is one word of letters.
func singleWord(w string) bool { return w != "" && wordPattern.FindString(w) == w }

// readData reads a data.POS file: every synset's words and "similar to" pointers.
func readData(path, pos string, out map[string]synset) error {
	return eachLine(path, func(line string) error {
		if strings.HasPrefix(line, "  ") {
			return nil // the licence, at the top
		}
		f := strings.Fields(strings.SplitN(line, " | ", 2)[0])
		if len(f) < 4 {
			return fmt.Errorf("a synset of %d fields", len(f))
		}
		n, err := strconv.ParseInt(f[3], 16, 32)
		if err != nil || len(f) < 4+2*int(n)+1 {
			return fmt.Errorf("a synset with a bad word count %q", f[3])
		}
		var s synset
		for i := range int(n) {
			w := strings.ToLower(f[4+2*i])
			if j := strings.IndexByte(w, '('); j > 0 { // adjective markers: "(a)", "(p)"
				w = w[:j]
			}
			s.words = append(s.words, w)
		}
		rest := f[4+2*int(n):]
		ptrs, err := strconv.Atoi(rest[0])
		if err != nil || len(rest) < 1+4*ptrs {
			return fmt.Errorf("a synset with a bad pointer count %q", rest[0])
		}
		for i := range ptrs {
			p := rest[1+4*i : 5+4*i]
			if p[0] == "&" && f[2] == "s" { // a satellite adjective: its head
				s.similar = append(s.similar, partOf(p[2])+":"+p[1])
			}
		}
		out[pos+":"+f[0]] = s
		return nil
	})
}

// partOf names the part of speech of a pointer's letter.
func partOf(letter string) string {
	switch letter {
	case "n":
		return "noun"
	case "v":
		return "verb"
	case "r":
		return "adv"
	}
	return "adj" // "a" and satellites, "s"
}

// readIndex reads an index.POS file: every word's first n senses, most frequent first.
func readIndex(path, pos string, n int, out map[string][]string) error {
	return eachLine(path, func(line string) error {
		if strings.HasPrefix(line, "  ") {
			return nil
		}
		f := strings.Fields(line)
		if len(f) < 6 {
			return fmt.Errorf("an entry of %d fields", len(f))
		}
		ptrs, err := strconv.Atoi(f[3])
		if err != nil || len(f) < 6+ptrs {
			return fmt.Errorf("an entry with a bad pointer count %q", f[3])
		}
		offsets := f[6+ptrs:]
		for _, off := range offsets[:min(n, len(offsets))] {
			out[f[0]] = append(out[f[0]], pos+":"+off)
		}
		return nil
	})
}

// readExceptions reads a POS.exc file: an inflected form ("biggest") has the senses of its
// base forms ("big").
func readExceptions(path string, senses map[string][]string) error {
	return eachLine(path, func(line string) error {
		f := strings.Fields(line)
		if len(f) < 2 {
			return nil
		}
		for _, base := range f[1:] {
			senses[f[0]] = append(senses[f[0]], senses[base]...)
		}
		return nil
	})
}

// eachLine calls fn with every line of the file at path.
func eachLine(path string, fn func(string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read wordnet: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		if err := fn(sc.Text()); err != nil {
			return fmt.Errorf("read wordnet: %s:%d: %w", filepath.Base(path), n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read wordnet: %w", err)
	}
	return nil
}

// header opens the lexicon file.
const header = `# Generated by index/wordnet/gen from WordNet 3.0 (see README.md and LICENSE beside this
# file); do not edit. One word a line, as the index analyses it (lower case, Porter stem):
# the word, a tab, the words of the corpus that WordNet gives as its synonyms.
`

// write writes the lexicon, sorted, to path.
func write(path string, lexicon map[string]map[string]bool) error {
	var b strings.Builder
	b.WriteString(header)
	words := make([]string, 0, len(lexicon))
	for w := range lexicon {
		words = append(words, w)
	}
	slices.Sort(words)
	for _, w := range words {
		var alts []string
		for a := range lexicon[w] {
			alts = append(alts, a)
		}
		slices.Sort(alts)
		b.WriteString(w + "\t" + strings.Join(alts, " ") + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write lexicon: %w", err)
	}
	return nil
}
