package main

// Configuration from the environment: the one place standoff reads it, one rule per
// fact (the data folder, lists, an empty variable counting as unset).

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
	"github.com/standoff-bot/standoff/corpus/watch"
	"github.com/standoff-bot/standoff/corpus/web"
)

// loadConfig reads the bot's configuration through lookup (os.LookupEnv in production).
// It returns one error per problem, each on one line naming the variable, so that a person
// can fix them all at once; the Config is usable only when no error is returned. The
// token's value is never part of an error.
func loadConfig(lookup env) (bot.Config, []error) {
	get := lookup.get
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	c := bot.Config{APIURL: bot.DefaultAPIURL, HTTPAddr: defaultHTTPAddr, ShardCount: 1, RetentionDays: bot.DefaultRetentionDays}

	token := strings.TrimSpace(strings.TrimPrefix(get("DISCORD_TOKEN"), "Bot "))
	switch {
	case token == "":
		bad("DISCORD_TOKEN is not set: give the bot's token (Discord developer portal → your application → Bot) in the environment or in .env")
	case strings.ContainsAny(token, " \t\r\n\"'"):
		bad("DISCORD_TOKEN is malformed: it contains spaces or quotes")
	default:
		c.Token = token
	}

	c.GuildIDs = snowflakes("DISCORD_GUILD_IDS", get("DISCORD_GUILD_IDS"), bad)
	if v := get("STANDOFF_ADMIN_GUILD_IDS"); v != "" {
		c.AdminGuildIDs = snowflakes("STANDOFF_ADMIN_GUILD_IDS", v, bad)
	} else {
		c.AdminGuildIDs = slices.Clone(c.GuildIDs)
	}
	if v := get("STANDOFF_RETENTION_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3650 {
			bad("STANDOFF_RETENTION_DAYS %q is not a whole number of days from 1 to 3650", v)
		} else {
			c.RetentionDays = n
		}
	}

	if v := get("DISCORD_API_URL"); v != "" {
		u, err := url.Parse(v)
		switch {
		case err != nil:
			bad("DISCORD_API_URL %q is not an address: %v", v, err)
		case u.Scheme != "http" && u.Scheme != "https":
			bad("DISCORD_API_URL %q must start with http:// or https://", v)
		case u.Host == "":
			bad("DISCORD_API_URL %q has no host", v)
		case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
			bad("DISCORD_API_URL %q must be a plain base address, without user, query or fragment", v)
		default:
			c.APIURL = strings.TrimRight(v, "/")
		}
	}

	data, err := dataDir("", lookup)
	if err != nil {
		bad("%v", err)
	}
	c.DataDir = data
	if data != "" {
		c.CorpusDir = corpusDir("", data, lookup)
	}

	c.ModRoleIDs = snowflakes("STANDOFF_MOD_ROLE_IDS", get("STANDOFF_MOD_ROLE_IDS"), bad)
	if v := get("STANDOFF_AUDIT_CHANNEL_ID"); v != "" {
		if ids := snowflakes("STANDOFF_AUDIT_CHANNEL_ID", v, bad); len(ids) == 1 {
			c.AuditChannelID = ids[0]
		} else if len(ids) > 1 {
			bad("STANDOFF_AUDIT_CHANNEL_ID takes one channel id, not %d", len(ids))
		}
	}

	if v := get("STANDOFF_REVIEW_CHANNEL_ID"); v != "" {
		if ids := snowflakes("STANDOFF_REVIEW_CHANNEL_ID", v, bad); len(ids) == 1 {
			c.ReviewChannelID = ids[0]
		} else if len(ids) > 1 {
			bad("STANDOFF_REVIEW_CHANNEL_ID takes one channel id, not %d", len(ids))
		}
	}
	if _, err := watchOptions(lookup); err != nil {
		bad("%v", err)
	}

	allow, allowErrs := fetchAllow(lookup)
	errs = append(errs, allowErrs...)
	c.FetchAllow = allow

	if addr, err := httpAddr(lookup); err != nil {
		bad("%v", err)
	} else {
		c.HTTPAddr = addr
	}

	switch v := strings.ToLower(get("STANDOFF_LOG_LEVEL")); v {
	case "", "info":
		c.LogLevel = slog.LevelInfo
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("STANDOFF_LOG_LEVEL %q is not one of debug, info, warn, error", v)
	}

	shardOK := true
	if v := get("STANDOFF_SHARD_COUNT"); strings.EqualFold(v, "auto") {
		c.AutoShards = true
		if id := get("STANDOFF_SHARD_ID"); id != "" && id != "0" {
			bad("STANDOFF_SHARD_ID %q cannot be set with STANDOFF_SHARD_COUNT=auto, which runs every shard in this process", id)
		}
		shardOK = false
	} else if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			bad("STANDOFF_SHARD_COUNT %q is neither auto nor a whole number of at least 1", v)
			shardOK = false
		} else {
			c.ShardCount = n
		}
	}
	if v := get("STANDOFF_SHARD_ID"); v != "" && !c.AutoShards {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			bad("STANDOFF_SHARD_ID %q is not a whole number of at least 0", v)
			shardOK = false
		} else {
			c.ShardID = n
		}
	}
	if shardOK && c.ShardID >= c.ShardCount {
		bad("STANDOFF_SHARD_ID %d must be less than STANDOFF_SHARD_COUNT %d", c.ShardID, c.ShardCount)
	}
	return c, errs
}

// env reads configuration variables through a lookup function such as os.LookupEnv.
// It is the one reader of the environment that every standoff command shares: a
// variable that is empty, or only white space, counts as unset.
type env func(string) (string, bool)

// get returns the variable's value without surrounding white space, or "" when it is
// unset or empty.
func (e env) get(name string) string {
	if e == nil {
		return ""
	}
	v, _ := e(name)
	return strings.TrimSpace(v)
}

// dataDir returns the data folder by the rule every standoff command shares: flagValue
// (the --data flag) when not empty, else STANDOFF_DATA_DIR, else systemd's
// STATE_DIRECTORY (its first entry when it lists several), else $XDG_DATA_HOME/standoff,
// else $HOME/.local/share/standoff. An empty variable counts as unset.
func dataDir(flagValue string, lookup env) (string, error) {
	if v := strings.TrimSpace(flagValue); v != "" {
		return v, nil
	}
	get := lookup.get
	if v := get("STANDOFF_DATA_DIR"); v != "" {
		return v, nil
	}
	// systemd sets STATE_DIRECTORY to the absolute paths of StateDirectory=, separated
	// by colons.
	if v := get("STATE_DIRECTORY"); v != "" {
		if first, _, _ := strings.Cut(v, ":"); strings.TrimSpace(first) != "" {
			return strings.TrimSpace(first), nil
		}
	}
	if v := get("XDG_DATA_HOME"); v != "" {
		return filepath.Join(v, "standoff"), nil
	}
	if v := get("HOME"); v != "" {
		return filepath.Join(v, ".local", "share", "standoff"), nil
	}
	return "", fmt.Errorf("no data folder: give --data, or set STANDOFF_DATA_DIR (neither STATE_DIRECTORY, XDG_DATA_HOME nor HOME is set)")
}

// corpusDir returns the corpus folder the bot serves and moderators edit, by the rule
// every standoff command shares: flagValue (the --corpus flag) when not empty, else
// STANDOFF_CORPUS_DIR, else the folder corpus in data.
func corpusDir(flagValue, data string, lookup env) string {
	if v := strings.TrimSpace(flagValue); v != "" {
		return v
	}
	if v := lookup.get("STANDOFF_CORPUS_DIR"); v != "" {
		return v
	}
	return filepath.Join(data, "corpus")
}

// snowflakes parses a comma-separated list of Discord ids, reporting each malformed one.
func snowflakes(name, value string, bad func(string, ...any)) []string {
	var ids []string
	for _, item := range splitList(value) {
		if !isSnowflake(item) {
			bad("%s: %q is not a Discord id (a number such as 123456789012345678)", name, item)
			continue
		}
		ids = append(ids, item)
	}
	return ids
}

// splitList splits a comma-separated list, dropping empty items and spaces.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// isSnowflake reports whether s is a Discord id: a decimal number that fits 64 bits.
func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil && s[0] != '+'
}

// gitConfig reads the corpus repository's settings from the environment:
// STANDOFF_CORPUS_GIT, STANDOFF_CORPUS_GIT_BRANCH and STANDOFF_CORPUS_GIT_TOKEN.
func gitConfig(dir string, lookup env, logger *slog.Logger) gitcorpus.Config {
	return gitcorpus.Config{Dir: dir, Remote: lookup.get("STANDOFF_CORPUS_GIT"),
		Branch: lookup.get("STANDOFF_CORPUS_GIT_BRANCH"),
		Token:  lookup.get("STANDOFF_CORPUS_GIT_TOKEN"), Logger: logger}
}

// DefaultSyncInterval is how often the bot looks at the corpus's remote when
// STANDOFF_CORPUS_SYNC is unset.
const DefaultSyncInterval = 30 * time.Second

// syncInterval reads STANDOFF_CORPUS_SYNC: a Go duration of at least 100ms.
func syncInterval(lookup env) (time.Duration, error) {
	v := lookup.get("STANDOFF_CORPUS_SYNC")
	if v == "" {
		return DefaultSyncInterval, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 100*time.Millisecond {
		return 0, fmt.Errorf("STANDOFF_CORPUS_SYNC: %q is not a duration of at least 100ms (e.g. 30s, 5m)", v)
	}
	return d, nil
}

// durationVar reads the variable name: a Go duration of at least least, or def when it
// is unset; "off" or "0" is zero.
func durationVar(lookup env, name string, def, least time.Duration) (time.Duration, error) {
	v := lookup.get(name)
	switch v {
	case "":
		return def, nil
	case "off", "0":
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < least {
		return 0, fmt.Errorf("%s: %q is not a duration of at least %s (e.g. 30m, 2h), nor off", name, v, least)
	}
	return d, nil
}

// watchOptions reads STANDOFF_WATCH_EVERY (how often the bot polls the watched sources;
// off turns the schedule off), STANDOFF_WATCH_PAUSE (between two requests to one host)
// and STANDOFF_WATCH_MAX_AGE (when a proposal expires).
func watchOptions(lookup env) (watch.Options, error) {
	every, err := durationVar(lookup, "STANDOFF_WATCH_EVERY", watch.DefaultEvery, time.Second)
	if err != nil {
		return watch.Options{}, err
	}
	pause, err := durationVar(lookup, "STANDOFF_WATCH_PAUSE", watch.DefaultHostPause, 0)
	if err != nil {
		return watch.Options{}, err
	}
	if pause == 0 {
		pause = -1 // no pause at all
	}
	age, err := durationVar(lookup, "STANDOFF_WATCH_MAX_AGE", watch.DefaultMaxAge, time.Minute)
	if err != nil {
		return watch.Options{}, err
	}
	if age == 0 {
		age = watch.DefaultMaxAge
	}
	return watch.Options{Every: every, HostPause: pause, MaxAge: age}, nil
}

// fetchAllow reads STANDOFF_FETCH_ALLOW with the parser of the address policy that
// enforces it: the valid items, and one error for each item that is not valid.
func fetchAllow(lookup env) ([]string, []error) {
	items, errs := web.ParseAllowList(lookup.get("STANDOFF_FETCH_ALLOW"))
	for i, err := range errs {
		errs[i] = fmt.Errorf("STANDOFF_FETCH_ALLOW: %w", err)
	}
	return items, errs
}

// httpAddrOff is the value of STANDOFF_HTTP_ADDR that turns the health and metrics
// endpoints off.
const httpAddrOff = "off"

// defaultHTTPAddr is the address of the health and metrics endpoints when
// STANDOFF_HTTP_ADDR is not set.
const defaultHTTPAddr = "127.0.0.1:8080"

// httpAddr reads STANDOFF_HTTP_ADDR, the address of the bot's health and metrics
// endpoints, for the bot and for standoff health alike: host:port, "" when it is off,
// defaultHTTPAddr when it is unset (or empty, as everywhere).
func httpAddr(lookup env) (string, error) {
	v := lookup.get("STANDOFF_HTTP_ADDR")
	switch {
	case v == "":
		return defaultHTTPAddr, nil
	case strings.EqualFold(v, httpAddrOff):
		return "", nil
	}
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", fmt.Errorf("STANDOFF_HTTP_ADDR %q is not host:port (such as 127.0.0.1:8080) nor off: %w", v, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return "", fmt.Errorf("STANDOFF_HTTP_ADDR %q has no valid port", v)
	}
	return v, nil
}

// folders resolves the data folder and the corpus folder from their flags and the
// environment, by the rules every standoff command shares.
func folders(dataFlag, corpusFlag string, lookup func(string) (string, bool)) (data, dir string, err error) {
	data, err = dataDir(dataFlag, lookup)
	if err != nil {
		return "", "", err
	}
	return data, corpusDir(corpusFlag, data, lookup), nil
}
