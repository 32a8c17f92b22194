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

// markdown renders the report as one Markdown table, engines side by side, preceded by
// a line that says how it was measured.
func (r report) markdown() string {
	var t table
	fmt.Fprintf(&t.b, "standoff-bench, %s, %s, %d CPUs, load average %s before and %s after, %.0f s in all; seed %d; "+
		"%d questions a scale (%d above %d passages); serve figures are medians of %d rounds (peak memory: the largest round); "+
		"answers per second with %d workers for at least %.0f s and %d questions.\n\n",
		r.Date, r.GoVersion, r.CPUs, r.LoadBefore, r.LoadAfter, r.Seconds, r.Seed, r.Queries, r.QueriesLarge, largeScale,
		r.Rounds, r.Workers, throughputTime.Seconds(), throughputMin)
	t.row("workload", "measure", "standoff", "FTS5", "target", "verdict")
	t.row("---", "---", "---:", "---:", "---", "---")
	r.qualityRows(&t)
	for _, sc := range r.Scales {
		r.scaleRows(&t, sc)
	}
	return t.b.String()
}

// qualityRows are the rows of the question files, the unanswerable questions and SciFact.
func (r report) qualityRows(t *table) {
	if len(r.Quality) < 2 {
		return
	}
	so, ft := r.Quality[0].Result, r.Quality[1].Result
	if so.SciFact != nil && ft.SciFact != nil {
		s, f := so.SciFact, ft.SciFact
		w := fmt.Sprintf("SciFact train (%d abstracts, %d passages, %d claims)", s.Documents, s.Passages, s.Queries)
		ok := s.NDCG10 >= targetSciFactNDCG && s.NDCG10 > f.NDCG10
		t.row(w, "nDCG@10", f3(s.NDCG10), f3(f.NDCG10), fmt.Sprintf("standoff ≥ %.2f and > FTS5", targetSciFactNDCG),
			verdict(ok, fmt.Sprintf("%.3f vs %.3f", s.NDCG10, f.NDCG10)))
		t.row("", "Recall@50", f3(s.Recall50), f3(f.Recall50), "", "")
		t.row("", "claims refused (not answered)", refusedShare(s.Refused, s.Queries), refusedShare(f.Refused, f.Queries), "standoff ≤ 3%",
			verdict(float64(s.Refused) <= 0.03*float64(s.Queries), refusedShare(s.Refused, s.Queries)))
	}
	var allN int
	var all3 [2]float64
	for i, sf := range so.Files {
		if i >= len(ft.Files) {
			break
		}
		ff := ft.Files[i]
		w := fmt.Sprintf("%s (%d questions)", sf.Name, sf.Questions)
		t.row(w, "Recall@1", f3(sf.RecallAt1), f3(ff.RecallAt1), "", "")
		t.row("", "Recall@3", f3(sf.RecallAt3), f3(ff.RecallAt3), "standoff > FTS5",
			verdict(sf.RecallAt3 > ff.RecallAt3, fmt.Sprintf("%.3f vs %.3f", sf.RecallAt3, ff.RecallAt3)))
		t.row("", "MRR@10", f3(sf.MRR), f3(ff.MRR), "", "")
		allN += sf.Questions
		all3[0] += sf.RecallAt3 * float64(sf.Questions)
		all3[1] += ff.RecallAt3 * float64(ff.Questions)
	}
	if len(so.Files) > 1 && allN > 0 {
		a, b := all3[0]/float64(allN), all3[1]/float64(allN)
		t.row(fmt.Sprintf("all question files (%d questions)", allN), "Recall@3", f3(a), f3(b), "standoff > FTS5",
			verdict(a > b, fmt.Sprintf("%.3f vs %.3f", a, b)))
	}
	for i, su := range so.Unanswerable {
		if i >= len(ft.Unanswerable) {
			break
		}
		fu := ft.Unanswerable[i]
		t.row(fmt.Sprintf("%s (%d questions)", su.Name, su.Questions), "answered anyway (fewer is better)",
			refusedShare(su.Answered, su.Questions), refusedShare(fu.Answered, fu.Questions), "", "")
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
	bs, bf := sc.Builds[engineStandoff], sc.Builds[engineFTS]
	ss, okS := sc.summary(engineStandoff)
	sf, okF := sc.summary(engineFTS)
	if !okS || !okF {
		return
	}
	w := fmt.Sprintf("speed: default corpus (%d passages)", bs.Passages)
	if sc.Scale.Passages > 0 {
		w = fmt.Sprintf("speed: %s (%d passages, %d documents, %.0f MiB of text)", sc.Scale.Name, bs.Passages, sc.Documents, mib(sc.CorpusBytes))
	}
	large := sc.Scale.Passages == scaleLarge
	small := sc.Scale.Passages == scaleSmall

	t.row(w, "build time", secs(bs.BuildSeconds), secs(bf.BuildSeconds), "", "")
	t.row("", "size on disk", mibs(bs.DiskBytes), mibs(bf.DiskBytes), "", "")
	target, v := "", ""
	if large {
		target = fmt.Sprintf("standoff < %.0f s", targetOpenFirstSecs)
		v = verdict(ss.OpenFirstSeconds < targetOpenFirstSecs, secs(ss.OpenFirstSeconds))
	}
	t.row("", "open + first answer", secs(ss.OpenFirstSeconds), secs(sf.OpenFirstSeconds), target, v)
	t.row("", "… of which reading the corpus", secs(ss.LoadSeconds), "—", "", "")
	t.row("", "… of which opening the index", secs(ss.OpenSeconds), secs(sf.OpenSeconds), "", "")
	t.row("", "… of which the first answer", secs(ss.FirstSeconds), secs(sf.FirstSeconds), "", "")
	target, v = "", ""
	if small {
		target = fmt.Sprintf("standoff ≤ FTS5 / %.0f", targetP50Ratio)
		v = verdict(ss.P50*targetP50Ratio <= sf.P50, fmt.Sprintf("FTS5 / %.1f", sf.P50/ss.P50))
	}
	t.row("", "answer latency p50 (1 worker)", ms(ss.P50), ms(sf.P50), target, v)
	target, v = "", ""
	if large {
		target = fmt.Sprintf("standoff < %.0f ms", targetP99Millis)
		v = verdict(ss.P99 < targetP99Millis, ms(ss.P99))
	}
	t.row("", "answer latency p99 (1 worker)", ms(ss.P99), ms(sf.P99), target, v)
	t.row("", "… CPU time of an answer, p50 / p99", ms(ss.CPUP50)+" / "+ms(ss.CPUP99), ms(sf.CPUP50)+" / "+ms(sf.CPUP99), "", "")
	t.row("", fmt.Sprintf("answers per second (%d workers)", ss.Workers), fmt.Sprintf("%.0f", ss.QPS), fmt.Sprintf("%.0f", sf.QPS), "", "")
	t.row("", fmt.Sprintf("drawn questions whose passage is in the top 3 (of %d)", ss.Drawn), f3(ss.FoundAt3), f3(sf.FoundAt3), "", "")
	t.row("", fmt.Sprintf("questions answered (of %d)", ss.Questions), fmt.Sprintf("%d", ss.Answered), fmt.Sprintf("%d", sf.Answered), "", "")
	t.row("", "peak Go heap, build / serve", mibs(bs.Memory.PeakHeap)+" / "+mibs(ss.Memory.PeakHeap),
		mibs(bf.Memory.PeakHeap)+" / "+mibs(sf.Memory.PeakHeap), "", "")
	target, v = "", ""
	peak := max(bs.Memory.PeakRSS, ss.Memory.PeakRSS)
	if large {
		target = "standoff < 1 GiB"
		v = verdict(peak < targetPeakRSS, mibs(peak))
	}
	t.row("", "peak RSS, build / serve", mibs(bs.Memory.PeakRSS)+" / "+mibs(ss.Memory.PeakRSS),
		mibs(bf.Memory.PeakRSS)+" / "+mibs(sf.Memory.PeakRSS), target, v)
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
