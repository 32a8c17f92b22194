package bot

import (
	"fmt"
	"log/slog"
)

// DefaultAPIURL is Discord's HTTP API base address, used when DISCORD_API_URL is not set.
const DefaultAPIURL = "https://discord.com"

// DefaultRetentionDays is how long the question and feedback logs keep a line when
// STANDOFF_RETENTION_DAYS is not set.
const DefaultRetentionDays = 30

// Config is the bot's configuration, a plain value the command fills (from the
// environment, in standoff bot). Its fields follow the design's configuration table one
// for one.
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
	// registered only there. The command defaults it to GuildIDs; empty turns /corpus off.
	AdminGuildIDs []string
	// ModRoleIDs are roles that may moderate, besides members with Manage Server.
	ModRoleIDs []string
	// RetentionDays is how many days the question and feedback logs keep a line.
	RetentionDays int
	// AuditChannelID receives a line for every corpus change; empty for none.
	AuditChannelID string
	// ReviewChannelID, a channel of an admin guild, receives the new proposals of the
	// review queue; empty for none (/corpus queue only).
	ReviewChannelID string
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
