package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/standoff-bot/standoff"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/index"
)

const (
	modRole       = "600000000000000001"
	auditChannel  = "600000000000000002"
	reviewChannel = "600000000000000003"
)

var (
	// member may not moderate: ordinary permissions, no role.
	member = discordtest.Member{User: discordtest.User{ID: "700000000000000011", Name: "mallory"}, Permissions: 1071698660929}
	// modPerm moderates by the Manage Server permission.
	modPerm = discordtest.Member{User: discordtest.User{ID: "700000000000000012", Name: "morgan"}, Permissions: discordtest.PermManageServer}
	// modRoleMember moderates by a role in STANDOFF_MOD_ROLE_IDS.
	modRoleMember = discordtest.Member{User: discordtest.User{ID: "700000000000000013", Name: "robin"}, Roles: []string{"1", modRole}}
)

// seedCorpus writes a corpus of twelve small documents, so that /corpus list has two
// pages, into a new folder.
func seedCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s := corpus.Store{Dir: dir}
	topics := []string{"Natanz enrichment hall", "Fordow underground site", "Arak heavy water reactor",
		"Bushehr power plant", "Parchin military complex", "Isfahan conversion facility",
		"Tehran research reactor", "Karaj centrifuge workshop", "Saghand uranium mine",
		"Gchine uranium mine", "Darkhovin reactor project"}
	for i, topic := range topics {
		text := fmt.Sprintf("---\ntitle: %s\npublisher: Example Wire\npublished: 2025-0%d-1%d\n---\n\nThe %s is described in this note, number %d of the briefing series on Iranian nuclear sites.\n",
			topic, 1+i%9, i%9, topic, i+1)
		if err := s.Write(fmt.Sprintf("sites/%02d.md", i+1), []byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	glossary := "---\ntitle: Glossary\nkind: glossary\n---\n\n## Breakout time\n\nBreakout time is the time a country would need to produce enough weapons-grade uranium for one bomb.\n"
	if err := s.Write("glossary.md", []byte(glossary)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// contentServer serves the pages and files that moderators add, on 127.0.0.1.
type contentServer struct {
	srv     *httptest.Server
	version atomic.Int32 // the version of the article page
	hits    atomic.Int32
}

func newContentServer(t *testing.T) *contentServer {
	t.Helper()
	cs := &contentServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/article.html", func(w http.ResponseWriter, r *http.Request) {
		cs.hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		extra := ""
		if cs.version.Load() > 0 {
			extra = "<p>Update: the Qom accord was extended for a second term by both sides in a later meeting.</p>"
		}
		fmt.Fprintf(w, `<html><head><title>The Qom accord explained</title>
<meta property="article:published_time" content="2025-06-13T08:00:00Z">
<meta property="og:site_name" content="Example Times"></head><body><nav>Home</nav><article>
<h1>The Qom accord explained</h1>
<p>The Qom accord is a protocol under which heavy-water production at Khondab is capped and monitored by inspectors every month.</p>
<p>Under the accord, the stockpile of heavy water may not exceed 130 tonnes, and any excess is shipped abroad for sale.</p>
%s</article><footer>Copyright</footer></body></html>`, extra)
	})
	mux.HandleFunc("/files/memo.md", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		fmt.Fprint(w, "---\ntitle: \"Isfahan memo: yellowcake\"\npublisher: Example Institute\n---\n\n"+
			"The Isfahan memorandum on yellowcake sets out how uranium ore concentrate is converted into uranium hexafluoride gas.\n\n"+
			"It was written for the board of governors.\n")
	})
	mux.HandleFunc("/files/near.md", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "---\ntitle: Fordow again\n---\n\nThe Fordow underground site is described in this note, number 2 of the briefing series on Iranian nuclear sites!\n")
	})
	mux.HandleFunc("/files/other.md", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "# Other memo\n\nA memo about the Kashan storage depot and its guards.\n")
	})
	mux.HandleFunc("/files/image.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"))
	})
	mux.HandleFunc("/files/big.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("Title\n\n" + strings.Repeat("word ", corpus.MaxDocumentBytes/5+10)))
	})
	srv := httptest.NewUnstartedServer(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	cs.srv = srv
	return cs
}

// modHarness is a bot with /corpus, on a live index of a corpus folder, against a fake
// Discord.
type modHarness struct {
	*harness
	mod       *bot.Moderation
	live      *index.Live
	corpusDir string
	clock     *fakeClock
}

// startModeration runs a bot with /corpus on the corpus in corpusDir, with its data in
// dataDir; allow is STANDOFF_FETCH_ALLOW.
func startModeration(t *testing.T, srv *discordtest.Server, corpusDir, dataDir string, allow []string, clock *fakeClock) *modHarness {
	t.Helper()
	return startModerationIn(t, srv, corpusDir, dataDir, allow, clock, []string{guildID})
}

// startModerationIn is startModeration with admin as STANDOFF_ADMIN_GUILD_IDS.
func startModerationIn(t *testing.T, srv *discordtest.Server, corpusDir, dataDir string, allow []string, clock *fakeClock, admin []string, tune ...func(*bot.ModerationOptions)) *modHarness {
	t.Helper()
	if srv == nil {
		srv = discordtest.New(discordtest.WithHeartbeatInterval(time.Second))
		t.Cleanup(srv.Close)
	}
	ctx := context.Background()
	c, err := corpus.LoadDir(ctx, corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	icfg := index.Config{Dir: filepath.Join(dataDir, "index"), Logger: logger}
	ix, err := index.Open(ctx, icfg, c)
	if err != nil {
		t.Fatal(err)
	}
	live := index.NewLive(ix)
	cfg := bot.Config{Token: discordtest.DefaultToken, APIURL: srv.URL, DataDir: dataDir, CorpusDir: corpusDir,
		ModRoleIDs: []string{modRole}, AuditChannelID: auditChannel, ReviewChannelID: reviewChannel, FetchAllow: allow, AdminGuildIDs: admin}
	mopts := bot.ModerationOptions{Now: clock.Now, FetchTimeout: 5 * time.Second, Answerer: live}
	for _, f := range tune {
		f(&mopts)
	}
	mod, err := bot.NewModeration(cfg, c, live.Stats(), rebuildOf(live, icfg), logger, mopts)
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, srv, live, dataDir, bot.Options{Commands: []bot.Command{mod.Command(), mod.ProposeCommand()}, NoRateLimit: true,
		CorpusCommit: mod.CorpusCommit})
	t.Cleanup(func() {
		h.stop()
		mod.Close()
		live.Close()
		if t.Failed() {
			t.Logf("moderation logs:\n%s", logs.String())
		}
	})
	return &modHarness{harness: h, mod: mod, live: live, corpusDir: corpusDir, clock: clock}
}

// corpusCmd runs /corpus sub as m and returns the call and payload that answered it, and
// the first callback (to check it was ephemeral).
func (h *modHarness) corpusCmd(t *testing.T, m discordtest.Member, sub string, opts ...discordtest.Opt) (discordtest.Call, discordtest.Payload) {
	t.Helper()
	id := h.srv.Subcommand(m, inGuild, "corpus", sub, opts...)
	call, p, err := h.srv.Response(20*time.Second, id)
	if err != nil {
		t.Fatalf("/corpus %s: %v\nlogs:\n%s", sub, err, h.logs.String())
	}
	checkEphemeral(t, h.srv, id)
	return call, p
}

// clickAs presses a button as m and returns what answered it.
func (h *modHarness) clickAs(t *testing.T, m discordtest.Member, messageID, customID string) (discordtest.Call, discordtest.Payload) {
	t.Helper()
	id, err := h.srv.ClickAs(m, messageID, customID)
	if err != nil {
		t.Fatal(err)
	}
	call, p, err := h.srv.Response(20*time.Second, id)
	if err != nil {
		t.Fatalf("click %s: %v\nlogs:\n%s", customID, err, h.logs.String())
	}
	checkEphemeral(t, h.srv, id)
	return call, p
}

// checkEphemeral checks that the first response to an interaction is private: an
// ephemeral message (or deferred one), or an update of the private message a button is
// on.
func checkEphemeral(t *testing.T, srv *discordtest.Server, interactionID string) {
	t.Helper()
	for _, c := range srv.Calls() {
		if c.InteractionID != interactionID || c.Kind != discordtest.KindCallback {
			continue
		}
		p, err := c.Payload()
		if err != nil {
			t.Fatal(err)
		}
		if (p.Type == 4 || p.Type == 5) && p.Flags&64 == 0 {
			t.Errorf("interaction %s answered publicly (type %d, flags %d)", interactionID, p.Type, p.Flags)
		}
		return
	}
}

// ask asks q and returns the documents cited.
func (h *modHarness) askDocs(t *testing.T, q string) []string {
	t.Helper()
	_, p := h.ask(t, alice, q)
	return docs(p)
}

// preview adds a file or URL as m and returns the preview and the message it is on.
func (h *modHarness) preview(t *testing.T, m discordtest.Member, opt discordtest.Opt) (discordtest.Payload, string) {
	t.Helper()
	call, p := h.corpusCmd(t, m, "add", opt)
	if _, ok := p.Button("corpus:ok:"); !ok {
		t.Fatalf("no preview with Confirm:\n%s\nlogs:\n%s", p.Sprint(), h.logs.String())
	}
	return p, call.MessageID
}

// field returns the value of the embed field called name.
func field(p discordtest.Payload, name string) string {
	for _, e := range p.Embeds {
		for _, f := range e.Fields {
			if strings.Contains(f.Name, name) {
				return f.Value
			}
		}
	}
	return ""
}

// corpusFiles lists the files of the corpus folder with their sizes, to see that nothing
// changed.
func corpusFiles(t *testing.T, dir string) string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			out = append(out, fmt.Sprintf("%s:%d", p, info.Size()))
		}
		return nil
	})
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// TestCorpusModeration goes through what moderators do with /corpus against a fake
// Discord, in order: refusals, adds from an attachment and from a web page, an update, a
// removal, paging, a refresh after an edit on disk, gaps, and the audit trail.
func TestCorpusModeration(t *testing.T) {
	content := newContentServer(t)
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	dataDir := t.TempDir()
	h := startModeration(t, nil, seedCorpus(t), dataDir, []string{"127.0.0.1"}, clock)
	srv := h.srv
	memo := discordtest.Attachment{ID: "500000000000000001", Filename: "memo.md", Size: 300, URL: content.srv.URL + "/files/memo.md"}
	var memoID, qomID string

	t.Run("registered for Manage Server, in guilds", func(t *testing.T) {
		for _, c := range srv.Commands(guildID) {
			if c["name"] != "corpus" {
				continue
			}
			if got := c["default_member_permissions"]; got != "32" {
				t.Errorf("default_member_permissions = %#v, want the string \"32\" (Manage Server)", got)
			}
			if got := fmt.Sprint(c["contexts"]); got != "[0]" {
				t.Errorf("contexts = %s, want guilds only", got)
			}
			return
		}
		t.Fatal("/corpus is not registered")
	})

	t.Run("member without rights is refused", func(t *testing.T) {
		before := corpusFiles(t, h.corpusDir)
		for _, sub := range []struct {
			name string
			opts []discordtest.Opt
		}{
			{"add", []discordtest.Opt{{Name: "file", Value: memo}}},
			{"remove", []discordtest.Opt{{Name: "doc", Value: "glossary"}}},
			{"refresh", nil}, {"list", nil}, {"gaps", nil},
		} {
			_, p := h.corpusCmd(t, member, sub.name, sub.opts...)
			if p.Type != 4 || !strings.Contains(p.Content, "only moderators") || !strings.Contains(p.Content, "Nothing was changed") {
				t.Errorf("/corpus %s by a member: type %d %q, want a polite refusal", sub.name, p.Type, p.Content)
			}
		}
		id := srv.SubcommandAutocomplete(member, inGuild, "corpus", "remove", "doc", "g")
		if _, p, err := srv.Response(timeout, id); err != nil || len(p.Choices) != 0 {
			t.Errorf("autocomplete for a member: %v, %d choices, want none", err, len(p.Choices))
		}
		if after := corpusFiles(t, h.corpusDir); after != before {
			t.Errorf("the corpus folder changed:\n%s\nwas\n%s", after, before)
		}
		if recs, _ := bot.ReadAudit(filepath.Join(dataDir, curate.AuditFile)); len(recs) != 0 {
			t.Errorf("the audit log has %d records after refusals, want none", len(recs))
		}
		if n := len(srv.ChannelMessages(auditChannel)); n != 0 {
			t.Errorf("%d audit channel posts after refusals", n)
		}
	})

	t.Run("add from an attachment", func(t *testing.T) {
		p, msg := h.preview(t, modPerm, discordtest.Opt{Name: "file", Value: memo})
		if len(p.Embeds) == 0 || p.Embeds[0].Title != "Isfahan memo: yellowcake" {
			t.Fatalf("preview title: %s", p.Sprint())
		}
		if got := field(p, "Paragraphs"); !strings.HasPrefix(got, "2 ") {
			t.Errorf("paragraphs field %q, want 2", got)
		}
		if got := field(p, "Published"); !strings.Contains(got, "unknown") {
			t.Errorf("published field %q: the file gives no date", got)
		}
		if !strings.Contains(p.Embeds[0].Description, "The Isfahan memorandum on yellowcake") {
			t.Errorf("the first paragraph is not shown: %q", p.Embeds[0].Description)
		}
		memoID = strings.Trim(field(p, "Document id"), "`")
		if memoID != "added/2026-11-26-isfahan-memo-yellowcake" {
			t.Errorf("document id %q", memoID)
		}
		if got := h.askDocs(t, "what is the Isfahan memorandum on yellowcake?"); contains(got, memoID) {
			t.Fatalf("cited before Confirm: %v", got)
		}
		ok, _ := p.Button("corpus:ok:")
		_, done := h.clickAs(t, modPerm, msg, ok.CustomID)
		if !strings.Contains(done.Content, "Document added") || !strings.Contains(field(done, "Added"), memoID) {
			t.Fatalf("confirm reply:\n%s", done.Sprint())
		}
		if len(done.Buttons()) != 0 {
			t.Error("the confirmed preview still has buttons")
		}
		if got := h.askDocs(t, "what is the Isfahan memorandum on yellowcake?"); len(got) == 0 || got[0] != memoID {
			t.Errorf("/ask cites %v, want %s first", got, memoID)
		}
		data, err := os.ReadFile(filepath.Join(h.corpusDir, memoID+".md"))
		if err != nil || !strings.HasPrefix(string(data), "---\ntitle: \"Isfahan memo: yellowcake\"") {
			t.Errorf("written file: %v\n%s", err, data)
		}
	})

	t.Run("member cannot confirm, moderator cancels", func(t *testing.T) {
		other := discordtest.Attachment{ID: "500000000000000002", Filename: "other.md", Size: 80, URL: content.srv.URL + "/files/other.md"}
		p, msg := h.preview(t, modRoleMember, discordtest.Opt{Name: "file", Value: other})
		ok, _ := p.Button("corpus:ok:")
		_, refused := h.clickAs(t, member, msg, ok.CustomID)
		if !strings.Contains(refused.Content, "only moderators") {
			t.Errorf("member's Confirm: %q", refused.Content)
		}
		cancel, _ := p.Button("corpus:no:")
		_, done := h.clickAs(t, modRoleMember, msg, cancel.CustomID)
		if done.Type != 7 || !strings.Contains(done.Content, "Cancelled") || len(done.Buttons()) != 0 {
			t.Errorf("cancel: type %d\n%s", done.Type, done.Sprint())
		}
		if got := h.askDocs(t, "Kashan storage depot guards"); len(got) > 0 && strings.HasPrefix(got[0], "added/") {
			t.Errorf("a cancelled document is cited: %v", got)
		}
		if _, err := os.Stat(filepath.Join(h.corpusDir, "added/2026-11-26-other-memo.md")); !os.IsNotExist(err) {
			t.Errorf("a cancelled document was written: %v", err)
		}
	})

	t.Run("add from a web page", func(t *testing.T) {
		p, msg := h.preview(t, modRoleMember, discordtest.Opt{Name: "url", Value: content.srv.URL + "/article.html"})
		if p.Embeds[0].Title != "The Qom accord explained" || field(p, "Published") != "2025-06-13" || !strings.HasPrefix(field(p, "Paragraphs"), "2 ") {
			t.Errorf("preview:\n%s", p.Sprint())
		}
		if field(p, "Publisher") != "Example Times" || !strings.Contains(field(p, "Action"), "New document") {
			t.Errorf("preview publisher/action:\n%s", p.Sprint())
		}
		qomID = strings.Trim(field(p, "Document id"), "`")
		ok, _ := p.Button("corpus:ok:")
		_, done := h.clickAs(t, modRoleMember, msg, ok.CustomID)
		if !strings.Contains(done.Content, "Document added") {
			t.Fatalf("confirm:\n%s", done.Sprint())
		}
		_, ans := h.ask(t, alice, "what is the Qom accord?")
		if d := docs(ans); len(d) == 0 || d[0] != qomID {
			t.Fatalf("/ask cites %v, want %s", d, qomID)
		}
		if ans.Embeds[0].URL == "" || !strings.HasPrefix(ans.Embeds[0].URL, content.srv.URL+"/article.html") {
			t.Errorf("the answer does not link to the page: %q", ans.Embeds[0].URL)
		}
	})

	t.Run("re-adding the same address updates", func(t *testing.T) {
		content.version.Store(1)
		p, msg := h.preview(t, modPerm, discordtest.Opt{Name: "url", Value: content.srv.URL + "/article.html#frag"})
		if got := field(p, "Action"); !strings.Contains(got, "Updates") || !strings.Contains(got, qomID) {
			t.Errorf("action %q, want an update of %s", got, qomID)
		}
		ok, _ := p.Button("corpus:ok:")
		_, done := h.clickAs(t, modPerm, msg, ok.CustomID)
		if !strings.Contains(done.Content, "Document updated") || !strings.Contains(field(done, "Updated"), qomID) || !strings.Contains(field(done, "Updated"), "+1") {
			t.Fatalf("update reply:\n%s", done.Sprint())
		}
		if got := h.askDocs(t, "Qom accord extended second term"); len(got) == 0 || got[0] != qomID {
			t.Errorf("the update is not answered from: %v", got)
		}
		// The same page once more: nothing to do.
		_, same := h.corpusCmd(t, modPerm, "add", discordtest.Opt{Name: "url", Value: content.srv.URL + "/article.html"})
		if !strings.Contains(same.Content, "Nothing to add") {
			t.Errorf("re-add of an unchanged page: %s", same.Sprint())
		}
	})

	t.Run("a near duplicate is named", func(t *testing.T) {
		near := discordtest.Attachment{ID: "500000000000000003", Filename: "near.md", Size: 200, URL: content.srv.URL + "/files/near.md"}
		p, msg := h.preview(t, modPerm, discordtest.Opt{Name: "file", Value: near})
		if got := field(p, "Nearly duplicates"); !strings.Contains(got, "sites/02") {
			t.Errorf("nearly duplicates %q, want sites/02\n%s", got, p.Sprint())
		}
		cancel, _ := p.Button("corpus:no:")
		h.clickAs(t, modPerm, msg, cancel.CustomID)
	})

	t.Run("oversized and binary files are refused", func(t *testing.T) {
		before := corpusFiles(t, h.corpusDir)
		tests := []struct {
			att  discordtest.Attachment
			want string
		}{
			{discordtest.Attachment{ID: "500000000000000004", Filename: "big.txt", Size: 3 << 20, URL: content.srv.URL + "/files/big.txt"}, "over the 2 MB limit"},
			{discordtest.Attachment{ID: "500000000000000005", Filename: "big.txt", Size: 100, URL: content.srv.URL + "/files/big.txt"}, "larger than the 2 MB limit"},
			{discordtest.Attachment{ID: "500000000000000006", Filename: "image.txt", Size: 16, URL: content.srv.URL + "/files/image.txt"}, "binary"},
			{discordtest.Attachment{ID: "500000000000000007", Filename: "photo.png", ContentType: "image/png", Size: 16, URL: content.srv.URL + "/files/image.txt"}, "only .md, .txt and .html"},
		}
		for _, tt := range tests {
			_, p := h.corpusCmd(t, modPerm, "add", discordtest.Opt{Name: "file", Value: tt.att})
			if !strings.Contains(p.Content, "Not added") || !strings.Contains(p.Content, tt.want) {
				t.Errorf("%s (%d bytes): %q, want a refusal naming %q", tt.att.Filename, tt.att.Size, p.Content, tt.want)
			}
		}
		_, p := h.corpusCmd(t, modPerm, "add")
		if !strings.Contains(p.Content, "either") {
			t.Errorf("add without url or file: %q", p.Content)
		}
		if after := corpusFiles(t, h.corpusDir); after != before {
			t.Errorf("a refused file changed the corpus folder")
		}
	})

	t.Run("remove with autocomplete", func(t *testing.T) {
		id := srv.SubcommandAutocomplete(modPerm, inGuild, "corpus", "remove", "doc", "isfahan")
		_, p, err := srv.Response(timeout, id)
		if err != nil {
			t.Fatal(err)
		}
		var values []string
		for _, c := range p.Choices {
			values = append(values, fmt.Sprint(c.Value))
		}
		if !contains(values, memoID) || !contains(values, "sites/06") {
			t.Errorf("autocomplete for isfahan: %v, want the memo and sites/06", values)
		}
		_, done := h.corpusCmd(t, modPerm, "remove", discordtest.Opt{Name: "doc", Value: memoID})
		if !strings.Contains(done.Content, "Document removed") || !strings.Contains(field(done, "Removed"), memoID) {
			t.Fatalf("remove reply:\n%s", done.Sprint())
		}
		if got := h.askDocs(t, "what is the Isfahan memorandum on yellowcake?"); contains(got, memoID) {
			t.Errorf("a removed document is still cited: %v", got)
		}
		_, missing := h.corpusCmd(t, modPerm, "remove", discordtest.Opt{Name: "doc", Value: "no/such-doc"})
		if !strings.Contains(missing.Content, "no document") {
			t.Errorf("removing an unknown id: %q", missing.Content)
		}
	})

	t.Run("list is paged", func(t *testing.T) {
		call, p := h.corpusCmd(t, modPerm, "list")
		if len(p.Embeds) == 0 || !strings.Contains(p.Embeds[0].Footer.Text, "Page 1 of 2") {
			t.Fatalf("list:\n%s", p.Sprint())
		}
		more, ok := p.Button("More")
		if !ok {
			t.Fatal("no More button")
		}
		_, p2 := h.clickAs(t, modPerm, call.MessageID, more.CustomID)
		if p2.Type != 7 || !strings.Contains(p2.Embeds[0].Footer.Text, "Page 2 of 2") || !strings.Contains(p2.Embeds[0].Description, "sites/11") {
			t.Errorf("page 2:\n%s", p2.Sprint())
		}
	})

	t.Run("refresh after an edit on disk", func(t *testing.T) {
		doc := "---\ntitle: Hand-written note\n---\n\nThe Zagros tunnel complex was dug in the mountains near Natanz for the new centrifuge halls.\n"
		if err := (corpus.Store{Dir: h.corpusDir}).Write("notes/zagros.md", []byte(doc)); err != nil {
			t.Fatal(err)
		}
		_, p := h.corpusCmd(t, modPerm, "refresh")
		if !strings.Contains(p.Content, "Corpus refreshed") || !strings.Contains(field(p, "Added"), "notes/zagros") {
			t.Fatalf("refresh:\n%s", p.Sprint())
		}
		if got := h.askDocs(t, "Zagros tunnel complex"); len(got) == 0 || got[0] != "notes/zagros" {
			t.Errorf("/ask cites %v after the refresh", got)
		}
		_, again := h.corpusCmd(t, modPerm, "refresh")
		if !strings.Contains(again.Sprint(), "Nothing changed") {
			t.Errorf("second refresh:\n%s", again.Sprint())
		}
	})

	t.Run("a failed refresh keeps the old index and says why", func(t *testing.T) {
		moved := h.corpusDir + ".away"
		if err := os.Rename(h.corpusDir, moved); err != nil {
			t.Fatal(err)
		}
		_, p := h.corpusCmd(t, modPerm, "refresh")
		if err := os.Rename(moved, h.corpusDir); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Content, "Refresh failed") || !strings.Contains(p.Content, "left as it was") {
			t.Errorf("failed refresh: %q", p.Content)
		}
		if got := h.askDocs(t, "Zagros tunnel complex"); len(got) == 0 || got[0] != "notes/zagros" {
			t.Errorf("after a failed refresh /ask cites %v", got)
		}
	})

	t.Run("gaps", func(t *testing.T) {
		for range 2 {
			h.ask(t, alice, "what is the zorblax treaty?")
		}
		// The question log is written after the reply goes out: look until both asks are
		// in it (a loaded machine may take a moment), then check.
		var p discordtest.Payload
		for deadline := time.Now().Add(20 * time.Second); ; {
			_, p = h.corpusCmd(t, modPerm, "gaps", discordtest.Opt{Name: "days", Value: 7})
			if len(p.Embeds) > 0 && strings.Contains(p.Embeds[0].Description, "**2×** what is the zorblax treaty?") || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if len(p.Embeds) == 0 || !strings.Contains(p.Embeds[0].Description, "**2×** what is the zorblax treaty?") {
			t.Errorf("gaps:\n%s", p.Sprint())
		}
	})

	t.Run("audit trail", func(t *testing.T) {
		recs, err := bot.ReadAudit(filepath.Join(dataDir, curate.AuditFile))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range recs {
			got = append(got, r.Action+" "+r.Doc+" by "+r.Actor+" via "+r.Command)
			if len(r.Hash) != 64 || r.Time.IsZero() || r.Via != "discord" && r.Actor != "watch" {
				t.Errorf("record lacks a hash, a time or its origin: %+v", r)
			}
		}
		want := []string{
			"added " + memoID + " by " + modPerm.ID + " via add",
			"added " + qomID + " by " + modRoleMember.ID + " via add",
			"updated " + qomID + " by " + modPerm.ID + " via add",
			"removed " + memoID + " by " + modPerm.ID + " via remove",
			"added notes/zagros by watch via refresh",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("audit log:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if recs[0].Source != "memo.md" || !strings.HasPrefix(recs[1].Source, content.srv.URL) {
			t.Errorf("sources %q, %q", recs[0].Source, recs[1].Source)
		}
		posts := srv.ChannelMessages(auditChannel)
		if len(posts) != len(want) {
			t.Errorf("%d audit channel posts, want %d: %q", len(posts), len(want), posts)
		}
		for i, p := range posts {
			if i < len(want) && !strings.Contains(p, strings.Fields(want[i])[0]) {
				t.Errorf("post %d %q, want %q", i, p, want[i])
			}
		}
	})

	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("breaches of Discord's rules: %v", v)
	}
}

// TestCorpusAddRefusesLoopback adds a page served on 127.0.0.1 without
// STANDOFF_FETCH_ALLOW: the address is refused with a reason, and nothing is fetched.
func TestCorpusAddRefusesLoopback(t *testing.T) {
	content := newContentServer(t)
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	h := startModeration(t, nil, seedCorpus(t), t.TempDir(), nil, clock)
	_, port, _ := net.SplitHostPort(content.srv.Listener.Addr().String())
	for _, u := range []string{content.srv.URL + "/article.html", "http://localhost:" + port + "/article.html"} {
		_, p := h.corpusCmd(t, modPerm, "add", discordtest.Opt{Name: "url", Value: u})
		if !strings.Contains(p.Content, "Not added") || !strings.Contains(p.Content, "loopback") {
			t.Errorf("%s: %q, want a refusal naming the loopback address", u, p.Content)
		}
	}
	att := discordtest.Attachment{ID: "500000000000000009", Filename: "memo.md", Size: 300, URL: content.srv.URL + "/files/memo.md"}
	_, p := h.corpusCmd(t, modPerm, "add", discordtest.Opt{Name: "file", Value: att})
	if !strings.Contains(p.Content, "loopback") {
		t.Errorf("attachment on 127.0.0.1: %q", p.Content)
	}
	if n := content.hits.Load(); n != 0 {
		t.Errorf("the page was fetched %d times", n)
	}
	if v := h.srv.Violations(); len(v) > 0 {
		t.Errorf("breaches of Discord's rules: %v", v)
	}
}

// TestCorpusPreviewSurvivesRestart shows a preview, restarts the bot, and confirms it:
// the pending document was kept in the data folder. A preview confirmed after it expired
// adds nothing and says so.
func TestCorpusPreviewSurvivesRestart(t *testing.T) {
	content := newContentServer(t)
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	srv := discordtest.New(discordtest.WithHeartbeatInterval(time.Second))
	t.Cleanup(srv.Close)
	corpusDir, dataDir := seedCorpus(t), t.TempDir()
	allow := []string{"127.0.0.1"}
	memo := discordtest.Attachment{ID: "500000000000000001", Filename: "memo.md", Size: 300, URL: content.srv.URL + "/files/memo.md"}
	other := discordtest.Attachment{ID: "500000000000000002", Filename: "other.md", Size: 80, URL: content.srv.URL + "/files/other.md"}

	first := startModeration(t, srv, corpusDir, dataDir, allow, clock)
	p1, msg1 := first.preview(t, modPerm, discordtest.Opt{Name: "file", Value: memo})
	p2, msg2 := first.preview(t, modPerm, discordtest.Opt{Name: "file", Value: other})
	first.stop()
	if entries, _ := os.ReadDir(filepath.Join(dataDir, curate.PendingDir)); len(entries) != 4 {
		t.Errorf("pending folder holds %d files, want 2 previews of 2 files", len(entries))
	}

	second := startModeration(t, srv, corpusDir, dataDir, allow, clock)
	ok1, _ := p1.Button("corpus:ok:")
	_, done := second.clickAs(t, modPerm, msg1, ok1.CustomID)
	if !strings.Contains(done.Content, "Document added") {
		t.Fatalf("confirm after a restart:\n%s", done.Sprint())
	}
	if got := second.askDocs(t, "what is the Isfahan memorandum on yellowcake?"); len(got) == 0 || !strings.HasPrefix(got[0], "added/") {
		t.Errorf("/ask cites %v", got)
	}
	if len(done.Buttons()) != 0 {
		t.Error("the confirmed preview still has buttons")
	}

	clock.Advance(2 * time.Hour)
	ok2, _ := p2.Button("corpus:ok:")
	_, expired := second.clickAs(t, modPerm, msg2, ok2.CustomID)
	if !strings.Contains(expired.Content, "expired") || !strings.Contains(expired.Content, "nothing was added") {
		t.Errorf("expired preview: %q", expired.Content)
	}
	if entries, _ := os.ReadDir(filepath.Join(dataDir, curate.PendingDir)); len(entries) != 0 {
		t.Errorf("pending folder holds %d files after confirm and expiry", len(entries))
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("breaches of Discord's rules: %v", v)
	}
}

// loadWorkers is the number of goroutines that ask questions in TestRefreshUnderLoad.
var loadWorkers = 3

// TestRefreshUnderLoad asks questions without pause from several goroutines while the
// corpus folder changes and is refreshed 20 times through Moderation.Refresh, the path of
// /corpus refresh: no question fails, and every answer comes whole from one version of
// the corpus, never from a half-built index. It reports the latencies during refreshes.
func TestRefreshUnderLoad(t *testing.T) {
	ctx := context.Background()
	corpusDir, dataDir := t.TempDir(), t.TempDir()
	store := corpus.Store{Dir: corpusDir}
	write := func(v int) {
		for part := 1; part <= 2; part++ {
			doc := fmt.Sprintf("---\ntitle: Report %d\n---\n\nNatanz centrifuges report, part %d, version %d.\n", part, part, v)
			if err := store.Write(fmt.Sprintf("report-%d.md", part), []byte(doc)); err != nil {
				t.Fatal(err)
			}
		}
		other := fmt.Sprintf("---\ntitle: Other\n---\n\nInspectors visit Fordow, visit %d.\n", v)
		if err := store.Write("other.md", []byte(other)); err != nil {
			t.Fatal(err)
		}
	}
	write(0)
	c, err := corpus.LoadDir(ctx, corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	icfg := index.Config{Dir: filepath.Join(dataDir, "index")}
	ix, err := index.Open(ctx, icfg, c)
	if err != nil {
		t.Fatal(err)
	}
	live := index.NewLive(ix)
	defer live.Close()
	cfg := bot.Config{Token: "unused", DataDir: dataDir, CorpusDir: corpusDir}
	var refreshOK, refreshFail atomic.Int32
	mod, err := bot.NewModeration(cfg, c, live.Stats(), rebuildOf(live, icfg), nil, bot.ModerationOptions{OnRefresh: func(ok bool) {
		if ok {
			refreshOK.Add(1)
		} else {
			refreshFail.Add(1)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer mod.Close()

	var refreshing atomic.Bool
	var mu sync.Mutex
	var during []time.Duration
	var asked, failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < loadWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				inRefresh := refreshing.Load()
				start := time.Now()
				ans, err := live.Answer(ctx, standoff.Request{Question: "natanz centrifuges report", K: 5})
				took := time.Since(start)
				asked.Add(1)
				if inRefresh || refreshing.Load() {
					mu.Lock()
					during = append(during, took)
					mu.Unlock()
				}
				if err != nil {
					failed.Add(1)
					t.Errorf("question during a refresh: %v", err)
					return
				}
				var versions []string
				for _, r := range ans.Results {
					if i := strings.Index(r.Text, "version "); i >= 0 {
						versions = append(versions, r.Text[i:])
					}
				}
				if len(versions) != 2 || versions[0] != versions[1] {
					failed.Add(1)
					t.Errorf("an answer mixes versions or lacks passages: %v", versions)
					return
				}
			}
		}()
	}
	who := curate.Actor{ID: "test", Via: "test"}
	for n := 1; n <= 20; n++ {
		write(n)
		refreshing.Store(true)
		out, err := mod.Refresh(ctx, who)
		refreshing.Store(false)
		if err != nil {
			t.Fatalf("refresh %d: %v", n, err)
		}
		if len(out.Changes.Updated) != 3 || !out.Rebuilt {
			t.Fatalf("refresh %d: %+v", n, out.Changes)
		}
	}
	close(stop)
	wg.Wait()
	if refreshOK.Load() != 20 || refreshFail.Load() != 0 {
		t.Errorf("refreshes observed: %d ok, %d failed", refreshOK.Load(), refreshFail.Load())
	}
	if asked.Load() == 0 || failed.Load() > 0 || len(during) == 0 {
		t.Fatalf("asked %d, failed %d, %d during refreshes", asked.Load(), failed.Load(), len(during))
	}
	sort.Slice(during, func(i, j int) bool { return during[i] < during[j] })
	pct := func(p float64) time.Duration { return during[min(len(during)-1, int(p*float64(len(during))))] }
	t.Logf("%d questions answered, none failed; %d of them during the 20 refreshes: p50 %s, p99 %s, max %s",
		asked.Load(), len(during), pct(0.5), pct(0.99), during[len(during)-1])
	recs, _ := bot.ReadAudit(filepath.Join(dataDir, curate.AuditFile))
	if len(recs) != 60 {
		t.Errorf("%d audit records, want 60 (3 documents updated 20 times)", len(recs))
	}
}

// rebuildOf is the rebuild function the command line gives Moderation: live rebuilt from
// a corpus with the options icfg.
func rebuildOf(live *index.Live, icfg index.Config) curate.Rebuild {
	return func(ctx context.Context, c *corpus.Corpus) (standoff.Stats, error) { return live.Refresh(ctx, icfg, c) }
}
