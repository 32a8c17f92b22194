package corpus

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Date
		bad  bool
	}{
		{in: "", want: Date{}},
		{in: "2026", want: Date{2026, 0, 0}},
		{in: "2026-02", want: Date{2026, 2, 0}},
		{in: "2026-02-28", want: Date{2026, 2, 28}},
		{in: "2024-02-29", want: Date{2024, 2, 29}},
		{in: "2026-02-29", bad: true}, // not a leap year
		{in: "2026-02-31", bad: true},
		{in: "2026-13", bad: true},
		{in: "2026-00", bad: true},
		{in: "2026-01-00", bad: true},
		{in: "99999", bad: true},
		{in: "0000", bad: true},
		{in: "1899", bad: true},
		{in: "2100", bad: true},
		{in: "99999999999999999999-01-01", bad: true},
		{in: "2026-2-3", bad: true},
		{in: "2026-02-28-01", bad: true},
		{in: "2026/02/28", bad: true},
		{in: "+2026", bad: true},
		{in: "２０２６", bad: true}, // full-width digits
	} {
		got, err := ParseDate(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.bad)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("ParseDate(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestDateHumanAndRange(t *testing.T) {
	for _, tt := range []struct {
		in, human, first, last string
	}{
		{"2026", "2026", "2026-01-01", "2026-12-31"},
		{"2026-02", "February 2026", "2026-02-01", "2026-02-28"},
		{"2024-02", "February 2024", "2024-02-01", "2024-02-29"},
		{"2026-06-30", "30 June 2026", "2026-06-30", "2026-06-30"},
	} {
		d, err := ParseDate(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Human(); got != tt.human {
			t.Errorf("%s: Human = %q, want %q", tt.in, got, tt.human)
		}
		if got := d.First().Format(time.DateOnly); got != tt.first {
			t.Errorf("%s: First = %s, want %s", tt.in, got, tt.first)
		}
		if got := d.Last().Format(time.DateOnly); got != tt.last {
			t.Errorf("%s: Last = %s, want %s", tt.in, got, tt.last)
		}
	}
	if HumanDate("2025-08-28") != "28 August 2025" || HumanDate("soon") != "soon" || HumanDate("") != "" {
		t.Errorf("HumanDate: %q %q %q", HumanDate("2025-08-28"), HumanDate("soon"), HumanDate(""))
	}
	day, month, year := Date{2026, 2, 28}, Date{2026, 2, 0}, Date{2026, 0, 0}
	for _, tt := range []struct {
		d, o Date
		want bool
	}{
		{day, month, true}, {day, year, true}, {month, year, true}, {day, day, true},
		{year, month, false}, {month, day, false}, {Date{2025, 12, 31}, year, false}, {Date{}, year, false},
	} {
		if got := tt.d.Within(tt.o); got != tt.want {
			t.Errorf("%v within %v = %v, want %v", tt.d, tt.o, got, tt.want)
		}
	}
}

func TestFindDates(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []string // the dates, and after "=" what each was read from
	}{
		{"28 February 2026", []string{"2026-02-28=28 February 2026"}},
		{"on February 28, 2026, the", []string{"2026-02-28=February 28, 2026"}},
		{"Feb. 28, 2026", []string{"2026-02-28=Feb. 28, 2026"}},
		{"28 Feb 2026", []string{"2026-02-28=28 Feb 2026"}},
		{"the 28th of February, 2026", []string{"2026-02-28=28th of February, 2026"}},
		{"2026-02-28 —", []string{"2026-02-28=2026-02-28"}},
		{"in February 2026 and Sept. 2025", []string{"2026-02=February 2026", "2025-09=Sept. 2025"}},
		{"2026-02", []string{"2026-02=2026-02"}},
		{"from 2019 to 2022", []string{"2019=2019", "2022=2022"}},
		{"13–24 June 2025", []string{"2025-06-13=13–24 June 2025", "2025-06-24=13–24 June 2025"}},
		{"JUNE 22, 2025", []string{"2025-06-22=JUNE 22, 2025"}},
		// Not dates: no such day, years out of range, numbers that are not years.
		{"31 February 2026", nil},
		{"2026-02-30", nil},
		{"year 99999 and 12345678", nil},
		{"5060 centrifuges, resolution 2231, 1,044 machines, 440.9 kg", nil},
		{"May 99 or March 3000", nil},
		{"2025-2026", []string{"2025=2025", "2026=2026"}},
		{"", nil},
	} {
		var got []string
		for _, m := range FindDates(tt.text) {
			got = append(got, m.Date.String()+"="+tt.text[m.Start:m.End])
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("FindDates(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestLeadingDate(t *testing.T) {
	for _, tt := range []struct {
		text, want, bad string
	}{
		{"28 February 2026: The United States and Israel strike.", "2026-02-28", ""},
		{"2026-02-28 — The war begins.", "2026-02-28", ""},
		{"2026-02-28 - The war begins.", "2026-02-28", ""},
		{"March 2026: A new Supreme Leader.", "2026-03", ""},
		{"Early 2022: US officials conclude.", "2022", ""},
		{"Late February 2026: talks stall.", "2026-02", ""},
		{"Mid-2025, the talks stall.", "2025", ""},
		{"2019 onwards: Iran goes beyond the limits.", "2019", ""},
		{"2018 to 2022: erosion.", "2018", ""},
		{"13–24 June 2025: the 12-day war.", "2025-06-13", ""},
		{"During 2025 (no exact date in our sources): access is restricted.", "2025", ""},
		{"As of 17 May 2025, Iran held 408.6 kg.", "2025-05-17", ""},
		{"In 2025 the agency’s access was restricted.", "2025", ""},
		{"On 22 June 2025, nine days after the strikes began, the US struck.", "2025-06-22", ""},
		{"In early 2022 officials concluded.", "2022", ""},
		{"**28 February 2026**: bold, as Markdown leaves it.", "2026-02-28", ""},
		{"2026", "2026", ""},
		// Not dated: a year alone without a separator, prepositions that do not date,
		// numbers that are not years, no date at all.
		{"2015 limits on enrichment.", "", ""},
		{"Since 2019, Iran has exceeded the limits.", "", ""},
		{"1929 was a resolution.", "", ""},
		{"In the JCPOA, Iran agreed.", "", ""},
		{"On Fordow, the IAEA said.", "", ""},
		{"1,044 centrifuges: a figure.", "", ""},
		{"99999: a big number.", "", ""},
		{"Breakout time is the time.", "", ""},
		{"", "", ""},
		// Written as a date, naming none.
		{"31 February 2026: a mistake.", "", "31 February 2026"},
		{"2026-02-30 — a mistake.", "", "2026-02-30"},
	} {
		d, bad, _ := leadingDate(tt.text)
		if d.String() != tt.want || bad != tt.bad {
			t.Errorf("leadingDate(%q) = %q, bad %q; want %q, bad %q", tt.text, d.String(), bad, tt.want, tt.bad)
		}
	}
}

func TestAsOfDate(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"Iran held 440.9 kg of 60% uranium as of 13 June 2025, the IAEA said.", "2025-06-13"},
		{"As of late February 2026 the IAEA had no access.", "2026-02"},
		{"408.6 kg as of May 2025 and 440.9 kg as of 13 June 2025.", "2025-06-13"},
		{"as of now, nothing", ""},
		{"as of 31 February 2026, nothing", ""},
		{strings.Repeat("as of ", 5000) + "2025", "2025"},
	} {
		d, _ := asOfDate(tt.text)
		if d.String() != tt.want {
			t.Errorf("asOfDate(%.60q) = %q, want %q", tt.text, d.String(), tt.want)
		}
	}
}

func TestPassageDates(t *testing.T) {
	timeline := "---\ntitle: Timeline\nkind: timeline\n---\n\n" +
		"## 2025: strikes\n\n" +
		"13 June 2025: Israel strikes.\n\n" +
		"Talks stall, with no date given.\n\n" +
		"31 February 2026: a date that does not exist.\n\n" +
		"## Background\n\n" +
		"As of 17 May 2025, Iran held 408.6 kg of 60% uranium.\n\n" +
		"An undated paragraph.\n"
	doc, err := ParseDocument("timeline.md", []byte(timeline))
	if err != nil {
		t.Fatal(err)
	}
	glossary := "---\ntitle: Glossary\nkind: glossary\npublished: 2026-07-01\n---\n\n## Breakout\n\nBreakout time is the time.\n\nIn 2015 it was about a year.\n"
	gdoc, err := ParseDocument("glossary.md", []byte(glossary))
	if err != nil {
		t.Fatal(err)
	}
	c := &Corpus{Documents: []Document{doc, gdoc}}
	var got []string
	for _, p := range c.Passages() {
		own := "inherited"
		if p.DateOwn {
			own = "own"
		}
		if p.Date == "" {
			own = "none"
		}
		got = append(got, p.ID+" "+p.Date+" "+own)
	}
	want := []string{
		"timeline#1 2025-06-13 own",
		"timeline#2 2025 own", // the date of its heading
		"timeline#3 2025 own", // no such day: its heading's date
		"timeline#4 2025-05-17 own",
		"timeline#5  none",
		"glossary#1 2026-07-01 inherited",
		"glossary#2 2015 own",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("passage dates:\n got %q\nwant %q", got, want)
	}
	if len(doc.Warnings) != 1 || doc.Warnings[0].Line != 12 || !strings.Contains(doc.Warnings[0].Reason, `"31 February 2026" is not a date`) {
		t.Errorf("warnings = %v, want one on line 12 about 31 February 2026", doc.Warnings)
	}
}

// findDatesByPattern is FindDates as the pattern alone finds the dates.
func findDatesByPattern(text string) []DateMention {
	return mentions(text, dateAnywhere.FindAllStringSubmatchIndex(text, -1))
}

// TestFindDatesIsThePatterns: FindDates, which tries the pattern only where a date may
// start, finds what the pattern finds over the whole text, in every passage of the
// default corpus and in texts made to trip it: dates after letters, underscores, digits
// and characters of other scripts, in any case, at the ends, overlapping, the long s
// and the Kelvin sign that (?i) folds to s and k.
func TestFindDatesIsThePatterns(t *testing.T) {
	c, err := Load(context.Background(), Default())
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		"", "2026", "x2026", "_2026", "2026x", "é2026", "2026é", "12026", "20261", "In 2026-02-28T10:00 and 2026-13",
		"28 February 2026", "28February 2026", "a28 February 2026", "28 FEBRUARY 2026", "ſeptember 2026", "Septemberſ 2026",
		"Auguſt 2025", "13–24 June 2025 and 1-3 Jul. 2024", "Feb. 28, 2026, or Feb 29 2024; dec 2025.", "Sept. 2019 and sept 2019",
		"May 2025May 2026 may 2027", "the marchers in 2021", "January 2026January", "1 January 2026 2 February",
		"99999 0001 9999 1899 2101", "June 2025-06-12 2025-06", "on 31 February 2026 or 30 February 2026", "JUN 2025",
		"Decade 2020", "octopus 2020", "Nov 2025, Dec. 2025, Oct 2025, Apr 2025, Mar. 2025", "\u00a0June 2025", "日本2026年",
	}
	for _, p := range c.Passages() {
		texts = append(texts, p.Text)
	}
	for _, text := range texts {
		if got, want := FindDates(text), findDatesByPattern(text); !reflect.DeepEqual(got, want) {
			t.Errorf("FindDates(%q) =\n %+v\nthe pattern finds\n %+v", text, got, want)
		}
	}
}

func FuzzFindDates(f *testing.F) {
	for _, s := range []string{"28 February 2026", "Feb. 28, 2026", "2026-02-28", "13–24 June 2025", "31 February 2026", "As of May 2025", "99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := FindDates(text), findDatesByPattern(text); !reflect.DeepEqual(got, want) {
			t.Fatalf("FindDates(%q) = %+v, the pattern finds %+v", text, got, want)
		}
		last := 0
		for _, m := range FindDates(text) {
			if m.Start < last || m.End > len(text) || m.Start >= m.End {
				t.Fatalf("mention %+v out of order or range in %q", m, text)
			}
			last = m.Start
			if back, err := ParseDate(m.Date.String()); err != nil || back != m.Date {
				t.Fatalf("mention %+v: %v", m, err)
			}
		}
		leadingDate(text)
		asOfDate(text)
	})
}

// BenchmarkFindDates reads the dates of every passage of the default corpus, by
// FindDates and by the pattern alone, side by side.
func BenchmarkFindDates(b *testing.B) {
	c, err := Load(context.Background(), Default())
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	for _, p := range c.Passages() {
		texts = append(texts, p.Text)
	}
	for _, v := range []struct {
		name string
		find func(string) []DateMention
	}{{"FindDates", FindDates}, {"pattern", findDatesByPattern}} {
		b.Run(v.name, func(b *testing.B) {
			for b.Loop() {
				for _, t := range texts {
					v.find(t)
				}
			}
		})
	}
}
