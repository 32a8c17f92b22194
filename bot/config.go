package bot

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// DefaultAPIURL is Discord's HTTP API base address, used when DISCORD_API_URL is not set.
const DefaultAPIURL = "https://discord.com"

// HTTPAddrOff is the value of STANDOFF_HTTP_ADDR that turns the health and metrics
// endpoints off.
const HTTPAddrOff = "off"

// DefaultHTTPAddr is the address of the health and metrics endpoints when
// STANDOFF_HTTP_ADDR is not set.
const DefaultHTTPAddr = "127.0.0.1:8080"

// DefaultRetentionDays is how long the question and feedback logs keep a line when
// STANDOFF_RETENTION_DAYS is not set.
const DefaultRetentionDays = 30

// Config is the bot's configuration, read from the environment by LoadConfig. Its fields
// follow the design's configuration table one for one.
type Config struct {
	// Token is the bot's token without the "Bot " prefix. It never appears in a log line,
	// an error message or a reply; String and LogValue leave it out.
	Token string
	// GuildIDs are the guilds to register commands in; empty registers them globally.
	GuildIDs []string
	// APIURL is the base address of Discord's HTTP API, without a trailing slash.
	APIURL string
	// DataDir holds the index, the question and feedback logs.
	DataDir string
	// CorpusDir is the corpus folder moderators edit.
	CorpusDir string
	// AdminGuildIDs are the guilds whose moderators may change the corpus; /corpus is
	// registered only there. LoadConfig defaults it to GuildIDs; empty turns /corpus off.
	AdminGuildIDs []string
	// ModRoleIDs are roles that may moderate, besides members with Manage Server.
	ModRoleIDs []string
	// RetentionDays is how many days the question and feedback logs keep a line.
	RetentionDays int
	// AuditChannelID receives a line for every corpus change; empty for none.
	AuditChannelID string
	// FetchAllow lists hosts or CIDR ranges that downloads may reach although they are
	// loopback, private or link-local.
	FetchAllow []string
	// HTTPAddr is the address of the health and metrics endpoints; empty turns them off.
	HTTPAddr string
	// LogLevel is the level below which log lines are dropped.
	LogLevel slog.Level
	// ShardID and ShardCount configure Discord gateway sharding: this process runs shard
	// ShardID of ShardCount.
	ShardID, ShardCount int
	// AutoShards (STANDOFF_SHARD_COUNT=auto) asks Discord for the recommended shard count
	// and runs every shard in this process; ShardID and ShardCount are then unused.
	AutoShards bool
}

// String describes the configuration without the token.
func (c Config) String() string {
	shards := fmt.Sprintf("%d/%d", c.ShardID, c.ShardCount)
	if c.AutoShards {
		shards = "auto"
	}
	return fmt.Sprintf("bot.Config{GuildIDs:%v AdminGuildIDs:%v APIURL:%s DataDir:%s CorpusDir:%s Shard:%s}",
		c.GuildIDs, c.AdminGuildIDs, c.APIURL, c.DataDir, c.CorpusDir, shards)
}

// GoString describes the configuration for %#v, without the token.
func (c Config) GoString() string { return c.String() }

// LogValue lets slog print the configuration without the token.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("guild_ids", c.GuildIDs),
		slog.Any("admin_guild_ids", c.AdminGuildIDs),
		slog.Int("retention_days", c.RetentionDays),
		slog.String("api_url", c.APIURL),
		slog.String("data_dir", c.DataDir),
		slog.String("corpus_dir", c.CorpusDir),
		slog.String("http_addr", c.HTTPAddr),
		slog.String("log_level", c.LogLevel.String()),
		slog.Int("shard_id", c.ShardID),
		slog.Int("shard_count", c.ShardCount),
		slog.Bool("auto_shards", c.AutoShards),
	)
}

// LoadConfig reads the configuration through lookup (os.LookupEnv in production). It
// returns one error per problem, each on one line naming the variable, so that a person
// can fix them all at once; the Config is usable only when no error is returned. The
// token's value is never part of an error.
func LoadConfig(lookup func(string) (string, bool)) (Config, []error) {
	get := Env(lookup).Get
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	c := Config{APIURL: DefaultAPIURL, HTTPAddr: DefaultHTTPAddr, ShardCount: 1, RetentionDays: DefaultRetentionDays}

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

	dataDir, err := DataDir("", lookup)
	if err != nil {
		bad("%v", err)
	}
	c.DataDir = dataDir
	if dataDir != "" {
		c.CorpusDir = CorpusDir("", dataDir, lookup)
	}

	c.ModRoleIDs = snowflakes("STANDOFF_MOD_ROLE_IDS", get("STANDOFF_MOD_ROLE_IDS"), bad)
	if v := get("STANDOFF_AUDIT_CHANNEL_ID"); v != "" {
		if ids := snowflakes("STANDOFF_AUDIT_CHANNEL_ID", v, bad); len(ids) == 1 {
			c.AuditChannelID = ids[0]
		} else if len(ids) > 1 {
			bad("STANDOFF_AUDIT_CHANNEL_ID takes one channel id, not %d", len(ids))
		}
	}

	for _, item := range splitList(get("STANDOFF_FETCH_ALLOW")) {
		if !validAllowItem(item) {
			bad("STANDOFF_FETCH_ALLOW: %q is neither a host name, an IP address nor a CIDR range such as 10.0.0.0/8", item)
			continue
		}
		c.FetchAllow = append(c.FetchAllow, item)
	}

	// An empty variable counts as unset, as everywhere: "off" turns the endpoints off.
	if v := get("STANDOFF_HTTP_ADDR"); strings.EqualFold(v, HTTPAddrOff) {
		c.HTTPAddr = ""
	} else if v != "" {
		if _, port, err := net.SplitHostPort(v); err != nil {
			bad("STANDOFF_HTTP_ADDR %q is not host:port (such as 127.0.0.1:8080) nor off: %v", v, err)
		} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
			bad("STANDOFF_HTTP_ADDR %q has no valid port", v)
		}
		c.HTTPAddr = v
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

// Env reads configuration variables through a lookup function such as os.LookupEnv.
// It is the one reader of the environment that every standoff command shares: a
// variable that is empty, or only white space, counts as unset.
type Env func(string) (string, bool)

// Get returns the variable's value without surrounding white space, or "" when it is
// unset or empty.
func (e Env) Get(name string) string {
	if e == nil {
		return ""
	}
	v, _ := e(name)
	return strings.TrimSpace(v)
}

// DataDir returns the data folder by the rule every standoff command shares: flagValue
// (the --data flag) when not empty, else STANDOFF_DATA_DIR, else systemd's
// STATE_DIRECTORY (its first entry when it lists several), else $XDG_DATA_HOME/standoff,
// else $HOME/.local/share/standoff. An empty variable counts as unset.
func DataDir(flagValue string, lookup func(string) (string, bool)) (string, error) {
	if v := strings.TrimSpace(flagValue); v != "" {
		return v, nil
	}
	get := Env(lookup).Get
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

// CorpusDir returns the corpus folder the bot serves and moderators edit, by the rule
// every standoff command shares: flagValue (the --corpus flag) when not empty, else
// STANDOFF_CORPUS_DIR, else the folder corpus in dataDir.
func CorpusDir(flagValue, dataDir string, lookup func(string) (string, bool)) string {
	if v := strings.TrimSpace(flagValue); v != "" {
		return v
	}
	if v := Env(lookup).Get("STANDOFF_CORPUS_DIR"); v != "" {
		return v
	}
	return filepath.Join(dataDir, "corpus")
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

// validAllowItem reports whether item is a CIDR range, an IP address or a host name.
func validAllowItem(item string) bool {
	if _, _, err := net.ParseCIDR(item); err == nil {
		return true
	}
	if net.ParseIP(item) != nil {
		return true
	}
	if len(item) > 253 {
		return false
	}
	for _, label := range strings.Split(item, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
