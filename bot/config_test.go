package bot

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, errs := LoadConfig(env(map[string]string{"DISCORD_TOKEN": "Bot abc.def", "HOME": "/home/x"}))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if c.Token != "abc.def" {
		t.Errorf("token: the Bot prefix should be dropped")
	}
	if c.APIURL != DefaultAPIURL || c.HTTPAddr != DefaultHTTPAddr || c.ShardCount != 1 || c.LogLevel != slog.LevelInfo {
		t.Errorf("defaults: %+v", c)
	}
	if c.DataDir != "/home/x/.local/share/standoff" || c.CorpusDir != "/home/x/.local/share/standoff/corpus" {
		t.Errorf("folders: %q %q", c.DataDir, c.CorpusDir)
	}
}

func TestLoadConfigAll(t *testing.T) {
	c, errs := LoadConfig(env(map[string]string{
		"DISCORD_TOKEN":             "tok",
		"DISCORD_GUILD_IDS":         " 123456789012345678, 223456789012345678 ,",
		"DISCORD_API_URL":           "http://127.0.0.1:9999/",
		"STANDOFF_DATA_DIR":         "/data",
		"STANDOFF_CORPUS_DIR":       "/corpus",
		"STANDOFF_MOD_ROLE_IDS":     "42",
		"STANDOFF_AUDIT_CHANNEL_ID": "43",
		"STANDOFF_FETCH_ALLOW":      "127.0.0.1, 10.0.0.0/8, intranet.example",
		"STANDOFF_HTTP_ADDR":        "off",
		"STANDOFF_LOG_LEVEL":        "DEBUG",
		"STANDOFF_SHARD_ID":         "1",
		"STANDOFF_SHARD_COUNT":      "2",
	}))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := Config{
		Token: "tok", GuildIDs: []string{"123456789012345678", "223456789012345678"},
		AdminGuildIDs: []string{"123456789012345678", "223456789012345678"},
		APIURL:        "http://127.0.0.1:9999", DataDir: "/data", CorpusDir: "/corpus",
		ModRoleIDs: []string{"42"}, AuditChannelID: "43",
		FetchAllow: []string{"127.0.0.1", "10.0.0.0/8", "intranet.example"},
		HTTPAddr:   "", LogLevel: slog.LevelDebug, ShardID: 1, ShardCount: 2,
	}
	if fmt.Sprintf("%#v %v %v %v", c, c.Token, c.ModRoleIDs, c.FetchAllow) != fmt.Sprintf("%#v %v %v %v", want, want.Token, want.ModRoleIDs, want.FetchAllow) ||
		c.AuditChannelID != want.AuditChannelID || c.HTTPAddr != "" || c.LogLevel != want.LogLevel {
		t.Errorf("got %#v\nwant %#v", c, want)
	}
}

func TestLoadConfigProblems(t *testing.T) {
	const secret = "s3cr3t token"
	_, errs := LoadConfig(env(map[string]string{
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
	_, errs = LoadConfig(env(map[string]string{"STANDOFF_DATA_DIR": "/d"}))
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "DISCORD_TOKEN is not set") {
		t.Errorf("missing token: %v", errs)
	}
}

func TestConfigNeverPrintsToken(t *testing.T) {
	c := Config{Token: "very-secret-token", APIURL: DefaultAPIURL}
	var b strings.Builder
	l := slog.New(slog.NewTextHandler(&b, nil))
	l.Info("cfg", "config", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), b.String()} {
		if strings.Contains(s, "very-secret-token") {
			t.Errorf("token printed: %s", s)
		}
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
		if got, err := DataDir(tc.flag, env(tc.env)); err != nil || got != tc.want {
			t.Errorf("DataDir(%q, %v) = %q, %v; want %q", tc.flag, tc.env, got, err, tc.want)
		}
	}
	if _, err := DataDir("", env(map[string]string{"HOME": ""})); err == nil {
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
	c, errs := LoadConfig(env(vars))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if c.APIURL != DefaultAPIURL || c.HTTPAddr != DefaultHTTPAddr || c.ShardCount != 1 ||
		c.DataDir != "/var/lib/standoff" || c.CorpusDir != "/var/lib/standoff/corpus" {
		t.Errorf("got %+v, want the defaults in STATE_DIRECTORY", c)
	}
	vars["STANDOFF_HTTP_ADDR"] = "off"
	if c, _ := LoadConfig(env(vars)); c.HTTPAddr != "" {
		t.Errorf("STANDOFF_HTTP_ADDR=off: HTTPAddr %q, want empty (off)", c.HTTPAddr)
	}
}

func TestLoadConfigShards(t *testing.T) {
	for _, tc := range []struct {
		id, count string
		want      Config // ShardID, ShardCount, AutoShards
		problem   string
	}{
		{"", "", Config{ShardCount: 1}, ""},
		{"2", "4", Config{ShardID: 2, ShardCount: 4}, ""},
		{"", "auto", Config{ShardCount: 1, AutoShards: true}, ""},
		{"0", "AUTO", Config{ShardCount: 1, AutoShards: true}, ""},
		{"1", "auto", Config{}, "cannot be set with STANDOFF_SHARD_COUNT=auto"},
		{"", "0", Config{}, `STANDOFF_SHARD_COUNT "0" is neither auto nor`},
		{"4", "4", Config{}, "STANDOFF_SHARD_ID 4 must be less than STANDOFF_SHARD_COUNT 4"},
	} {
		c, errs := LoadConfig(env(map[string]string{
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
		if got := (Config{ShardID: c.ShardID, ShardCount: c.ShardCount, AutoShards: c.AutoShards}); got.String() != tc.want.String() {
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
			c, errs := LoadConfig(env(vars))
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
