package index

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// The relevance floor, fitted on labelled questions (see BENCHMARKS.md). A question is
// answered when it asks for a glossary definition; or when the first floorDepth passages
// of the ranking hold two or more of its concepts (one, for a bare term: see plan.bare)
// weighing, by idf, at least floorCoverage of them all, or at least floorCovered of them
// when the words the corpus has never seen weigh at most floorUnknown of the question.
// A concept found only as a spelling correction counts floorCorrection of its weight; the
// "when" of a question weighs nothing, but a dated passage holds it as one of the two
// concepts ("when was fakhrizadeh killed": the name and a date). Below the floor, the
// passages that hold a rare concept of the question (in at most rareShare of the
// passages) are the closest ones.
const (
	floorDepth      = 1
	floorCoverage   = 0.45
	floorCovered    = 0.2
	floorUnknown    = 0.3
	floorCorrection = 0.25
	floorRelated    = 0.25
	rareShare       = 0.25
	minCorrected    = 5 // letters of a corrected word for it to make a passage closest
	maxSuggest      = 5
	sameDocument    = 0.5
	rerankPower     = 2 // see rerankCoverage
)

// Hit is one passage of a ranking, before the relevance floor.
type Hit struct {
	Passage string  // passage id
	Doc     string  // document id
	Score   float64 // bleve's score
}

// Search ranks passages for a question, best first, as Answer does but without the
// relevance floor, the glossary rule or the preference for several sources: the
// ranking that evaluations measure. The first weights.rerank passages are ordered by
// score times coverage, the rest by score.
func (ix *Index) Search(ctx context.Context, question string, n int) ([]Hit, error) {
	cands, err := ix.rank(ctx, ix.readQuestion(question), n, ix.weights.rerank)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, len(cands))
	for i, c := range cands {
		hits[i] = Hit{Passage: ix.passages.id(c.passage), Doc: ix.passages.doc(c.passage).ID, Score: c.score}
	}
	return hits, nil
}

// rank returns bleve's n best passages for a plan, the first depth of them matched
// against the question and ordered by score times coverage.
func (ix *Index) rank(ctx context.Context, p plan, n, depth int) ([]candidate, error) {
	if len(p.concepts) == 0 || n <= 0 {
		return nil, nil
	}
	words := p.bleveQuery(ix.weights)
	req := bleve.NewSearchRequestOptions(words, max(n, depth), 0, false)
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, err
	}
	if p.feedback = ix.feedback(p, res.Hits); len(p.feedback) > 0 {
		words = p.bleveQuery(ix.weights)
		req = bleve.NewSearchRequestOptions(words, max(n, depth), 0, false)
		if res, err = ix.search(ctx, req); err != nil {
			return nil, err
		}
	}
	total := totalWeight(p)
	cands := make([]candidate, 0, len(res.Hits))
	for _, h := range res.Hits {
		i, ok := ix.passages.lookup(h.ID)
		if !ok {
			continue
		}
		c := candidate{passage: i, score: h.Score}
		if len(cands) < depth {
			c.match = ix.matchPassage(p, i)
			if total > 0 {
				c.coverage = p.rerankCoverage(c.match)
			}
		}
		cands = append(cands, c)
	}
	head := cands[:min(depth, len(cands))]
	extra, err := ix.rareMissed(ctx, p, words, head, total)
	if err != nil {
		return nil, err
	}
	if len(extra) > 0 {
		added := map[int]bool{}
		for _, c := range extra {
			added[c.passage] = true
		}
		rest := slices.DeleteFunc(slices.Clone(cands[len(head):]), func(c candidate) bool { return added[c.passage] })
		cands = slices.Concat(head, extra, rest)
		head = cands[:len(head)+len(extra)]
	}
	sort.SliceStable(head, func(i, j int) bool { return head[i].worth() > head[j].worth() })
	if len(cands) > n {
		cands = cands[:n]
	}
	return cands, nil
}

// search runs a bleve search and orders the hits it could not tell apart (one score and
// one sort key) in the corpus's order: bleve numbers the passages of a batch in the order
// its concurrent analysis ends, and sums a score's parts in an order that moves its last
// bits, so that they would otherwise come in another order on every build. Scores are
// kept to scoreDigits significant digits. A group of such hits that the page would cut
// is read whole first (tieSlack hits more, and more again while the group goes on, up to
// tieReadMax), so that which of them make the page does not move from build to build
// either.
func (ix *Index) search(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	want := req.Size
	if req.From == 0 && want > 0 {
		req.Size = want + tieSlack
	}
	for {
		res, ok, err := ix.searchTerms(ctx, req)
		if !ok {
			res, err = ix.bleve.SearchInContext(ctx, req)
		}
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		ix.settle(res.Hits)
		hits := res.Hits
		if req.Size > want && len(hits) == req.Size && req.Size < tieReadMax && tied(hits[want-1], hits[len(hits)-1]) {
			req.Size = min(2*req.Size, tieReadMax) // the group at the page's end may go on past what was read
			continue
		}
		if len(hits) > want && req.Size > want {
			res.Hits = hits[:want]
		}
		req.Size = want
		return res, nil
	}
}

// tieSlack is how many hits more than its page search reads, to see whether the page's
// last hit is tied with those after it, and tieReadMax how many it reads at most to find
// where the tie ends: a query that scores every passage alike (a filter alone) is not
// read whole.
const (
	tieSlack   = 8
	tieReadMax = 1024
)

// tied tells whether two hits have one score and one sort key.
func tied(a, b *search.DocumentMatch) bool {
	return a.Score == b.Score && slices.Equal(a.Sort, b.Sort)
}

// settle keeps the scores of hits to scoreDigits significant digits and orders each run
// of tied hits in the corpus's order.
func (ix *Index) settle(hits search.DocumentMatchCollection) {
	for _, h := range hits {
		h.Score = settled(h.Score)
	}
	order := func(h *search.DocumentMatch) int {
		if i, ok := ix.passages.lookup(h.ID); ok {
			return i
		}
		return math.MaxInt
	}
	for i := 0; i < len(hits); {
		j := i + 1
		for j < len(hits) && tied(hits[j], hits[i]) {
			j++
		}
		if j-i > 1 {
			sort.SliceStable(hits[i:j], func(a, b int) bool { return order(hits[i+a]) < order(hits[i+b]) })
		}
		i = j
	}
}

// scoreDigits is how many significant digits of bleve's scores are kept (see search).
const scoreDigits = 10

// settled is a score kept to scoreDigits significant digits.
func settled(score float64) float64 {
	if score == 0 || math.IsInf(score, 0) || math.IsNaN(score) {
		return score
	}
	scale := math.Pow(10, scoreDigits-1-math.Floor(math.Log10(math.Abs(score))))
	return math.Round(score*scale) / scale
}

// candidate is a passage being considered for an answer.
type candidate struct {
	passage  int
	score    float64
	coverage float64
	match    matchInfo
}

// worth orders candidates: bleve's score times the share of the question matched.
func (c candidate) worth() float64 { return c.score * c.coverage }

// Answer finds the passages that answer a question and returns them cited and
// highlighted, in the order of the ranking (Search's), a glossary definition the question
// asks for first. The relevance floor decides whether the question is answered; below
// it, the passages that share a rare concept with the question are returned as the
// closest ones. A question nothing answers is not an error: the answer says so and
// carries suggestions.
//
// With req.Previous, a question that leans on the previous one of its conversation is
// read with it (see followup.go), and the answer's ReadAs says how.
func (ix *Index) Answer(ctx context.Context, req standoff.Request) (standoff.Answer, error) {
	defer ix.answered()
	return ix.followUp(ctx, req)
}

// answer is Answer for a question read as it stands.
func (ix *Index) answer(ctx context.Context, req standoff.Request) (standoff.Answer, error) {
	k := req.K
	if k <= 0 {
		k = standoff.DefaultK
	}
	k = min(k, standoff.MaxK)
	offset := max(req.Offset, 0)
	ans := standoff.Answer{Question: req.Question, Results: []standoff.Result{}, Suggestions: []string{}, AsOf: ix.stats.AsOf}
	if offset > standoff.MaxOffset {
		return ans, fmt.Errorf("answer: offset %d is past the last page (%d)", offset, standoff.MaxOffset)
	}
	if !req.Related && isRequest(req.Question) {
		ans.Request = requestNote
		return ans, nil
	}
	var t timeAsk                       // what the question asks about time (see time.go)
	if !req.Related && ans.AsOf != "" { // a corpus that dates nothing cannot answer by date
		t = readTime(req.Question, ix.today(req))
	}
	question := req.Question
	if t.asks() {
		question = t.rest
	}
	p := ix.readQuestion(question)
	p.now = t.present
	if t.asks() {
		p.definition = nil // a term's definition does not say how things stand, or stood then
		// "what is the latest on snapback": the time words aside, one concept the
		// corpus has, which a passage answers as it answers "snapback".
		p.bare = p.bare || len(p.concepts) == 1 && p.concepts[0].known && !p.concepts[0].corrected
	}

	n := (offset+k+1)*2 + 10
	if t.asks() {
		n = max(n, timeDepth)
	}
	ranked, err := ix.rank(ctx, p, n, ix.weights.rerank)
	if err != nil {
		return ans, err
	}
	p.strangers = ix.datesFacts
	answered := p.definition != nil || p.answersAt(ranked, req.Related, ix.weights.floor)
	var tv timeView
	if t.asks() {
		if ranked, answered, tv, err = ix.readTimeAnswer(ctx, t, p, ranked, answered, ans.AsOf); err != nil {
			return ans, err
		}
		ans.Stale, ans.Note = tv.stale, tv.note
	}
	var cands []candidate
	if d := p.definition; d != nil {
		c := candidate{passage: d.passage, coverage: 1, match: ix.matchPassage(p, d.passage)}
		for _, r := range ranked {
			c.score = max(c.score, r.score)
		}
		cands = append(cands, c)
	}
	pinned := len(cands)
	for _, c := range ranked {
		if p.definition != nil && c.passage == p.definition.passage {
			continue
		}
		if !answered && !ix.sharesRare(p, &c) {
			continue
		}
		cands = append(cands, c)
	}
	cands = ix.diversify(ix.dedupe(cands), pinned)
	if t.asks() && answered {
		cands = tv.order(ix, cands, k)
	}
	if !answered {
		ans.Suggestions = ix.suggest(p)
	}
	if len(cands) == 0 {
		return ans, nil
	}
	ans.Answered, ans.Closest = answered, !answered
	if offset >= len(cands) {
		return ans, nil
	}
	end := min(offset+k, len(cands))
	ans.More = end < len(cands)
	for i, c := range cands[offset:end] {
		if c.match.found == nil {
			c.match = ix.matchPassage(p, c.passage)
		}
		ans.Results = append(ans.Results, ix.result(p, offset+i+1, c))
	}
	ans.Corrected = ix.correctedQuestion(req.Question, p, ans.Results)
	return ans, nil
}

// correctedQuestion is the question with each word the corpus has only as a spelling
// correction replaced by the word as the passages shown write it ("enrichement" by
// "enrichment"); "" when no word was corrected or none of the passages holds the
// correction.
func (ix *Index) correctedQuestion(question string, p plan, results []standoff.Result) string {
	q := normalizeQuestion(question)
	changed := false
	for _, c := range p.concepts {
		if !c.corrected || c.quoted {
			continue
		}
		fixes := map[string]bool{}
		for _, a := range c.alts {
			if a.correction && !a.phrase {
				fixes[a.key] = true
			}
		}
		word := ""
		for _, r := range results {
			for _, tk := range ix.analyze(r.Text) {
				if fixes[tk.term] {
					word = r.Text[tk.start:tk.end]
					break
				}
			}
			if word != "" {
				break
			}
		}
		word = strings.TrimSuffix(strings.TrimSuffix(word, "’s"), "'s") // "Natanz’s" is "Natanz"
		if word == "" || c.surface == "" {
			continue
		}
		re := regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}])` + regexp.QuoteMeta(c.surface) + `($|[^\p{L}\p{N}])`)
		if loc := re.FindStringSubmatchIndex(q); loc != nil {
			q = q[:loc[3]] + word + q[loc[4]:]
			changed = true
		}
	}
	if !changed {
		return ""
	}
	return strings.Join(strings.Fields(q), " ")
}

// answers tells whether the first passages of a ranking clear the relevance floor; for
// a related text, a passage holding two of its concepts weighing floorRelated of them
// all also does.
// floorStranger is the share of a question's weight from which a name the corpus does not
// have, missing from the first passage, means the question is not answered.
const floorStranger = 0.25

func (p plan) answers(ranked []candidate, related bool) bool {
	return p.answersAt(ranked, related, defaultWeights.floor)
}

// answersAt is answers with the floor's knobs given, for measuring them.
func (p plan) answersAt(ranked []candidate, related bool, f floor) bool {
	total, unknown := 0.0, 0.0
	for _, c := range p.concepts {
		if c.quoted || c.isPhrase() || c.date {
			continue
		}
		total += c.idf
		if !c.known || c.lexical { // a word the corpus has only as another word
			unknown += c.idf
		}
	}
	if total == 0 {
		return false
	}
	// A name the corpus has never seen ("dimona", "libya", "kn-23"), not an English word,
	// that weighs much of the question: the question is about something else.
	stranger := -1
	for i, c := range p.concepts {
		if !p.strangers || c.quoted || c.isPhrase() || c.date || c.known && !c.corrected || !isStrangerCandidate(c.surface) {
			continue
		}
		if c.idf >= floorStranger*total && (stranger < 0 || c.idf > p.concepts[stranger].idf) {
			stranger = i
		}
	}
	for _, c := range ranked[:min(floorDepth, len(ranked))] {
		if stranger >= 0 && !p.bare && !(stranger < len(c.match.found) && c.match.found[stranger]) {
			continue
		}
		if !p.holdsAsked(c.match) {
			continue // "how much did midnight hammer cost": the passage gives no cost
		}
		weight, held := p.floorWeight(c.match, f)
		words := held
		if p.datedWhen(c.match) {
			words++ // "when was fakhrizadeh killed": the name, and a date
		}
		cov := weight / total
		if p.leansOnCommon(c.match, total) {
			continue // "what language do they speak in iran": "language", and "Iran"
		}
		// Below f.coverage, the date is no second concept: "when did world war one start"
		// is not answered by the 12-day war's dated passage, which holds only "war".
		if (words >= 2 || p.bare) && (cov >= f.coverage || cov >= f.covered && (held >= 2 || p.bare) && unknown <= f.unknown*total && (!p.strangers || p.holdsHeaviest(ranked))) {
			return true
		}
		if related && c.match.words >= 2 && c.coverage >= floorRelated {
			return true
		}
	}
	return false
}

// floorCommon is the idf below which a concept is in most of the corpus's passages
// ("iran" in a corpus on Iran), and floorLacking the share of a question's weight a
// missing concept has from which such a concept is no second one (see leansOnCommon).
const (
	floorCommon  = 1.0
	floorLacking = 0.45
)

// leansOnCommon tells whether a passage holds two of the question's concepts only with
// one that most passages hold, and lacks one that weighs floorLacking of the question:
// "what language do they speak in iran" is not answered by "deterrence is a language
// easily misread", whose Iran is every passage's.
func (p plan) leansOnCommon(m matchInfo, total float64) bool {
	held, common, lacking := 0, 0, 0.0
	for i, c := range p.concepts {
		if c.quoted || c.isPhrase() || c.date {
			continue
		}
		if i < len(m.found) && m.found[i] && !(i < len(m.lexical) && m.lexical[i]) {
			held++
			if c.idf < floorCommon {
				common++
			}
		} else {
			lacking = max(lacking, c.idf)
		}
	}
	return common > 0 && held-common < 2 && lacking >= floorLacking*total
}

// holdsAsked tells whether a passage holds every concept that says what the question
// asks for (see concept.asked).
func (p plan) holdsAsked(m matchInfo) bool {
	for i, c := range p.concepts {
		if c.asked && !(i < len(m.found) && m.found[i] && !(i < len(m.lexical) && m.lexical[i])) {
			return false
		}
	}
	return true
}

// datedWhen tells whether the question asks when and the passage is dated: its date is
// one of the two concepts a passage holds to answer, though it adds no weight.
func (p plan) datedWhen(m matchInfo) bool {
	for i, c := range p.concepts {
		if c.date && i < len(m.found) && m.found[i] {
			return true
		}
	}
	return false
}

// floorWeight is the weight of the word concepts a passage holds, those found only as a
// spelling correction at floorCorrection of theirs, and how many it holds; the "when" of
// a question is not one of them.
func (p plan) floorWeight(m matchInfo, f floor) (float64, int) {
	var w float64
	n := 0
	for i, c := range p.concepts {
		if c.quoted || c.isPhrase() || c.date || i >= len(m.found) || !m.found[i] || i < len(m.lexical) && m.lexical[i] {
			continue // a word found only as a word of the lexicon ranks, but does not answer
		}
		n++
		if c.corrected {
			w += f.correction * c.idf
		} else {
			w += c.idf
		}
	}
	return w, n
}

// sharesRare tells whether a candidate passage holds a rare concept of the question: a
// term or phrase in at most rareShare of the passages (or, when it has none, its heaviest
// concept), found as written, as a synonym or as a spelling correction.
// It matches the passage when the ranking did not.
func (ix *Index) sharesRare(p plan, c *candidate) bool {
	if c.match.found == nil {
		c.match = ix.matchPassage(p, c.passage)
	}
	rare := ix.vocab.idfAt(max(1, rareShare*float64(ix.vocab.docs)))
	heaviest := 0.0 // a question whose concepts are all common shares its heaviest one
	for _, k := range p.concepts {
		if k.known && !k.date {
			heaviest = max(heaviest, k.idf)
		}
	}
	rare = min(rare, heaviest)
	for i, k := range p.concepts {
		if k.corrected && utf8.RuneCountInString(k.surface) < minCorrected {
			continue // "bake" is one letter from "make": too weak a link to show
		}
		if i < len(c.match.found) && c.match.found[i] && !k.date && k.known && k.idf >= rare {
			return true
		}
	}
	return false
}

// totalWeight is the weight of all the concepts of a plan, quoted phrases aside (their
// words are concepts too).
func totalWeight(p plan) float64 {
	var w float64
	for _, c := range p.concepts {
		if !c.quoted && !c.isPhrase() {
			w += c.idf
		}
	}
	return w
}

func (c concept) isPhrase() bool { return len(c.alts) > 0 && c.alts[0].phrase }

// diversify orders the candidates from start on by score times coverage, each passage
// of a document already chosen at sameDocument of its worth again, so that an answer
// quotes several sources when several answer well. After a pinned definition (the first
// start candidates), the rest of its glossary entry comes after what other passages say.
func (ix *Index) diversify(cands []candidate, start int) []candidate {
	out := append([]candidate(nil), cands[:start]...)
	perDoc := map[string]int{}
	pinned := map[[2]string]bool{}
	for _, c := range out {
		doc := ix.passages.doc(c.passage).ID
		perDoc[doc]++
		pinned[[2]string{doc, ix.passages.section(c.passage)}] = true
	}
	rest := append([]candidate(nil), cands[start:]...)
	for len(rest) > 0 {
		best, bestWorth := 0, -1.0
		for i, c := range rest {
			doc := ix.passages.doc(c.passage).ID
			worth := c.worth() * math.Pow(sameDocument, float64(perDoc[doc]))
			if pinned[[2]string{doc, ix.passages.section(c.passage)}] {
				worth *= 1e-3
			}
			if worth > bestWorth {
				best, bestWorth = i, worth
			}
		}
		c := rest[best]
		out = append(out, c)
		perDoc[ix.passages.doc(c.passage).ID]++
		rest = append(rest[:best], rest[best+1:]...)
	}
	return out
}

// dedupe drops candidates whose text repeats one ranked above it, the texts compared as
// normalizeForCompare writes them: by the compareKey their rows hold, and by the texts
// themselves only where two keys are alike.
func (ix *Index) dedupe(cands []candidate) []candidate {
	kept := map[uint64][]int{} // compareKey → passages kept
	texts := map[int]string{}  // the texts compared so far, as normalizeForCompare writes them
	text := func(i int) string {
		t, ok := texts[i]
		if !ok {
			t = normalizeForCompare(ix.passages.at(i).Text)
			texts[i] = t
		}
		return t
	}
	out := cands[:0]
	for _, c := range cands {
		k := ix.passages.textKey(c.passage)
		if others := kept[k]; len(others) > 0 {
			t := text(c.passage)
			if slices.ContainsFunc(others, func(o int) bool { return text(o) == t }) {
				continue
			}
		}
		kept[k] = append(kept[k], c.passage)
		out = append(out, c)
	}
	return out
}

// compareKey is the FNV-1a hash of text as normalizeForCompare writes it, what a
// passage's row holds for dedupe.
func compareKey(text string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(normalizeForCompare(text)))
	return h.Sum64()
}

// normalizeForCompare lower-cases text and keeps only letters and digits.
func normalizeForCompare(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r > 127 && isLetterOrDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// result turns a candidate into a cited, highlighted result.
func (ix *Index) result(pl plan, rank int, c candidate) standoff.Result {
	p, sentences := ix.passages.withSentences(c.passage)
	var dated []span // "who is the supreme leader now": the sentence that says as of when
	if pl.now && p.Date != "" {
		dated = datedSpans(p.Text, p.Date, sentences)
	}
	best := bestSentence(p.Text, sentences, c.match, dated)
	sentence := p.Text[best.start:best.end]
	matches := answerSpans(p.Text, c.match.spans)
	return standoff.Result{
		Rank:         rank,
		Doc:          p.Doc,
		Title:        p.Title,
		Section:      p.Section,
		Paragraph:    p.Paragraph,
		Publisher:    p.Publisher,
		Published:    p.Published,
		URL:          p.URL,
		Link:         textFragmentLink(p.URL, sentence),
		Text:         p.Text,
		Highlighted:  highlight(p.Text, matches),
		BestSentence: sentence,
		Matches:      matches,
		Emphasis:     answerSpans(p.Text, emphasize(pl, p.Text, c.match)),
		Best:         standoff.Span{Start: best.start, End: best.end},
		Sentences:    toAnswer(sentences),
		Sources:      sources(p.Sources),
		Date:         p.Date,
		DateOwn:      p.DateOwn,
		Score:        c.score,
		Kind:         p.Kind,
	}
}

// datedSpans are where the sentences of text write the date date (YYYY, YYYY-MM or
// YYYY-MM-DD). Only the sentences that hold its year are read (a date is written with its
// year), each alone: a date across two sentences is in neither, and bestSentence only
// prefers a sentence that holds one whole.
func datedSpans(text, date string, sentences []span) []span {
	if len(date) < 4 {
		return nil
	}
	var out []span
	for _, sent := range sentences {
		s := text[sent.start:sent.end]
		if !strings.Contains(s, date[:4]) {
			continue
		}
		for _, m := range corpus.FindDates(s) {
			if m.Date.String() == date {
				out = append(out, span{sent.start + m.Start, sent.start + m.End})
			}
		}
	}
	return out
}

// suggest lists terms of the corpus near the question: glossary terms and sections that
// share a word, a synonym or a spelling with it; none when nothing is shared.
func (ix *Index) suggest(p plan) []string {
	type scored struct {
		term  string
		score float64
	}
	var out []scored
	seen := map[string]bool{}
	for _, name := range ix.completes {
		if seen[name] || strings.HasSuffix(name, "?") {
			continue
		}
		seen[name] = true
		terms := strings.Fields(ix.key(name))
		s := 0.0
		for _, c := range p.concepts {
			for _, a := range c.alts {
				for _, t := range terms {
					if t == a.key || editDistance([]rune(t), []rune(a.key), 1) <= 1 && len(t) > 4 {
						s += a.weight
					}
				}
			}
		}
		if s > 0 {
			out = append(out, scored{name, s})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	var names []string
	for _, s := range out {
		names = append(names, s.term)
		if len(names) == maxSuggest {
			return names
		}
	}
	if names == nil {
		names = []string{}
	}
	return names
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// textFragmentLink points at sentence inside the page at u with a URL text fragment; a
// long sentence is given by its first and last words. Empty when u is.
func textFragmentLink(u, sentence string) string {
	if u == "" {
		return ""
	}
	base := u
	if i := strings.Index(base, "#"); i >= 0 {
		base = base[:i]
	}
	words := strings.Fields(sentence)
	if len(words) == 0 {
		return base
	}
	frag := fragmentEscape(strings.Join(words, " "))
	if len(words) > 10 {
		frag = fragmentEscape(strings.Join(words[:5], " ")) + "," + fragmentEscape(strings.Join(words[len(words)-5:], " "))
	}
	return base + "#:~:text=" + frag
}

// fragmentEscape percent-encodes text for a text directive, where "-", "," and "&" are
// syntax.
func fragmentEscape(s string) string {
	e := url.PathEscape(s)
	return strings.NewReplacer("-", "%2D", ",", "%2C", "&", "%26").Replace(e)
}

// rerankCoverage is the share of the question's concepts a passage holds, for the
// re-rank: each concept weighs its idf raised to rerankPower, so that the rare, important
// concepts of a long question count and its common words hardly do.
func (p plan) rerankCoverage(m matchInfo) float64 {
	var have, all float64
	for i, c := range p.concepts {
		if c.quoted || c.isPhrase() {
			continue
		}
		w := math.Pow(c.idf, rerankPower)
		all += w
		if i < len(m.found) && m.found[i] {
			have += w
		}
	}
	if all == 0 {
		return 0
	}
	return have / all
}

// OtherScript tells whether a question is written mostly in a script other than the
// Latin one (Persian, Russian, Chinese…): the corpus and its analysis are English, so
// such a question is better asked in English.
func OtherScript(question string) bool {
	latin, other := 0, 0
	for _, r := range question {
		switch {
		case unicode.Is(unicode.Latin, r):
			latin++
		case unicode.IsLetter(r):
			other++
		}
	}
	return 2*other > latin // such scripts spell a word in fewer letters
}

// holdsHeaviest tells whether one of the first heaviestDepth passages of a ranking holds
// the heaviest name of the question (a word the corpus has that is not an English word,
// "korea", "grossi"): passages that hold only the other words of a question about
// something else ("when did north korea first test a bomb") answer another question.
func (p plan) holdsHeaviest(ranked []candidate) bool {
	best, heaviest := -1, 0.0
	for i, c := range p.concepts {
		if c.quoted || c.isPhrase() || c.date || !c.known || c.lexical || c.corrected || !isStrangerCandidate(c.surface) {
			continue
		}
		if c.idf > heaviest {
			best, heaviest = i, c.idf
		}
	}
	if best < 0 {
		return true
	}
	for _, c := range ranked[:min(heaviestDepth, len(ranked))] {
		if best < len(c.match.found) && c.match.found[best] {
			return true
		}
	}
	return false
}

// heaviestDepth is how many passages of a ranking holdsHeaviest looks in.
const heaviestDepth = 5

// rareExtra is how many passages rareMissed adds to a ranking; rareHolders is in how
// many passages at most, and rareWeight what share of the question's weight at least, the
// word must have for it to look for them.
const (
	rareExtra   = 5
	rareHolders = 200
	rareWeight  = 0.5
)

// rareMissed returns, when no passage of the head of a ranking holds the rarest word of
// the question that the corpus has, the best passages that hold it, scored by the
// question's own query (words, the ranking's) so that the re-rank compares them with the others: bleve counts a
// common word found in a passage's text and its section as two matches, so that in "is
// the uranium under the rubble" the passages on uranium crowd out those on the rubble.
func (ix *Index) rareMissed(ctx context.Context, p plan, words query.Query, head []candidate, total float64) ([]candidate, error) {
	r := -1
	for i, c := range p.concepts {
		if c.quoted || c.isPhrase() || c.date || !c.known || c.lexical || c.corrected {
			continue
		}
		if r < 0 || c.idf > p.concepts[r].idf {
			r = i
		}
	}
	if r < 0 || len(head) == 0 || p.concepts[r].idf < rareWeight*total {
		return nil, nil
	}
	seen := map[int]bool{}
	for _, c := range head {
		if r < len(c.match.found) && c.match.found[r] {
			return nil, nil
		}
		seen[c.passage] = true
	}
	var holds []query.Query
	df := 0
	for _, a := range p.concepts[r].alts {
		if terms := strings.Fields(a.key); len(terms) == 1 && !a.lexical {
			holds = append(holds, anyField(terms[0]))
			df += ix.vocab.df[terms[0]]
		}
	}
	if len(holds) == 0 || df > rareHolders {
		return nil, nil
	}
	// The passages that hold it, few, then the best of them by the question's query:
	// bleve walks the few, not every passage the question's words find.
	res, err := ix.search(ctx, bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(holds...), rareHolders, 0, false))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	among := bleve.NewDocIDQuery(ids)
	among.SetBoost(0)
	q := bleve.NewConjunctionQuery(among, words)
	if res, err = ix.search(ctx, bleve.NewSearchRequestOptions(q, rareExtra, 0, false)); err != nil {
		return nil, err
	}
	var out []candidate
	for _, h := range res.Hits {
		i, ok := ix.passages.lookup(h.ID)
		if !ok || seen[i] {
			continue
		}
		c := candidate{passage: i, score: h.Score, match: ix.matchPassage(p, i)}
		if total > 0 {
			c.coverage = p.rerankCoverage(c.match)
		}
		out = append(out, c)
	}
	return out, nil
}

// anyField is a query for an analysed term in any field a concept is searched in that
// scores nothing (boost 0, which leaves bleve's query norm and sums as they are): it only
// says which passages hold the term.
func anyField(term string) query.Query {
	var in []query.Query
	for _, f := range []string{fieldText, fieldSection, fieldTitle, fieldTaught} {
		tq := bleve.NewTermQuery(term)
		tq.SetField(f)
		tq.SetBoost(0)
		in = append(in, tq)
	}
	return bleve.NewDisjunctionQuery(in...)
}
