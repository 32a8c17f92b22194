package main

import (
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/corpus/watch"
)

// envOf looks variables up in m, as os.LookupEnv does in the environment.
func envOf(m map[string]string) env {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, errs := loadConfig(envOf(map[string]string{"DISCORD_TOKEN": "Bot abc.def", "HOME": "/home/x"}))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if c.Token != "abc.def" {
		t.Errorf("token: the Bot prefix should be dropped")
	}
	if c.APIURL != bot.DefaultAPIURL || c.HTTPAddr != defaultHTTPAddr || c.ShardCount != 1 || c.LogLevel != slog.LevelInfo {
		t.Errorf("defaults: %+v", c)
	}
	if c.DataDir != "/home/x/.local/share/standoff" || c.CorpusDir != "/home/x/.local/share/standoff/corpus" {
		t.Errorf("folders: %q %q", c.DataDir, c.CorpusDir)
	}
}

func TestLoadConfigAll(t *testing.T) {
	c, errs := loadConfig(envOf(map[string]string{
		"DISCORD_TOKEN":             "tok",
		"DISCORD_GUILD_IDS":         " 123456789012345678, 223456789012345678 ,",
		"DISCORD_API_URL":           "http://127.0.0.1:9999/",
		"STANDOFF_DATA_DIR":         "/data",
		"STANDOFF_CORPUS_DIR":       "/corpus",
		"STANDOFF_MOD_ROLE_IDS":     "42",
		"STANDOFF_AUDIT_CHANNEL_ID": "43",
		"STANDOFF_FETCH_ALLOW":      "127.0.0.1, 10.0.0.0/8, intranet.example, [::1]",
		"STANDOFF_HTTP_ADDR":        "off",
		"STANDOFF_LOG_LEVEL":        "DEBUG",
		"STANDOFF_SHARD_ID":         "1",
		"STANDOFF_SHARD_COUNT":      "2",
	}))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := bot.Config{
		Token: "tok", GuildIDs: []string{"123456789012345678", "223456789012345678"},
		AdminGuildIDs: []string{"123456789012345678", "223456789012345678"},
		APIURL:        "http://127.0.0.1:9999", DataDir: "/data", CorpusDir: "/corpus",
		ModRoleIDs: []string{"42"}, AuditChannelID: "43",
		FetchAllow: []string{"127.0.0.1", "10.0.0.0/8", "intranet.example", "[::1]"},
		HTTPAddr:   "", LogLevel: slog.LevelDebug, ShardID: 1, ShardCount: 2,
	}
	if fmt.Sprintf("%#v %v %v %v", c, c.Token, c.ModRoleIDs, c.FetchAllow) != fmt.Sprintf("%#v %v %v %v", want, want.Token, want.ModRoleIDs, want.FetchAllow) ||
		c.AuditChannelID != want.AuditChannelID || c.HTTPAddr != "" || c.LogLevel != want.LogLevel {
		t.Errorf("got %#v\nwant %#v", c, want)
	}
}

func TestLoadConfigProblems(t *testing.T) {
	const secret = "s3cr3t token"
	_, errs := loadConfig(envOf(map[string]string{
		"DISCORD_TOKEN":         secret,
		"DISCORD_GUILD_IDS":     "123,abc",
		"DISCORD_API_URL":       "ftp://x",
		"STANDOFF_DATA_DIR":     "/d",
		"STANDOFF_FETCH_ALLOW":  "bad host!",
		"STANDOFF_HTTP_ADDR":    "nope",
		"STANDOFF_LOG_LEVEL":    "loud",
		"STANDOFF_SHARD_ID":     "3",
		"STANDOFF_SHARD_COUNT":  "2",
		"STANDOFF_MOD_ROLE_IDS": "-1",
	}))
	wants := []string{"DISCORD_TOKEN is malformed", `DISCORD_GUILD_IDS: "abc"`, "DISCORD_API_URL", `STANDOFF_MOD_ROLE_IDS: "-1"`,
		"STANDOFF_FETCH_ALLOW", "STANDOFF_HTTP_ADDR", "STANDOFF_LOG_LEVEL", "STANDOFF_SHARD_ID 3 must be less"}
	if len(errs) != len(wants) {
		t.Errorf("got %d errors, want %d: %v", len(errs), len(wants), errs)
	}
	for i, w := range wants {
		if i < len(errs) && !strings.Contains(errs[i].Error(), w) {
			t.Errorf("error %d = %q, want it to mention %q", i, errs[i], w)
		}
	}
	for _, e := range errs {
		if strings.Contains(e.Error(), "s3cr3t") || strings.Contains(e.Error(), "\n") {
			t.Errorf("error %q shows the token or spans lines", e)
		}
	}
	_, errs = loadConfig(envOf(map[string]string{"STANDOFF_DATA_DIR": "/d"}))
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "DISCORD_TOKEN is not set") {
		t.Errorf("missing token: %v", errs)
	}
}

func TestDataDir(t *testing.T) {
	for _, tc := range []struct {
		flag string
		env  map[string]string
		want string
	}{
		{"/f", map[string]string{"STANDOFF_DATA_DIR": "/a", "STATE_DIRECTORY": "/s", "HOME": "/h"}, "/f"},
		{"", map[string]string{"STANDOFF_DATA_DIR": "/a", "STATE_DIRECTORY": "/s", "XDG_DATA_HOME": "/x", "HOME": "/h"}, "/a"},
		{"", map[string]string{"STATE_DIRECTORY": "/var/lib/standoff", "XDG_DATA_HOME": "/x", "HOME": "/h"}, "/var/lib/standoff"},
		{"", map[string]string{"STATE_DIRECTORY": "/var/lib/standoff:/var/lib/other"}, "/var/lib/standoff"},
		{"", map[string]string{"XDG_DATA_HOME": "/x", "HOME": "/h"}, "/x/standoff"},
		{"", map[string]string{"HOME": "/h"}, "/h/.local/share/standoff"},
		// An empty variable counts as unset: the .env.example copied to an
		// EnvironmentFile must not move the data folder.
		{" ", map[string]string{"STANDOFF_DATA_DIR": "", "STATE_DIRECTORY": "/s", "HOME": "/h"}, "/s"},
		{"", map[string]string{"STANDOFF_DATA_DIR": "  ", "STATE_DIRECTORY": "", "XDG_DATA_HOME": "", "HOME": "/h"}, "/h/.local/share/standoff"},
	} {
		if got, err := dataDir(tc.flag, envOf(tc.env)); err != nil || got != tc.want {
			t.Errorf("dataDir(%q, %v) = %q, %v; want %q", tc.flag, tc.env, got, err, tc.want)
		}
	}
	if _, err := dataDir("", envOf(map[string]string{"HOME": ""})); err == nil {
		t.Error("no folder at all: want an error")
	}
}

// TestLoadConfigEmptyIsUnset: every variable left empty (as a copied .env.example
// might) gives the defaults, the HTTP address included; "off" turns the endpoints off.
func TestLoadConfigEmptyIsUnset(t *testing.T) {
	vars := map[string]string{"DISCORD_TOKEN": "t", "STATE_DIRECTORY": "/var/lib/standoff"}
	for _, name := range []string{"DISCORD_GUILD_IDS", "DISCORD_API_URL", "STANDOFF_CORPUS_DIR", "STANDOFF_DATA_DIR",
		"STANDOFF_MOD_ROLE_IDS", "STANDOFF_AUDIT_CHANNEL_ID", "STANDOFF_FETCH_ALLOW", "STANDOFF_HTTP_ADDR",
		"STANDOFF_LOG_LEVEL", "STANDOFF_SHARD_ID", "STANDOFF_SHARD_COUNT"} {
		vars[name] = ""
	}
	c, errs := loadConfig(envOf(vars))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if c.APIURL != bot.DefaultAPIURL || c.HTTPAddr != defaultHTTPAddr || c.ShardCount != 1 ||
		c.DataDir != "/var/lib/standoff" || c.CorpusDir != "/var/lib/standoff/corpus" {
		t.Errorf("got %+v, want the defaults in STATE_DIRECTORY", c)
	}
	vars["STANDOFF_HTTP_ADDR"] = "off"
	if c, _ := loadConfig(envOf(vars)); c.HTTPAddr != "" {
		t.Errorf("STANDOFF_HTTP_ADDR=off: HTTPAddr %q, want empty (off)", c.HTTPAddr)
	}
}

func TestLoadConfigShards(t *testing.T) {
	for _, tc := range []struct {
		id, count string
		want      bot.Config // ShardID, ShardCount, AutoShards
		problem   string
	}{
		{"", "", bot.Config{ShardCount: 1}, ""},
		{"2", "4", bot.Config{ShardID: 2, ShardCount: 4}, ""},
		{"", "auto", bot.Config{ShardCount: 1, AutoShards: true}, ""},
		{"0", "AUTO", bot.Config{ShardCount: 1, AutoShards: true}, ""},
		{"1", "auto", bot.Config{}, "cannot be set with STANDOFF_SHARD_COUNT=auto"},
		{"", "0", bot.Config{}, `STANDOFF_SHARD_COUNT "0" is neither auto nor`},
		{"4", "4", bot.Config{}, "STANDOFF_SHARD_ID 4 must be less than STANDOFF_SHARD_COUNT 4"},
	} {
		c, errs := loadConfig(envOf(map[string]string{
			"DISCORD_TOKEN": "t", "STANDOFF_DATA_DIR": "/d",
			"STANDOFF_SHARD_ID": tc.id, "STANDOFF_SHARD_COUNT": tc.count,
		}))
		if tc.problem != "" {
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.problem) {
				t.Errorf("%q/%q: errors %v, want one about %q", tc.id, tc.count, errs, tc.problem)
			}
			continue
		}
		if len(errs) > 0 {
			t.Errorf("%q/%q: %v", tc.id, tc.count, errs)
			continue
		}
		if got := (bot.Config{ShardID: c.ShardID, ShardCount: c.ShardCount, AutoShards: c.AutoShards}); got.String() != tc.want.String() {
			t.Errorf("%q/%q: got %v, want %v", tc.id, tc.count, got, tc.want)
		}
	}
}

// TestLoadConfigAdminGuilds checks STANDOFF_ADMIN_GUILD_IDS: its own value, else
// DISCORD_GUILD_IDS, else none (then /corpus is off); and STANDOFF_RETENTION_DAYS.
func TestLoadConfigAdminGuilds(t *testing.T) {
	for _, tc := range []struct {
		name      string
		vars      map[string]string
		admin     string
		retention int
		err       string
	}{
		{"neither", map[string]string{}, "[]", 30, ""},
		{"guilds", map[string]string{"DISCORD_GUILD_IDS": "11,12"}, "[11 12]", 30, ""},
		{"own", map[string]string{"DISCORD_GUILD_IDS": "11,12", "STANDOFF_ADMIN_GUILD_IDS": "13"}, "[13]", 30, ""},
		{"own without guilds", map[string]string{"STANDOFF_ADMIN_GUILD_IDS": "13", "STANDOFF_RETENTION_DAYS": "7"}, "[13]", 7, ""},
		{"bad id", map[string]string{"STANDOFF_ADMIN_GUILD_IDS": "x"}, "", 30, `STANDOFF_ADMIN_GUILD_IDS: "x" is not a Discord id`},
		{"bad retention", map[string]string{"STANDOFF_RETENTION_DAYS": "0"}, "", 30, "STANDOFF_RETENTION_DAYS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{"DISCORD_TOKEN": "tok", "HOME": "/home/x"}
			for k, v := range tc.vars {
				vars[k] = v
			}
			c, errs := loadConfig(envOf(vars))
			if tc.err != "" {
				if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.err) {
					t.Errorf("errors %v, want one with %q", errs, tc.err)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if got := fmt.Sprint(c.AdminGuildIDs); got != tc.admin {
				t.Errorf("AdminGuildIDs = %s, want %s", got, tc.admin)
			}
			if c.RetentionDays != tc.retention {
				t.Errorf("RetentionDays = %d, want %d", c.RetentionDays, tc.retention)
			}
		})
	}
}

// The corpus repository's settings follow the same rule: white space around a value is
// dropped, an empty variable counts as unset.
func TestGitSettings(t *testing.T) {
	g := gitConfig("/c", envOf(map[string]string{"STANDOFF_CORPUS_GIT": " https://example.org/c.git ", "STANDOFF_CORPUS_GIT_BRANCH": "  ",
		"STANDOFF_CORPUS_GIT_TOKEN": "tok\n"}), nil)
	if g.Dir != "/c" || g.Remote != "https://example.org/c.git" || g.Branch != "" || g.Token != "tok" {
		t.Errorf("gitConfig = %+v", g)
	}
	for _, tc := range []struct {
		v    string
		want time.Duration
		bad  bool
	}{
		{"", DefaultSyncInterval, false},
		{"   ", DefaultSyncInterval, false},
		{" 5m ", 5 * time.Minute, false},
		{"100ms", 100 * time.Millisecond, false},
		{"99ms", 0, true},
		{"often", 0, true},
	} {
		got, err := syncInterval(envOf(map[string]string{"STANDOFF_CORPUS_SYNC": tc.v}))
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("STANDOFF_CORPUS_SYNC=%q: %v, %v; want %v (error %v)", tc.v, got, err, tc.want, tc.bad)
		}
	}
}

// TestReviewSettings: the review channel and the watch schedule, with their defaults,
// "off", and the refusal of values that are not durations.
func TestReviewSettings(t *testing.T) {
	base := map[string]string{"DISCORD_TOKEN": "t", "STANDOFF_DATA_DIR": "/d"}
	with := func(kv ...string) map[string]string {
		m := maps.Clone(base)
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	c, errs := loadConfig(envOf(with("STANDOFF_REVIEW_CHANNEL_ID", "44")))
	if len(errs) > 0 || c.ReviewChannelID != "44" {
		t.Errorf("review channel: %q %v", c.ReviewChannelID, errs)
	}
	o, err := watchOptions(envOf(base))
	if err != nil || o.Every != watch.DefaultEvery || o.HostPause != watch.DefaultHostPause || o.MaxAge != watch.DefaultMaxAge {
		t.Errorf("defaults: %+v %v", o, err)
	}
	o, err = watchOptions(envOf(with("STANDOFF_WATCH_EVERY", "off", "STANDOFF_WATCH_PAUSE", "off", "STANDOFF_WATCH_MAX_AGE", "48h")))
	if err != nil || o.Every != 0 || o.HostPause >= 0 || o.MaxAge != 48*time.Hour {
		t.Errorf("off: %+v %v", o, err)
	}
	_, errs = loadConfig(envOf(with("STANDOFF_WATCH_EVERY", "often", "STANDOFF_REVIEW_CHANNEL_ID", "1,2")))
	if len(errs) != 2 || !strings.Contains(fmt.Sprint(errs), "STANDOFF_WATCH_EVERY") || !strings.Contains(fmt.Sprint(errs), "one channel id") {
		t.Errorf("bad values: %v", errs)
	}
	for _, tc := range []struct {
		shard, count int
		want         bool
	}{{0, 1, true}, {0, 2, true}, {1, 2, false}} {
		// 123456789012345678 >> 22 is even: its guild is on shard 0 of 2.
		cfg := bot.Config{AdminGuildIDs: []string{"123456789012345678"}, ShardID: tc.shard, ShardCount: tc.count}
		if got := pollsWatched(cfg, time.Minute); got != tc.want {
			t.Errorf("shard %d of %d polls: %v, want %v", tc.shard, tc.count, got, tc.want)
		}
	}
	if pollsWatched(bot.Config{AdminGuildIDs: []string{"1"}, ShardCount: 1}, 0) {
		t.Error("STANDOFF_WATCH_EVERY=off polls")
	}
}
