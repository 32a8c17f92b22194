package index

import (
	"strings"
	"testing"
)

// englishSet is the word list as a set: what inSortedLines must agree with.
func englishSet(t testing.TB) map[string]bool {
	t.Helper()
	words := strings.Fields(englishWordsText)
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return set
}

// TestEnglishWordsAreSortedLines: the embedded list is what inSortedLines can search,
// lines in byte order, each ended by a newline, none empty; a list regenerated in another
// locale's order fails here, not by words silently unfound.
func TestEnglishWordsAreSortedLines(t *testing.T) {
	if !strings.HasSuffix(englishWordsText, "\n") {
		t.Fatal("english-words.txt does not end with a newline")
	}
	lines := strings.Split(strings.TrimSuffix(englishWordsText, "\n"), "\n")
	for i, l := range lines {
		if l == "" {
			t.Fatalf("line %d is empty", i+1)
		}
		if i > 0 && lines[i-1] >= l {
			t.Fatalf("line %d %q is not after line %d %q in byte order", i+1, l, i, lines[i-1])
		}
	}
}

// TestInSortedLinesIsTheSet: every word of the list is found, and no word near one (a
// letter more, a letter less, a letter changed) is found unless the list has it too.
func TestInSortedLinesIsTheSet(t *testing.T) {
	set := englishSet(t)
	check := func(w string) {
		t.Helper()
		if got, want := inSortedLines(englishWordsText, w), set[w]; got != want {
			t.Fatalf("inSortedLines(%q) = %v, want %v", w, got, want)
		}
	}
	for _, w := range []string{"", "\n", "a", "aardvark", "aardvarks", "zygotes", "zzzzz", "weather", "grosi", "Weather", "weather\nwater"} {
		check(w)
	}
	for w := range set {
		check(w)
		check(w + "s")
		check(w[:len(w)-1])
		check(w[1:])
		check("a" + w)
		check(w[:len(w)/2] + "z" + w[len(w)/2+1:])
	}
	if got, want := inSortedLines("", "word"), false; got != want {
		t.Errorf("in an empty list: %v, want %v", got, want)
	}
	if got, want := inSortedLines("word\n", "word"), true; got != want {
		t.Errorf("in a one-line list: %v, want %v", got, want)
	}
	if got, want := inSortedLines("able\nword", "word"), true; got != want {
		t.Errorf("the last line without its newline: %v, want %v", got, want)
	}
}

// FuzzInSortedLines compares the search of the text with the set for any string.
func FuzzInSortedLines(f *testing.F) {
	set := englishSet(f)
	for _, s := range []string{"weather", "aardvark", "zygotes", "", "nuclear", "uranium's"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, w string) {
		if got, want := inSortedLines(englishWordsText, w), set[w]; got != want {
			t.Fatalf("inSortedLines(%q) = %v, want %v", w, got, want)
		}
	})
}
