package main

import (
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot/discordtest"
)

// reviewGuild is a second admin guild, on shard 1 of 2 (syncGuild is on shard 0).
const reviewGuild = "123456789016539982"

// TestTwoBotsOneQueue is the third "done when": two processes on one remote, the
// shards 0 and 1 of two, with an admin guild on each. Only the one serving the first
// admin guild's shard polls the watched feed; the queue reaches the other through the
// remote, a moderator of the other guild approves there, and both serve the document.
func TestTwoBotsOneQueue(t *testing.T) {
	if ShardOfGuild(syncGuild, 2) != 0 || ShardOfGuild(reviewGuild, 2) != 1 {
		t.Fatal("the test's guilds are not on shards 0 and 1")
	}
	bin := buildStandoff(t)
	remote := newBareRemote(t)
	site := newNewsSite(t)
	site.set("/news/talks.html", article("Talks on the Quillon framework resume in Muscat", "Example Wire", "2026-11-27", "", talksParas...))
	site.feed = []string{"/news/talks.html"}
	env := []string{"STANDOFF_CORPUS_GIT=file://" + remote, "STANDOFF_CORPUS_SYNC=200ms", "STANDOFF_FETCH_ALLOW=127.0.0.1",
		"STANDOFF_ADMIN_GUILD_IDS=" + syncGuild + "," + reviewGuild, "STANDOFF_WATCH_EVERY=1s", "STANDOFF_WATCH_PAUSE=off",
		"STANDOFF_SHARD_COUNT=2"}
	a := startBotProc(t, bin, t.TempDir(), append(env, "STANDOFF_SHARD_ID=0")...)
	b := startBotProcUntil(t, bin, t.TempDir(), func(p *botProc) bool {
		return waitFor(60*time.Second, func() bool { return strings.Contains(p.logs.String(), `"msg":"bot ready"`) })
	}, append(env, "STANDOFF_SHARD_ID=1")...)
	if !strings.Contains(a.logs.String(), "this process polls the watched sources") || strings.Contains(b.logs.String(), "this process polls the watched sources") {
		t.Fatalf("want A alone to poll; A:\n%s\nB:\n%s", grepLines(a.logs.String(), "watch"), grepLines(b.logs.String(), "watch"))
	}

	id := a.srv.SubcommandGroup(syncMod, syncPlace, "corpus", "watch", "add", discordtest.Opt{Name: "url", Value: site.srv.URL + "/feed.xml"})
	if _, p, err := a.srv.Response(30*time.Second, id); err != nil || !strings.Contains(p.Content, "Watching") {
		t.Fatalf("watch add on A: %v %q", err, p.Content)
	}
	inReview := discordtest.Place{GuildID: reviewGuild, ChannelID: "123456789016539983"}
	var queue discordtest.Payload
	var queueMsg string
	if !waitFor(60*time.Second, func() bool {
		id := b.srv.Subcommand(syncMod, inReview, "corpus", "queue")
		call, p, err := b.srv.Response(30*time.Second, id)
		if err != nil {
			t.Fatal(err)
		}
		queue, queueMsg = p, call.MessageID
		return len(p.Embeds) > 0
	}) {
		t.Fatalf("B's queue never showed A's proposal; A's logs:\n%s", grepLines(a.logs.String(), "poll"))
	}
	if queue.Embeds[0].Title != "Talks on the Quillon framework resume in Muscat" {
		t.Fatalf("B's queue: %s", queue.Sprint())
	}
	approve, _ := queue.Button("corpus:qa:")
	id, err := b.srv.ClickAs(syncMod, queueMsg, approve.CustomID)
	if err != nil {
		t.Fatal(err)
	}
	if _, p, err := b.srv.Response(60*time.Second, id); err != nil || !strings.Contains(p.Sprint(), "Approved — document added") {
		t.Fatalf("approve on B: %v\n%s\nlogs:\n%s", err, p.Sprint(), b.logs.String())
	}
	const q = "what would the Quillon framework cap?"
	if !docWith(b.askDocsIn(inReview, q), "quillon") {
		t.Error("B does not answer from the document it approved")
	}
	if !waitFor(30*time.Second, func() bool { return docWith(a.askDocs(q), "quillon") }) {
		t.Fatalf("A never answered from the document B approved; A's logs:\n%s", a.logs.String())
	}
	_, am := a.get("/metrics")
	_, bm := b.get("/metrics")
	for _, want := range []string{`standoff_review_proposals_total{outcome="made"} 1`, `standoff_watch_polls_total{outcome="ok",source="` + site.srv.URL + `/feed.xml"}`} {
		if !strings.Contains(am, want) {
			t.Errorf("A's metrics lack %s:\n%s", want, grepLines(am, "standoff_review")+grepLines(am, "standoff_watch"))
		}
	}
	if !strings.Contains(bm, `standoff_review_proposals_total{outcome="approved"} 1`) || !strings.Contains(bm, "standoff_review_oldest_proposal_age_seconds 0") {
		t.Errorf("B's metrics:\n%s", grepLines(bm, "standoff_review"))
	}
}
