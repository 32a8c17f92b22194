package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/watch"
	"github.com/standoff-bot/standoff/corpus/web"
	"github.com/standoff-bot/standoff/corpus/web/webtest"
)

// wireServer serves a feed of two articles on 127.0.0.1: one about the standoff, one
// about football.
func wireServer(t *testing.T) *httptest.Server {
	t.Helper()
	page := func(title string, paras ...string) string {
		return fmt.Sprintf(`<html><head><title>%s</title><meta property="og:site_name" content="Example Wire">
<meta property="article:published_time" content="2026-11-27T08:00:00Z"></head><body><article><h1>%s</h1><p>%s</p></article></body></html>`,
			title, title, strings.Join(paras, "</p><p>"))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss version="2.0"><channel><title>Wire</title>
<item><title>a</title><link>/talks.html</link></item><item><title>b</title><link>/match.html</link></item>
<item><title>c</title><link>/inspectors.html</link></item></channel></rss>`)
	})
	mux.HandleFunc("/talks.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Talks on the Varnel protocol resume",
			"Negotiators from Iran and the United States agreed in Muscat on the Varnel protocol, which caps uranium enrichment at Fordow and Natanz at five percent.",
			"The IAEA said its inspectors would verify the stockpile every week under the protocol, and sanctions would be eased in stages."))
	})
	mux.HandleFunc("/inspectors.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Inspectors back in Isfahan",
			"IAEA inspectors returned to Isfahan on Monday, Iran's atomic energy organisation said, to count the enriched uranium left after the strikes.",
			"Iran said the centrifuges there had not run since June."))
	})
	mux.HandleFunc("/oped.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Why the talks matter to everyone",
			"Diplomacy is slow, and the meetings in Oman show how slow it can be when both sides distrust each other.",
			"Still, talking is better than the alternative, the columnist argues."))
	})
	mux.HandleFunc("/match.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Cup final decided on penalties",
			"The home side won the cup final on Saturday after a penalty shoot-out that lasted eleven rounds.",
			"Their coach said the players had trained for penalties every morning for a month."))
	})
	return webtest.Serve(t, mux)
}

// TestReviewQueueThroughDiscord is the second "done when": a watched feed is
// polled, its on-topic article posted to the review channel with Approve, Reject and
// Open; a member who is not a moderator, and a moderator of another guild, are refused;
// a moderator approves; the answer comes in another guild; /corpus queue shows the rest,
// which a moderator rejects.
func TestReviewQueueThroughDiscord(t *testing.T) {
	wire := wireServer(t)
	clock := &fakeClock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	corpusDir, dataDir := seedCorpus(t), t.TempDir()
	fetch, err := web.NewFetcher(web.FetchConfig{Allow: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	poller := watch.NewPoller(&watch.Review{Store: corpus.Store{Dir: corpusDir}, Now: clock.Now}, fetch, dataDir, nil, watch.Options{HostPause: -1})
	h := startModerationIn(t, nil, corpusDir, dataDir, []string{"127.0.0.1"}, clock, []string{guildID},
		func(o *bot.ModerationOptions) { o.Poller = poller })
	srv := h.srv
	inReview := discordtest.Place{GuildID: guildID, ChannelID: reviewChannel}
	srv.Post(alice, inReview, "the review channel of the home server", false)

	// Watch the feed from Discord; a member may not.
	id := srv.SubcommandGroup(member, inGuild, "corpus", "watch", "add", discordtest.Opt{Name: "url", Value: wire.URL + "/feed.xml"})
	if _, p, err := srv.Response(timeout, id); err != nil || !strings.Contains(p.Content, "only moderators") {
		t.Fatalf("watch add by a member: %v %q", err, p.Content)
	}
	id = srv.SubcommandGroup(modPerm, inGuild, "corpus", "watch", "add", discordtest.Opt{Name: "url", Value: wire.URL + "/feed.xml"})
	if _, p, err := srv.Response(timeout, id); err != nil || !strings.Contains(p.Content, "Watching "+wire.URL+"/feed.xml") {
		t.Fatalf("watch add: %v %q", err, p.Content)
	}
	mark := srv.Mark()
	rep, err := h.mod.PollNow(context.Background())
	if err != nil || len(rep.Proposed) != 2 {
		t.Fatalf("poll: %v, %d proposed: %+v", err, len(rep.Proposed), rep)
	}
	var postID string
	var post discordtest.Payload
	if !srv.WaitUntil(timeout, func() bool {
		for _, c := range srv.Calls()[mark:] {
			if c.Kind != discordtest.KindChannelMessage || c.ChannelID != reviewChannel {
				continue
			}
			p, _ := c.Payload()
			if len(p.Embeds) > 0 && p.Embeds[0].Title == "Talks on the Varnel protocol resume" {
				postID, post = c.MessageID, p
				return true
			}
		}
		return false
	}) {
		t.Fatalf("no review channel post of the talks: %v", srv.ChannelMessages(reviewChannel))
	}
	approve, ok := post.Button("corpus:qa:")
	if !ok || !strings.Contains(fmt.Sprint(post.Buttons()), wire.URL+"/talks.html") {
		t.Fatalf("the post lacks Approve or Open: %s", post.Sprint())
	}
	if field(post, "Publisher") != "Example Wire" || !strings.Contains(field(post, "Relevance"), "names Iran") {
		t.Errorf("the post lacks the publisher or the reason:\n%s", post.Sprint())
	}

	before := corpusFiles(t, corpusDir)
	_, p := h.clickAs(t, member, postID, approve.CustomID)
	if !strings.Contains(p.Content, "only moderators") {
		t.Errorf("Approve by a member: %q", p.Content)
	}
	outsider := discordtest.Member{User: discordtest.User{ID: "700000000000000021", Name: "eve"}, Permissions: discordtest.PermManageServer}
	if _, p, err := srv.Response(timeout, srv.ClickFrom(outsider, inOther, approve.CustomID)); err != nil || !strings.Contains(p.Content, "home server") {
		t.Errorf("Approve from another guild: %v %q", err, p.Content)
	}
	if after := corpusFiles(t, corpusDir); after != before {
		t.Fatalf("refused clicks changed the corpus folder")
	}

	_, p = h.clickAs(t, modPerm, postID, approve.CustomID)
	if !strings.Contains(p.Sprint(), "Approved — document added") {
		t.Fatalf("Approve: %s\nlogs:\n%s", p.Sprint(), h.logs.String())
	}
	askID := srv.Slash(alice, inOther, "ask", discordtest.Opt{Name: "question", Value: "what does the Varnel protocol cap?"})
	_, ans, err := srv.Response(timeout, askID)
	if err != nil || len(docs(ans)) == 0 || !strings.HasPrefix(docs(ans)[0], "added/2026-11-27-talks-on-the-varnel-protocol-resume") {
		t.Fatalf("answer in another guild: %v %v\n%s", err, docs(ans), ans.Sprint())
	}

	_, q := h.corpusCmd(t, modRoleMember, "queue")
	reject, ok := q.Button("corpus:qr:")
	if !ok || q.Embeds[0].Title != "Inspectors back in Isfahan" || !strings.Contains(q.Content, "proposal 1 of 1") {
		t.Fatalf("/corpus queue: %s", q.Sprint())
	}
	call, _ := h.corpusCmd(t, modRoleMember, "queue")
	_, p = h.clickAs(t, modRoleMember, call.MessageID, reject.CustomID)
	if !strings.Contains(p.Content, "Rejected by robin") {
		t.Errorf("Reject: %q", p.Content)
	}
	if _, q = h.corpusCmd(t, modPerm, "queue"); !strings.Contains(q.Content, "queue is empty") {
		t.Errorf("queue after review: %s", q.Sprint())
	}

	// "Propose to corpus" on a message: its links, or the message itself.
	withLinks := srv.Post(alice, inGuild, "worth a look: "+wire.URL+"/oped.html and "+wire.URL+"/talks.html.", false)
	id, err = srv.MessageCommandAs(member, inGuild, "Propose to corpus", withLinks)
	if err != nil {
		t.Fatal(err)
	}
	if _, p, err := srv.Response(timeout, id); err != nil || !strings.Contains(p.Content, "only moderators") {
		t.Errorf("propose by a member: %v %q", err, p.Content)
	}
	id, _ = srv.MessageCommandAs(modPerm, inGuild, "Propose to corpus", withLinks)
	_, p, err = srv.Response(timeout, id)
	if err != nil || !strings.Contains(p.Content, "1 proposal now in the review queue") || !strings.Contains(p.Content, "Why the talks matter") ||
		!strings.Contains(p.Content, "talks.html — already in the corpus") {
		t.Errorf("propose the links: %v\n%s", err, p.Content)
	}
	plain := srv.Post(alice, inGuild, "Iran's envoy told reporters in Vienna that enrichment at Fordow had stopped for good.", false)
	id, _ = srv.MessageCommandAs(modRoleMember, inGuild, "Propose to corpus", plain)
	if _, p, err := srv.Response(timeout, id); err != nil || !strings.Contains(p.Content, "Message by alice") {
		t.Errorf("propose the message: %v\n%s", err, p.Content)
	}
	_, q = h.corpusCmd(t, modPerm, "queue")
	if !strings.Contains(q.Content, "of 2") {
		t.Errorf("queue after proposals: %s", q.Sprint())
	}
	id = srv.SubcommandGroup(modPerm, inGuild, "corpus", "watch", "list")
	if _, p, err := srv.Response(timeout, id); err != nil || !strings.Contains(p.Sprint(), wire.URL+"/feed.xml — read") {
		t.Errorf("watch list: %v %s", err, p.Sprint())
	}
}

// TestFailingSourceInHealth: a watched source failing for a day shows in the details of
// /healthz and in /corpus watch list.
func TestFailingSourceInHealth(t *testing.T) {
	down := webtest.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	clock := &fakeClock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	corpusDir, dataDir := seedCorpus(t), t.TempDir()
	fetch, _ := web.NewFetcher(web.FetchConfig{Allow: []string{"127.0.0.1"}})
	poller := watch.NewPoller(&watch.Review{Store: corpus.Store{Dir: corpusDir}, Now: clock.Now}, fetch, dataDir, nil, watch.Options{HostPause: -1})
	h := startModerationIn(t, nil, corpusDir, dataDir, []string{"127.0.0.1"}, clock, []string{guildID},
		func(o *bot.ModerationOptions) { o.Poller = poller })
	id := h.srv.SubcommandGroup(modPerm, inGuild, "corpus", "watch", "add", discordtest.Opt{Name: "url", Value: down.URL + "/feed"})
	if _, _, err := h.srv.Response(timeout, id); err != nil {
		t.Fatal(err)
	}
	h.mod.PollNow(context.Background())
	if d := h.mod.WatchDetails(); len(d) != 0 {
		t.Errorf("failing for minutes is already in /healthz: %v", d)
	}
	clock.Advance(25 * time.Hour)
	h.mod.PollNow(context.Background())
	d := h.mod.WatchDetails()
	if len(d) != 1 || !strings.Contains(d[0], down.URL+"/feed failing since 2026-12-01T12:00:00Z") || !strings.Contains(d[0], "503") {
		t.Errorf("health details %v", d)
	}
	id = h.srv.SubcommandGroup(modPerm, inGuild, "corpus", "watch", "list")
	if _, p, err := h.srv.Response(timeout, id); err != nil || !strings.Contains(p.Sprint(), "failing since") {
		t.Errorf("watch list: %v %s", err, p.Sprint())
	}
}
