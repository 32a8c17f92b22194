package main

import (
	"fmt"
	"strings"
)

// Targets of issue 5.
const (
	targetSciFactNDCG   = 0.68
	targetP50Ratio      = 5.0 // standoff's p50 at most a fifth of FTS5's at 20,000 passages
	targetP99Millis     = 10.0
	targetOpenFirstSecs = 1.0
	targetPeakRSS       = 1 << 30
	scaleSmall          = 20_000
	scaleLarge          = 200_000
)

// report is everything one run measured.
type report struct {
	Seed         uint64
	Rounds       int
	Workers      int
	Queries      int
	QueriesLarge int
	CPUs         int
	GoVersion    string
	Date         string
	LoadBefore   string // one-minute load average when the run started
	LoadAfter    string // and when it ended
	Seconds      float64
	Quality      []engineQuality
	Scales       []scaleResult
}

// engineQuality is the quality result of one engine.
type engineQuality struct {
	Engine string
	Result qualityResult
}

// scaleResult is what was measured at one scale.
type scaleResult struct {
	Scale       scale
	Documents   int   // generated documents; 0 for the default corpus
	CorpusBytes int64 // size of the generated corpus files
	Builds      map[string]buildResult
	Serves      map[string][]serveResult // one a round
}

// served is the medians of an engine's serve rounds, and its memory's worst round.
type served struct {
	serveResult
	rounds int
}

// summary sums up the serve rounds of an engine: medians of the times and rates, the
// largest peaks of memory.
func (sr scaleResult) summary(engine string) (served, bool) {
	rs := sr.Serves[engine]
	if len(rs) == 0 {
		return served{}, false
	}
	pick := func(f func(serveResult) float64) float64 {
		xs := make([]float64, len(rs))
		for i, r := range rs {
			xs[i] = f(r)
		}
		return median(xs)
	}
	s := served{serveResult: rs[0], rounds: len(rs)}
	s.LoadSeconds = pick(func(r serveResult) float64 { return r.LoadSeconds })
	s.OpenSeconds = pick(func(r serveResult) float64 { return r.OpenSeconds })
	s.FirstSeconds = pick(func(r serveResult) float64 { return r.FirstSeconds })
	s.OpenFirstSeconds = pick(func(r serveResult) float64 { return r.OpenFirstSeconds })
	s.P50 = pick(func(r serveResult) float64 { return r.P50 })
	s.P99 = pick(func(r serveResult) float64 { return r.P99 })
	s.CPUP50 = pick(func(r serveResult) float64 { return r.CPUP50 })
	s.CPUP99 = pick(func(r serveResult) float64 { return r.CPUP99 })
	s.QPS = pick(func(r serveResult) float64 { return r.QPS })
	for _, r := range rs {
		s.Memory.PeakHeap = max(s.Memory.PeakHeap, r.Memory.PeakHeap)
		s.Memory.PeakRSS = max(s.Memory.PeakRSS, r.Memory.PeakRSS)
	}
	return s, true
}

// table accumulates the rows of the Markdown table.
type table struct{ b strings.Builder }

func (t *table) row(cells ...string) {
	t.b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

// verdict words a target check.
func verdict(ok bool, got string) string {
	if ok {
		return "met"
	}
	return "**missed** (" + got + ")"
}

// columnHead is the heading of an engine's column.
func columnHead(name string) string {
	switch name {
	case engineStandoff:
		return "standoff"
	case engineFTS:
		return "FTS5 (OR of the words, English stop words out)"
	case engineFTSAll:
		return "FTS5 (OR of every word)"
	case engineBleve:
		return "plain bleve (default mapping, match query)"
	}
	return name
}

// line is a row: the workload, the measure, a cell per engine, the target and verdict.
func (t *table) line(workload, measure string, cell func(engine string) string, target, verdict string) {
	cells := []string{workload, measure}
	for _, e := range engineNames() {
		cells = append(cells, cell(e))
	}
	t.row(append(cells, target, verdict)...)
}

// markdown renders the report as one Markdown table, engines side by side, preceded by
// a line that says how it was measured.
func (r report) markdown() string {
	var t table
	fmt.Fprintf(&t.b, "standoff-bench, %s, %s, %d CPUs, load average %s before and %s after, %.0f s in all; seed %d; "+
		"%d questions a scale (%d above %d passages); serve figures are medians of %d rounds (peak memory: the largest round); "+
		"answers per second with %d workers for at least %.0f s and %d questions. "+
		"The FTS5 targets compare with the first FTS5 column; its stop words are the Snowball English list that bleve ships (and plain bleve's default analyzer leaves out). standoff stamps its corpus folder (\"reading the corpus\") beside opening its index, whose time includes it.\n\n",
		r.Date, r.GoVersion, r.CPUs, r.LoadBefore, r.LoadAfter, r.Seconds, r.Seed, r.Queries, r.QueriesLarge, largeScale,
		r.Rounds, r.Workers, throughputTime.Seconds(), throughputMin)
	head := []string{"workload", "measure"}
	rule := []string{"---", "---"}
	for _, e := range engineNames() {
		head = append(head, columnHead(e))
		rule = append(rule, "---:")
	}
	t.row(append(head, "target", "verdict")...)
	t.row(append(rule, "---", "---")...)
	r.qualityRows(&t)
	for _, sc := range r.Scales {
		r.scaleRows(&t, sc)
	}
	return t.b.String()
}

// qualityRows are the rows of the question files, the unanswerable questions and SciFact.
func (r report) qualityRows(t *table) {
	q := map[string]qualityResult{}
	for _, e := range r.Quality {
		q[e.Engine] = e.Result
	}
	for _, e := range engineNames() {
		if _, ok := q[e]; !ok {
			return
		}
	}
	so, ft := q[engineStandoff], q[engineFTS]
	if so.SciFact != nil && ft.SciFact != nil {
		s, f := so.SciFact, ft.SciFact
		sci := func(e string, v func(*sciFactScore) string) string {
			if q[e].SciFact == nil {
				return "—"
			}
			return v(q[e].SciFact)
		}
		w := fmt.Sprintf("SciFact train (%d abstracts, %d passages, %d claims)", s.Documents, s.Passages, s.Queries)
		ok := s.NDCG10 >= targetSciFactNDCG && s.NDCG10 > f.NDCG10
		t.line(w, "nDCG@10", func(e string) string { return sci(e, func(x *sciFactScore) string { return f3(x.NDCG10) }) },
			fmt.Sprintf("standoff ≥ %.2f and > FTS5", targetSciFactNDCG), verdict(ok, fmt.Sprintf("%.3f vs %.3f", s.NDCG10, f.NDCG10)))
		t.line("", "Recall@50", func(e string) string { return sci(e, func(x *sciFactScore) string { return f3(x.Recall50) }) }, "", "")
		t.line("", "claims refused (not answered)", func(e string) string {
			return sci(e, func(x *sciFactScore) string { return refusedShare(x.Refused, x.Queries) })
		}, "standoff ≤ 3%", verdict(float64(s.Refused) <= 0.03*float64(s.Queries), refusedShare(s.Refused, s.Queries)))
	}
	file := func(e string, i int) (fileScore, bool) {
		if i < len(q[e].Files) {
			return q[e].Files[i], true
		}
		return fileScore{}, false
	}
	cell := func(i int, v func(fileScore) float64) func(string) string {
		return func(e string) string {
			if f, ok := file(e, i); ok {
				return f3(v(f))
			}
			return "—"
		}
	}
	allN := 0
	all3 := map[string]float64{}
	for i, sf := range so.Files {
		ff, ok := file(engineFTS, i)
		if !ok {
			break
		}
		w := fmt.Sprintf("%s (%d questions)", sf.Name, sf.Questions)
		t.line(w, "Recall@1", cell(i, func(f fileScore) float64 { return f.RecallAt1 }), "", "")
		t.line("", "Recall@3", cell(i, func(f fileScore) float64 { return f.RecallAt3 }), "standoff > FTS5",
			verdict(sf.RecallAt3 > ff.RecallAt3, fmt.Sprintf("%.3f vs %.3f", sf.RecallAt3, ff.RecallAt3)))
		t.line("", "MRR@10", cell(i, func(f fileScore) float64 { return f.MRR }), "", "")
		allN += sf.Questions
		for _, e := range engineNames() {
			if f, ok := file(e, i); ok {
				all3[e] += f.RecallAt3 * float64(f.Questions)
			}
		}
	}
	if len(so.Files) > 1 && allN > 0 {
		a, b := all3[engineStandoff]/float64(allN), all3[engineFTS]/float64(allN)
		t.line(fmt.Sprintf("all question files (%d questions)", allN), "Recall@3",
			func(e string) string { return f3(all3[e] / float64(allN)) }, "standoff > FTS5", verdict(a > b, fmt.Sprintf("%.3f vs %.3f", a, b)))
	}
	for i, su := range so.Unanswerable {
		t.line(fmt.Sprintf("%s (%d questions)", su.Name, su.Questions), "answered anyway (fewer is better)", func(e string) string {
			if i < len(q[e].Unanswerable) {
				u := q[e].Unanswerable[i]
				return refusedShare(u.Answered, u.Questions)
			}
			return "—"
		}, "", "")
	}
}

// refusedShare is "n (p %)" of n questions among all.
func refusedShare(n, all int) string {
	if all == 0 {
		return fmt.Sprintf("%d", n)
	}
	return fmt.Sprintf("%d (%.1f %%)", n, 100*float64(n)/float64(all))
}

// scaleRows are the rows of one scale.
func (r report) scaleRows(t *table, sc scaleResult) {
	sums := map[string]served{}
	for _, e := range engineNames() {
		s, ok := sc.summary(e)
		if !ok {
			return
		}
		sums[e] = s
	}
	bs := sc.Builds[engineStandoff]
	ss, sf := sums[engineStandoff], sums[engineFTS]
	build := func(v func(buildResult) string) func(string) string {
		return func(e string) string { return v(sc.Builds[e]) }
	}
	serve := func(v func(served) string) func(string) string {
		return func(e string) string { return v(sums[e]) }
	}
	w := fmt.Sprintf("speed: default corpus (%d passages)", bs.Passages)
	if sc.Scale.Passages > 0 {
		w = fmt.Sprintf("speed: %s (%d passages, %d documents, %.0f MiB of text)", sc.Scale.Name, bs.Passages, sc.Documents, mib(sc.CorpusBytes))
	}
	large := sc.Scale.Passages == scaleLarge
	small := sc.Scale.Passages == scaleSmall

	t.line(w, "build time", build(func(b buildResult) string { return secs(b.BuildSeconds) }), "", "")
	t.line("", "size on disk", build(func(b buildResult) string { return mibs(b.DiskBytes) }), "", "")
	target, v := "", ""
	if large {
		target = fmt.Sprintf("standoff < %.0f s", targetOpenFirstSecs)
		v = verdict(ss.OpenFirstSeconds < targetOpenFirstSecs, secs(ss.OpenFirstSeconds))
	}
	t.line("", "open + first answer", serve(func(s served) string { return secs(s.OpenFirstSeconds) }), target, v)
	t.line("", "… of which reading the corpus", func(e string) string {
		if e == engineStandoff {
			return secs(ss.LoadSeconds)
		}
		return "—"
	}, "", "")
	t.line("", "… of which opening the index", serve(func(s served) string { return secs(s.OpenSeconds) }), "", "")
	t.line("", "… of which the first answer", serve(func(s served) string { return secs(s.FirstSeconds) }), "", "")
	target, v = "", ""
	if small {
		target = fmt.Sprintf("standoff ≤ FTS5 / %.0f", targetP50Ratio)
		v = verdict(ss.P50*targetP50Ratio <= sf.P50, fmt.Sprintf("FTS5 / %.1f", sf.P50/ss.P50))
	}
	t.line("", "answer latency p50 (1 worker)", serve(func(s served) string { return ms(s.P50) }), target, v)
	target, v = "", ""
	if large {
		target = fmt.Sprintf("standoff < %.0f ms", targetP99Millis)
		v = verdict(ss.P99 < targetP99Millis, ms(ss.P99))
	}
	t.line("", "answer latency p99 (1 worker)", serve(func(s served) string { return ms(s.P99) }), target, v)
	t.line("", "… CPU time of an answer, p50 / p99", serve(func(s served) string { return ms(s.CPUP50) + " / " + ms(s.CPUP99) }), "", "")
	t.line("", fmt.Sprintf("answers per second (%d workers)", ss.Workers), serve(func(s served) string { return fmt.Sprintf("%.0f", s.QPS) }), "", "")
	t.line("", fmt.Sprintf("drawn questions whose passage is in the top 3 (of %d)", ss.Drawn), serve(func(s served) string { return f3(s.FoundAt3) }), "", "")
	t.line("", fmt.Sprintf("questions answered (of %d)", ss.Questions), serve(func(s served) string { return fmt.Sprintf("%d", s.Answered) }), "", "")
	t.line("", "peak Go heap, build / serve", func(e string) string {
		return mibs(sc.Builds[e].Memory.PeakHeap) + " / " + mibs(sums[e].Memory.PeakHeap)
	}, "", "")
	target, v = "", ""
	peak := max(bs.Memory.PeakRSS, ss.Memory.PeakRSS)
	if large {
		target = "standoff < 1 GiB"
		v = verdict(peak < targetPeakRSS, mibs(peak))
	}
	t.line("", "peak RSS, build / serve", func(e string) string {
		return mibs(sc.Builds[e].Memory.PeakRSS) + " / " + mibs(sums[e].Memory.PeakRSS)
	}, target, v)
}

func f3(x float64) string { return fmt.Sprintf("%.3f", x) }

func secs(x float64) string {
	if x < 1 {
		return fmt.Sprintf("%.0f ms", x*1000)
	}
	return fmt.Sprintf("%.2f s", x)
}

func ms(x float64) string {
	if x < 1 {
		return fmt.Sprintf("%.3f ms", x)
	}
	return fmt.Sprintf("%.2f ms", x)
}

func mibs[T int64 | uint64](n T) string { return fmt.Sprintf("%.1f MiB", mib(n)) }
