package index

import (
	"context"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestReadTime reads what questions ask about time, against a pinned today.
func TestReadTime(t *testing.T) {
	tests := []struct {
		question, today  string
		present, history bool
		from, to         string // the period; "" when none
		relative         bool
		gone             []string // words taken out of the searched question
		kept             []string // words left in it
	}{
		{question: "did israel strike iran again this year", today: "2026-12-03", from: "2026-01-01", to: "2026-12-31", relative: true, gone: []string{"this year"}, kept: []string{"israel", "strike", "again"}},
		{question: "did israel strike iran again this year", today: "2027-03-01", from: "2027-01-01", to: "2027-12-31", relative: true},
		{question: "what happened last month", today: "2026-12-03", history: true, from: "2026-11-01", to: "2026-11-30", relative: true, gone: []string{"last month", "happened"}},
		{question: "what happened last month", today: "2026-01-15", history: true, from: "2025-12-01", to: "2025-12-31", relative: true},
		{question: "what happened last year", today: "2026-12-03", history: true, from: "2025-01-01", to: "2025-12-31", relative: true},
		{question: "news from the past week", today: "2026-12-03", from: "2026-11-27", to: "2026-12-03", relative: true},
		{question: "strikes in the last 3 months", today: "2026-12-03", from: "2026-09-03", to: "2026-12-03", relative: true, gone: []string{"last 3 months"}, kept: []string{"strikes"}},
		{question: "talks over the past two years", today: "2026-12-03", from: "2024-12-03", to: "2026-12-03", relative: true},
		{question: "talks in the last 999 years", today: "2026-12-03", from: "1926-12-03", to: "2026-12-03", relative: true},
		{question: "who is iran's president now", today: "2026-12-03", present: true, gone: []string{"now"}, kept: []string{"president"}},
		{question: "what is the latest on snapback", today: "2026-12-03", present: true, gone: []string{"latest"}, kept: []string{"snapback"}},
		{question: "is iran still enriching uranium", today: "2026-12-03", present: true, gone: []string{"still"}},
		{question: "has iran built a bomb yet", today: "2026-12-03", present: true, gone: []string{"yet"}},
		{question: "is the blockade still in place", today: "2026-12-03", present: true, gone: []string{"still", "place"}, kept: []string{"blockade"}},
		{question: "is the us blockade still going", today: "2026-12-03", present: true, gone: []string{"going"}, kept: []string{"blockade"}},
		{question: "has iran already built a bomb", today: "2026-12-03", present: true, gone: []string{"already"}, kept: []string{"bomb"}},
		{question: "how much uranium does iran have", today: "2026-12-03", present: true, kept: []string{"uranium", "iran"}},
		{question: "how many centrifuges do they have", today: "2026-12-03", present: true, kept: []string{"centrifuges"}},
		{question: "how many centrifuges did iran have in 2015", today: "2026-12-03", from: "2015-01-01", to: "2015-12-31"},
		{question: "who is the new supreme leader", today: "2026-12-03", present: true, gone: []string{"new"}, kept: []string{"supreme leader"}},
		{question: "whats going on with iran and the us rn", today: "2026-12-03", present: true, gone: []string{"rn", "going on"}},
		{question: "when are the next us iran talks", today: "2026-12-03", present: true, gone: []string{"next"}, kept: []string{"talks"}},
		{question: "is the ceasefire still holding", today: "2026-12-03", present: true, gone: []string{"holding"}, kept: []string{"ceasefire"}},
		{question: "what is the current stockpile", today: "2026-12-03", present: true, gone: []string{"current"}, kept: []string{"stockpile"}},
		{question: "any recent talks", today: "2026-12-03", present: true},
		{question: "what is the latest news?", today: "2026-12-03", present: true, gone: []string{"latest", "news"}},
		{question: "what happened at fordow", today: "2026-12-03", history: true, kept: []string{"fordow"}},
		{question: "what happened in june", today: "2026-12-03", history: true, from: "2026-06-01", to: "2026-06-30", relative: true, kept: []string{"june"}},
		{question: "what happened in june", today: "2026-03-01", history: true, from: "2025-06-01", to: "2025-06-30", relative: true},
		{question: "talks since march", today: "2026-12-03", from: "2026-03-01", to: "2026-12-03", relative: true},
		{question: "what happened in october 2025", today: "2026-12-03", history: true, from: "2025-10-01", to: "2025-10-31", kept: []string{"october 2025"}},
		{question: "what happened on 22 June 2025", today: "2026-12-03", history: true, from: "2025-06-22", to: "2025-06-22"},
		{question: "who struck fordow in june 2025", today: "2026-12-03", from: "2025-06-01", to: "2025-06-30"},
		{question: "breakout time before the 2015 deal", today: "2026-12-03", from: "1900-01-01", to: "2014-12-31", kept: []string{"2015"}},
		{question: "sanctions since 2020", today: "2026-12-03", from: "2020-01-01", to: "2026-12-03"},
		{question: "sanctions after 2020", today: "2026-12-03", from: "2021-01-01", to: "2026-12-03"},
		{question: "history of the talks", today: "2026-12-03", history: true, kept: []string{"talks"}},
		{question: "adverse drug events", today: "2026-12-03", kept: []string{"events"}},
		{question: "the deal between 2015 and 2018", today: "2026-12-03", from: "2015-01-01", to: "2018-12-31"},
		// No time at all: "may" is a verb, 99999 and 2231 are no years.
		{question: "what may happen to the deal", today: "2026-12-03"},
		{question: "what is resolution 2231", today: "2026-12-03"},
		{question: "iran in 99999", today: "2026-12-03"},
		{question: "what is breakout time", today: "2026-12-03", kept: []string{"what is breakout time"}},
		{question: strings.Repeat("latest news this year ", 500), today: "2026-12-03", present: true, from: "2026-01-01", to: "2026-12-31", relative: true},
	}
	for _, tt := range tests {
		got := readTime(tt.question, day(tt.today))
		name := tt.question
		if len(name) > 40 {
			name = name[:40]
		}
		if got.present != tt.present || got.history != tt.history {
			t.Errorf("%q on %s: present %v, history %v; want %v, %v", name, tt.today, got.present, got.history, tt.present, tt.history)
		}
		switch {
		case tt.from == "" && got.period != nil:
			t.Errorf("%q on %s: period %s–%s, want none", name, tt.today, got.period.from.Format(time.DateOnly), got.period.to.Format(time.DateOnly))
		case tt.from != "" && got.period == nil:
			t.Errorf("%q on %s: no period, want %s–%s", name, tt.today, tt.from, tt.to)
		case tt.from != "":
			p := got.period
			if f, to := p.from.Format(time.DateOnly), p.to.Format(time.DateOnly); f != tt.from || to != tt.to || p.relative != tt.relative {
				t.Errorf("%q on %s: period %s–%s relative %v, want %s–%s relative %v", name, tt.today, f, to, p.relative, tt.from, tt.to, tt.relative)
			}
		}
		rest := strings.ToLower(strings.Join(strings.Fields(got.rest), " "))
		for _, w := range tt.gone {
			if strings.Contains(rest, w) {
				t.Errorf("%q: %q is still searched: %q", name, w, rest)
			}
		}
		for _, w := range tt.kept {
			if !strings.Contains(rest, w) {
				t.Errorf("%q: %q is no longer searched: %q", name, w, rest)
			}
		}
	}
}

func TestPeriodLabel(t *testing.T) {
	today := corpus.Date{Year: 2026, Month: 12, Day: 3}
	for _, tt := range []struct {
		from, to, want string
	}{
		{"2026-01-01", "2026-12-31", "in 2026"},
		{"2026-11-01", "2026-11-30", "in November 2026"},
		{"2025-06-22", "2025-06-22", "on 22 June 2025"},
		{"2026-03-01", "2026-12-03", "since March 2026"},
		{"2026-09-03", "2026-12-03", "since 3 September 2026"},
		{"1900-01-01", "2014-12-31", "before 2015"},
		{"2015-01-01", "2018-12-31", "between 2015 and 2018"},
	} {
		if got := (period{from: day(tt.from), to: day(tt.to)}).label(today); got != tt.want {
			t.Errorf("%s–%s: %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

// openDated builds an in-memory index of the test corpus of dated passages, with its
// clock pinned.
func openDated(t *testing.T, today string) *Index {
	t.Helper()
	c, err := corpus.Load(context.Background(), os.DirFS("../testdata/dated"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Open(context.Background(), Config{Now: func() time.Time { return day(today) }}, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// TestAnswerTimeClock reads "this year" against the index's clock when the request
// gives no today, and against the request's today when it does.
func TestAnswerTimeClock(t *testing.T) {
	ix := openDated(t, "2027-03-01")
	ctx := context.Background()
	q := "did israel strike iran again this year"
	ans, err := ix.Answer(ctx, standoff.Request{Question: q})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Answered || !strings.Contains(ans.Note, "nothing on this dated in 2027") {
		t.Errorf("clock 2027-03-01: answered %v, note %q; want not answered, nothing dated in 2027", ans.Answered, ans.Note)
	}
	ans, err = ix.Answer(ctx, standoff.Request{Question: q, Today: day("2026-12-03")})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered || len(ans.Results) == 0 || ans.Results[0].Date != "2026-02-28" {
		t.Errorf("today 2026-12-03: answered %v, results %+v; want the 28 February 2026 strikes first", ans.Answered, ans.Results)
	}
	if ans.AsOf != "2026-07-01" {
		t.Errorf("as_of %q, want 2026-07-01", ans.AsOf)
	}
}

// TestPresentInAnUndatedCorpus answers a question about now from undated passages when
// the corpus dates few of its passages (an archive, not a corpus that keeps its facts
// dated), and refuses it when the corpus dates most.
func TestPresentInAnUndatedCorpus(t *testing.T) {
	column := "---\ntitle: Column\nkind: opinion\n---\n\nThe president's health has been the subject of rumours in Tehran.\n\nThe talks in Oman are about sanctions.\n\nThe rallies in Tehran drew crowds.\n"
	timeline := "---\ntitle: Timeline\nkind: timeline\n---\n\n22 June 2025: The United States strikes Fordow.\n"
	q := standoff.Request{Question: "how is the president's health now", Today: day("2026-12-03")}
	few := openMem(t, loadFS(t, map[string]string{"column.md": column, "timeline.md": timeline}))
	ans, err := few.Answer(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered || ans.Note != "" {
		t.Errorf("a corpus dating 1 passage of 4: answered %v, note %q; want answered from the column", ans.Answered, ans.Note)
	}
	var many strings.Builder
	many.WriteString(timeline)
	for i := range 5 {
		many.WriteString("\n" + strconv.Itoa(i+1) + " July 2025: Talks in Oman resume.\n")
	}
	most := openMem(t, loadFS(t, map[string]string{"column.md": column, "timeline.md": many.String()}))
	if ans, err = most.Answer(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	if ans.Answered || !strings.Contains(ans.Note, "No passage on this is dated") {
		t.Errorf("a corpus dating 6 passages of 9: answered %v, note %q; want not answered", ans.Answered, ans.Note)
	}
}

// TestWhenCountsADate: "when was X killed" is answered by a dated passage that holds X
// though it says "assassinated": its date stands for the question's "when", as one of the
// two concepts a passage holds to answer; the same passage does not answer when the
// question does not ask when.
func TestWhenCountsADate(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	ctx := context.Background()
	ans, err := ix.Answer(ctx, standoff.Request{Question: "when was fakhrizadeh killed", Today: day("2026-12-03")})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered || len(ans.Results) == 0 || ans.Results[0].Date == "" || !strings.Contains(ans.Results[0].Text, "Fakhrizadeh") {
		t.Errorf("when was fakhrizadeh killed: answered %v, %+v; want a dated passage on Fakhrizadeh", ans.Answered, ans.Results)
	}
	ans, err = ix.Answer(ctx, standoff.Request{Question: "who was fakhrizadeh married to", Today: day("2026-12-03")})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Answered {
		t.Errorf("who was fakhrizadeh married to: answered with %+v", ans.Results)
	}
}

// TestNewestFirstIsOneSort: the newest passages a question about the present finds, taken
// first from the latest years, then from all dated passages, then filled with undated
// ones by score, are those of one sort of everything it finds by date and score, with
// the same scores (to the rounding of their sums: bleve merges an index's segments
// while it serves), whatever years are searched first; in a corpus that dates most of its
// passages (the default) and in one that dates few.
func TestNewestFirstIsOneSort(t *testing.T) {
	ctx := context.Background()
	few := loadFS(t, map[string]string{
		"column.md":   "---\ntitle: Column\nkind: opinion\n---\n\nTalks on sanctions in Oman.\n\nSanctions bite in Tehran.\n\nThe talks stall.\n\nIran's talks with the E3 on sanctions.\n",
		"timeline.md": "---\ntitle: Timeline\nkind: timeline\n---\n\n22 June 2025: Talks on sanctions end with the strikes.\n\nMarch 2026: Sanctions talks in Geneva.\n",
	})
	for name, ix := range map[string]*Index{"default corpus": openMem(t, loadDefault(t)), "few dated": openMem(t, few)} {
		for _, q := range []string{"what is the latest on snapback", "is iran still enriching uranium", "who is iran's supreme leader now",
			"are the talks on sanctions still going on", "what is the current stockpile", "is the iaea still inspecting"} {
			p := ix.readQuestion(q)
			if len(p.concepts) == 0 {
				continue
			}
			words := p.bleveQuery(ix.weights)
			ref := bleve.NewSearchRequestOptions(words, timeExtra, 0, false)
			ref.SortBy([]string{"-" + fieldDateEnd, "-_score"})
			want, err := ix.searchDated(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			for _, from := range []int{0, 2026, 2025, 2010, 3000} {
				for _, sorted := range []int{datedInMemory, 1} { // sorted in memory, or by bleve
					ix.recentYear, ix.datedInMemory = from, sorted
					got, err := ix.newestFirst(ctx, words)
					if err != nil {
						t.Fatal(err)
					}
					if !sameCandidates(got, want) {
						t.Errorf("%s, %q, latest years from %v, %d sorted in memory:\n got %+v\nwant %+v", name, q, from, sorted, got, want)
					}
				}
			}
			ix.recentYear, ix.datedInMemory = 0, datedInMemory
		}
	}
}

// sameCandidates tells whether two lists of candidates hold the same passages in the
// same order, with scores equal but for the last bits.
func sameCandidates(a, b []candidate) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].passage != b[i].passage || math.Abs(a[i].score-b[i].score) > 1e-12*math.Max(1, math.Abs(b[i].score)) {
			return false
		}
	}
	return true
}

// TestDayListsTheTimelineFirst: a question that names a day and nothing else lists the
// passages of that day with the timeline's entries first, in the timeline's order: the
// chronicle, not whichever passage of the day scores best.
func TestDayListsTheTimelineFirst(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	ans, err := ix.Answer(context.Background(), standoff.Request{Question: "what happened on 22 June 2025", K: 5, Today: day("2026-12-03")})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered || len(ans.Results) < 3 {
		t.Fatalf("answered %v with %d passages", ans.Answered, len(ans.Results))
	}
	last := -1
	for i, r := range ans.Results {
		if r.Date != "2025-06-22" {
			t.Errorf("passage %d dated %s, want 2025-06-22", i+1, r.Date)
		}
		if r.Doc != "timeline" {
			if i == 0 {
				t.Errorf("first passage from %s, want the timeline's entry", r.Doc)
			}
			continue
		}
		if last >= 0 && (i != last+1 || r.Paragraph < ans.Results[last].Paragraph) {
			t.Errorf("timeline entries not first and in order: %d after %d", r.Paragraph, ans.Results[last].Paragraph)
		}
		last = i
	}
}

// TestWhenInAPeriodAsksForADate: "when did the 2026 war start" asks for the date of an
// event of 2026, not for the latest news of 2026: no word that the corpus may not know
// what happened since, and the passages dated on the day it began come first.
func TestWhenInAPeriodAsksForADate(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	ans, err := ix.Answer(context.Background(), standoff.Request{Question: "when did the 2026 war start", K: 3, Today: day("2026-12-07")})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered || ans.Stale || ans.Note != "" {
		t.Fatalf("answered %v, stale %v, note %q; want answered without a note", ans.Answered, ans.Stale, ans.Note)
	}
	if len(ans.Results) < 2 || ans.Results[0].Date != "2026-02-28" && ans.Results[1].Date != "2026-02-28" {
		t.Errorf("first passages %s, want one dated 2026-02-28 in the first two", first(ans))
	}
}

// TestNowShowsWhoHoldsTheOffice: asked who holds an office now, the first passage is the
// one that says who held it as of the corpus's last day, and the sentence shown is that
// one, not the office's definition beside it in the same paragraph.
func TestNowShowsWhoHoldsTheOffice(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	for _, tt := range []struct{ question, want string }{
		{"who is iran's supreme leader now?", "Mojtaba Khamenei"},
		{"who is the new supreme leader", "Mojtaba Khamenei"},
		{"who leads the iaea now", "Grossi"},
		{"who is the head of the iaea now", "Grossi"},
	} {
		ans, err := ix.Answer(context.Background(), standoff.Request{Question: tt.question, K: 3, Today: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if !ans.Answered || len(ans.Results) == 0 {
			t.Errorf("%q: not answered", tt.question)
			continue
		}
		r := ans.Results[0]
		if !strings.Contains(r.BestSentence, tt.want) || !strings.HasPrefix(r.BestSentence, "As of 30 June 2026") {
			t.Errorf("%q: first passage's sentence %q (dated %s), want the one saying %s held it as of 30 June 2026", tt.question, r.BestSentence, r.Date, tt.want)
		}
	}
}

// TestPeriodIsOneSearch: the passages of a period, found by its years' terms and filtered
// by the dates in memory, are those bleve's search of the days' ranges finds, in the same
// order, with the same scores; with no words, in the order of their first day.
func TestPeriodIsOneSearch(t *testing.T) {
	ctx := context.Background()
	ix := openMem(t, loadDefault(t))
	today := day("2026-12-03")
	for _, q := range []string{"what happened in june 2025", "what did the iaea board do in november 2025",
		"talks between 2019 and 2021", "what happened on 22 June 2025", "sanctions before 2010", "iran in 2026"} {
		tq := readTime(q, today)
		if tq.period == nil {
			t.Fatalf("%q: no period read", q)
		}
		p := ix.readQuestion(tq.rest)
		for _, words := range []query.Query{nil, p.bleveQuery(ix.weights)} {
			if words != nil && len(p.concepts) == 0 {
				continue
			}
			ix.datedInMemory = 1 // bleve's search of the ranges
			want, err := ix.inPeriod(ctx, *tq.period, words, timeListed)
			if err != nil {
				t.Fatal(err)
			}
			ix.datedInMemory = datedInMemory
			got, err := ix.inPeriod(ctx, *tq.period, words, timeListed)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 || !sameCandidates(got, want) {
				t.Errorf("%q (words %v): got %d passages %+v\nwant %d %+v", q, words != nil, len(got), got, len(want), want)
			}
		}
	}
}
