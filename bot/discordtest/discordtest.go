// Package discordtest is a fake Discord for tests: an HTTP server and a gateway websocket
// on 127.0.0.1 that speak enough of Discord's API v9 for discordgo to connect (HELLO,
// IDENTIFY, READY, heartbeats, RESUME), that dispatch INTERACTION_CREATE and
// MESSAGE_CREATE events, and that record the interaction callbacks, follow-ups, edits,
// channel messages and command registrations they receive.
//
// Like Discord, it refuses what Discord refuses — a second response to an interaction, a
// response after three seconds, a payload over Discord's limits — and it notes every such
// breach in Violations, so that a test can assert there was none. Point a bot at it with
// DISCORD_API_URL set to Server.URL.
//
// For production concerns it also serves GET /gateway/bot with a recommended shard count
// and keeps one gateway session per shard, routing each event by its guild as Discord
// does; it can answer 429 Too Many Requests (RateLimitNext), hold interaction callbacks
// back (SetCallbackDelay), drop connections (DropConnection, DropShard), and, for long
// soak tests, keep no record of calls (WithoutRecording, WithCallHook, Forget).
//
// It fails as Discord does (faults.go): a 500, a 503, a 429 with a long retry_after, a
// connection reset or a slow answer on the next calls of a kind (FailNext), a rate limit
// shared by a kind of call (LimitRate), random failures (WithFaults); on the gateway, a
// zombie connection (StopHeartbeatAcks), a close with any code (CloseGateway), a token
// revoked (RevokeToken), intents no longer allowed (DisallowIntents), INVALID_SESSION
// (InvalidSession) and events delivered twice around a resume (ReplayOnResume).
package discordtest

import (
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"
)

// Defaults of a new Server.
const (
	DefaultToken = "fake-bot-token"
	BotUserID    = "900000000000000001"
	AppID        = "900000000000000002"
	BotName      = "standoff"
)

// discordEpochMs is the start of Discord's snowflakes: 2015-01-01, in Unix milliseconds.
const discordEpochMs = 1420070400000

// CallKind says what a recorded REST call was.
type CallKind string

// Kinds of recorded REST calls.
const (
	KindCallback       CallKind = "interaction_callback" // POST /interactions/{id}/{token}/callback
	KindEditOriginal   CallKind = "edit_original"        // PATCH /webhooks/{app}/{token}/messages/@original
	KindDeleteOriginal CallKind = "delete_original"      // DELETE /webhooks/{app}/{token}/messages/@original
	KindFollowup       CallKind = "followup"             // POST /webhooks/{app}/{token}
	KindEditFollowup   CallKind = "edit_followup"        // PATCH /webhooks/{app}/{token}/messages/{id}
	KindChannelMessage CallKind = "channel_message"      // POST /channels/{id}/messages
	KindCommands       CallKind = "commands"             // PUT /applications/{app}[/guilds/{g}]/commands
	KindGateway        CallKind = "gateway"              // GET /gateway
	KindOther          CallKind = "other"
)

// Call is one REST request the server received.
type Call struct {
	Seq    int
	Time   time.Time
	Method string
	Path   string
	Kind   CallKind
	Status int // the status the server answered with
	Body   json.RawMessage

	// InteractionID and Token identify the interaction of callbacks, edits and
	// follow-ups; ChannelID the channel of channel messages; GuildID the guild of a
	// command registration (empty: global).
	InteractionID, Token, ChannelID, GuildID string
	// MessageID is the message the call created or changed, when it did.
	MessageID string
	// Faulted is set when the server answered the call with an injected fault or a rate
	// limit (FailNext, LimitRate, WithFaults) instead of handling it.
	Faulted bool
}

// Payload decodes the message a call carried: an interaction callback's data, an edit,
// a follow-up or a channel message.
func (c Call) Payload() (Payload, error) {
	var p Payload
	if c.Kind == KindCallback {
		var cb struct {
			Type int             `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(c.Body, &cb); err != nil {
			return p, fmt.Errorf("decode callback: %w", err)
		}
		p.Type = cb.Type
		if len(cb.Data) == 0 || string(cb.Data) == "null" {
			return p, nil
		}
		err := json.Unmarshal(cb.Data, &p)
		p.Type = cb.Type
		return p, err
	}
	err := json.Unmarshal(c.Body, &p)
	return p, err
}

// Payload is a message as the bot sent it.
type Payload struct {
	Type            int              `json:"-"` // interaction callback type; 0 for other calls
	Content         string           `json:"content"`
	Embeds          []Embed          `json:"embeds"`
	Components      []Component      `json:"components"`
	Flags           int              `json:"flags"`
	AllowedMentions *AllowedMentions `json:"allowed_mentions"`
	Choices         []Choice         `json:"choices"`
	Reference       *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
}

// Embed is an embed as the bot sent it.
type Embed struct {
	Title       string `json:"title"`
	URL         string `json:"url"`
	Description string `json:"description"`
	Color       int    `json:"color"`
	Timestamp   string `json:"timestamp"`
	Footer      *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Author *struct {
		Name string `json:"name"`
	} `json:"author"`
	Fields []struct {
		Name   string `json:"name"`
		Value  string `json:"value"`
		Inline bool   `json:"inline"`
	} `json:"fields"`
}

// Component is an action row or a button as the bot sent it.
type Component struct {
	Type       int         `json:"type"`
	Label      string      `json:"label"`
	Style      int         `json:"style"`
	CustomID   string      `json:"custom_id"`
	URL        string      `json:"url"`
	Disabled   bool        `json:"disabled"`
	Emoji      *Emoji      `json:"emoji"`
	Components []Component `json:"components"`
}

// Emoji is a button's emoji.
type Emoji struct {
	Name string `json:"name"`
}

// AllowedMentions is a message's allowed_mentions.
type AllowedMentions struct {
	Parse       *[]string `json:"parse"`
	Users       []string  `json:"users"`
	Roles       []string  `json:"roles"`
	RepliedUser bool      `json:"replied_user"`
}

// Choice is an autocomplete choice.
type Choice struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// Buttons returns the buttons of p, row by row.
func (p Payload) Buttons() []Component {
	var out []Component
	for _, row := range p.Components {
		out = append(out, row.Components...)
	}
	return out
}

// Button returns the button of p whose custom id starts with prefix, or whose label is
// prefix.
func (p Payload) Button(prefix string) (Component, bool) {
	for _, b := range p.Buttons() {
		if (b.CustomID != "" && strings.HasPrefix(b.CustomID, prefix)) || b.Label == prefix {
			return b, true
		}
	}
	return Component{}, false
}

// User is a member of the fake Discord.
type User struct {
	ID   string
	Name string
}

// Place is where an event happens: a guild channel, or a direct message when GuildID is
// empty.
type Place struct {
	GuildID   string
	ChannelID string
}

// Server is a fake Discord. Its zero value is not usable: call New.
type Server struct {
	// URL is the base address to give the bot as DISCORD_API_URL.
	URL string
	// Token is the bot token the server accepts, without "Bot ".
	Token string

	http *httptest.Server

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every change
	shards     map[int]*gwShard
	shardCount int // from the last IDENTIFY; 1 when it named none
	recommend  int // shards that GET /gateway/bot recommends
	sessions   int
	identifies []json.RawMessage
	resumes    int
	heartbeats int
	intents    int64
	calls      []Call
	byInter    map[string][]int // interaction id → indexes in calls
	violations []string
	messages   map[string]*storedMessage
	chans      channelState            // threads, DM channels, refused permissions (threads.go)
	inters     map[string]*interaction // by token
	lastID     int64                   // the last snowflake handed out
	heartbeat  time.Duration
	closed     bool
	delay      time.Duration              // before answering an interaction callback
	delayed    int                        // callbacks being delayed now
	limitNext  int                        // REST requests still to refuse with a 429
	callCount  int                        // REST requests received, recorded or not
	noRecord   bool                       // keep no Calls (see WithoutRecording)
	hook       func(Call)                 // called with every REST request (see WithCallHook)
	faults     []*faultRule               // see FailNext
	faulted    int                        // calls a fault was applied to
	replay     int                        // events to send again on the next RESUME (see ReplayOnResume)
	nonces     map[string]string          // channel/nonce → message made with enforce_nonce
	unacked    int                        // heartbeats left unacknowledged (see StopHeartbeatAcks)
	disallowed int64                      // intents refused with 4014 (see DisallowIntents)
	limits     map[CallKind]*rate.Limiter // see LimitRate
	chaos      float64                    // the share of REST calls failed at random (see WithFaults)
	chaosRand  *mrand.Rand
}

// maxHistory is how many events the server keeps per shard for a RESUME, as Discord keeps
// a bounded backlog.
const maxHistory = 1000

type dispatch struct {
	seq  int64
	typ  string
	data json.RawMessage
}

type gwConn struct {
	ws    *websocket.Conn
	wm    sync.Mutex
	noAck bool // heartbeats go unacknowledged (see StopHeartbeatAcks); under Server.mu
}

func (c *gwConn) write(v any) error {
	c.wm.Lock()
	defer c.wm.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(v)
}

// interaction is what the server remembers of a dispatched interaction.
type interaction struct {
	id, token string
	typ       int
	channelID string
	guildID   string
	sent      time.Time
	acked     int    // the callback type, 0 while unanswered
	original  string // message id of the original response (or the message a button is on)
	messageID string // the message a button was on
}

// storedMessage is a message of the fake Discord, kept raw as the bot sent it.
type storedMessage struct {
	ID         string
	ChannelID  string
	GuildID    string
	AuthorID   string
	AuthorName string // the user name of a member's message; the bot's otherwise
	Content    string
	Embeds     json.RawMessage
	Components json.RawMessage
	Flags      int
}

// Option configures New.
type Option func(*Server)

// WithHeartbeatInterval sets the heartbeat interval announced in HELLO (default 41.25 s).
func WithHeartbeatInterval(d time.Duration) Option { return func(s *Server) { s.heartbeat = d } }

// WithoutRecording makes the server keep no record of the REST calls it receives, so
// that a long test's memory stays flat: Calls, Response and Reply then find nothing; use
// WithCallHook to see the calls.
func WithoutRecording() Option { return func(s *Server) { s.noRecord = true } }

// WithCallHook has fn called with every REST call the server answered, in the request's
// goroutine, after the answer was written.
func WithCallHook(fn func(Call)) Option { return func(s *Server) { s.hook = fn } }

// WithFaults makes the server fail a share of the REST calls (other than GET /gateway)
// at random, from seed: a 500, a 503, or a 429 with a retry_after of up to 200 ms, in
// equal parts, as Discord does on a bad day.
func WithFaults(share float64, seed uint64) Option {
	return func(s *Server) { s.chaos, s.chaosRand = share, mrand.New(mrand.NewPCG(seed, 18)) }
}

// WithRecommendedShards sets the shard count that GET /gateway/bot recommends (default 1).
func WithRecommendedShards(n int) Option { return func(s *Server) { s.recommend = n } }

// New starts a fake Discord on 127.0.0.1. Close it after the bots that use it.
func New(opts ...Option) *Server {
	s := &Server{
		Token:      DefaultToken,
		changed:    make(chan struct{}),
		messages:   map[string]*storedMessage{},
		inters:     map[string]*interaction{},
		byInter:    map[string][]int{},
		nonces:     map[string]string{},
		limits:     map[CallKind]*rate.Limiter{},
		heartbeat:  41250 * time.Millisecond,
		shards:     map[int]*gwShard{},
		shardCount: 1,
		recommend:  1,
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/gateway/", s.serveGateway)
	mux.HandleFunc("/gateway", s.serveGateway)
	mux.HandleFunc("/api/v9/", s.serveREST)
	s.http = httptest.NewUnstartedServer(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("discordtest: listen: %v", err))
	}
	s.http.Listener = ln
	// Known before the server starts, as its handlers read it (the gateway's address).
	s.URL = "http://" + ln.Addr().String()
	s.http.Start()
	return s
}

// Close stops the server and closes the gateway connection. Close the bots first:
// discordgo retries a lost connection for ever.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	for _, sh := range s.shards {
		if sh.conn != nil {
			sh.conn.ws.Close()
			sh.conn = nil
		}
	}
	s.mu.Unlock()
	s.http.CloseClientConnections()
	s.http.Close()
}

// token returns the token the server accepts now.
func (s *Server) token() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Token
}

// notifyLocked wakes every waiter; the caller holds s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) newIDLocked() string {
	// A snowflake, as Discord makes them: milliseconds since Discord's epoch in the high
	// bits, so that an id tells when its interaction or message was made.
	id := (time.Now().UnixMilli() - discordEpochMs) << 22
	if id <= s.lastID {
		id = s.lastID + 1
	}
	s.lastID = id
	return strconv.FormatInt(id, 10)
}

// violate notes a breach of Discord's rules; the caller holds s.mu.
func (s *Server) violateLocked(format string, a ...any) {
	s.violations = append(s.violations, fmt.Sprintf(format, a...))
}

// Violations returns every breach of Discord's rules the server saw: late or repeated
// interaction responses, payloads over the limits, messages that could ping someone.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// Calls returns the REST calls received so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Identifies returns the IDENTIFY payloads received, in order.
func (s *Server) Identifies() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.identifies...)
}

// Resumes returns how many RESUMEs succeeded.
func (s *Server) Resumes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resumes
}

// Heartbeats returns how many heartbeats the server acknowledged.
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeats
}

// Intents returns the gateway intents of the last IDENTIFY.
func (s *Server) Intents() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.intents
}

// Connected reports whether a bot holds a gateway connection that completed READY or
// RESUMED for every shard of the last IDENTIFY's shard count.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.shards) == 0 {
		return false
	}
	for id := range s.shardCount {
		if sh := s.shards[id]; sh == nil || sh.conn == nil {
			return false
		}
	}
	return true
}

// ConnectedShards returns the ids of the shards that hold a gateway connection, in order.
func (s *Server) ConnectedShards() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int
	for id := range s.shardCount {
		if sh := s.shards[id]; sh != nil && sh.conn != nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// SetCallbackDelay makes the server wait d before it answers each interaction callback,
// as a slow Discord would, so that a test can act while a response is in flight. Whether
// a callback came within Discord's three seconds is judged by when it arrived.
func (s *Server) SetCallbackDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// DelayedCallbacks returns how many interaction callbacks the server is holding back now
// (see SetCallbackDelay).
func (s *Server) DelayedCallbacks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delayed
}

// WaitUntil blocks until cond (called with the server's lock not held) is true or
// timeout passes; it reports whether cond became true. Use it instead of sleeping.
func (s *Server) WaitUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return cond()
		}
	}
}

// WaitCall waits up to timeout for a call, from the seq-th on (0: all), that match
// accepts, and returns the first.
func (s *Server) WaitCall(timeout time.Duration, from int, match func(Call) bool) (Call, bool) {
	var found Call
	ok := s.WaitUntil(timeout, func() bool {
		for _, c := range s.Calls() {
			if c.Seq >= from && match(c) {
				found = c
				return true
			}
		}
		return false
	})
	return found, ok
}

// interactionCalls returns the calls about one interaction, in order.
func (s *Server) interactionCalls(id string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, 0, len(s.byInter[id]))
	for _, i := range s.byInter[id] {
		out = append(out, s.calls[i])
	}
	return out
}

// Mark returns the sequence number the next call will have, for WaitCall's from.
func (s *Server) Mark() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callCount
}

// Forget drops what the server keeps of the interactions and messages with the given
// ids (an interaction's original response too), so that a long test's memory stays
// flat. Buttons on a forgotten message can no longer be clicked.
func (s *Server) Forget(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		delete(s.messages, id)
		for token, in := range s.inters {
			if in.id == id {
				delete(s.messages, in.original)
				delete(s.inters, token)
			}
		}
	}
}

// Response waits up to timeout for the message that answers the interaction with id
// interactionID: the callback's data when it carries a message (type 4, 7 or 8), or
// else the edit of the original response or the first follow-up that comes after a
// deferred one (type 5 or 6). It returns the call that carried it.
func (s *Server) Response(timeout time.Duration, interactionID string) (Call, Payload, error) {
	var call Call
	ok := s.WaitUntil(timeout, func() bool {
		deferred := false
		for _, c := range s.interactionCalls(interactionID) {
			switch c.Kind {
			case KindCallback:
				p, err := c.Payload()
				if err != nil || c.Status >= 300 {
					call = c
					return true
				}
				if p.Type == 5 || p.Type == 6 {
					deferred = true
					continue
				}
				call = c
				return true
			case KindEditOriginal, KindFollowup:
				if deferred {
					call = c
					return true
				}
			}
		}
		return false
	})
	if !ok {
		return Call{}, Payload{}, fmt.Errorf("discordtest: no response to interaction %s within %s", interactionID, timeout)
	}
	if call.Status >= 300 {
		return call, Payload{}, fmt.Errorf("discordtest: the response to interaction %s was refused (%d): %s", interactionID, call.Status, call.Body)
	}
	p, err := call.Payload()
	return call, p, err
}

// Reply waits up to timeout for a channel message that replies to messageID.
func (s *Server) Reply(timeout time.Duration, messageID string) (Call, Payload, error) {
	var call Call
	var p Payload
	ok := s.WaitUntil(timeout, func() bool {
		for _, c := range s.Calls() {
			if c.Kind != KindChannelMessage || c.Status >= 300 {
				continue
			}
			pp, err := c.Payload()
			if err == nil && pp.Reference != nil && pp.Reference.MessageID == messageID {
				call, p = c, pp
				return true
			}
		}
		return false
	})
	if !ok {
		return Call{}, Payload{}, fmt.Errorf("discordtest: no reply to message %s within %s", messageID, timeout)
	}
	return call, p, nil
}

// messageJSONLocked returns the stored message with id as discordgo would receive it (JSON), for
// building button interactions.
func (s *Server) messageJSONLocked(id string) (json.RawMessage, bool) {
	m, ok := s.messages[id]
	if !ok {
		return nil, false
	}
	author := m.AuthorName
	if author == "" {
		author = BotName
	}
	obj := map[string]any{
		"id":         m.ID,
		"channel_id": m.ChannelID,
		"content":    m.Content,
		"flags":      m.Flags,
		"type":       0,
		"timestamp":  time.Now().UTC().Format(time.RFC3339),
		"author":     map[string]any{"id": m.AuthorID, "username": author, "bot": m.AuthorID == BotUserID, "discriminator": "0"},
		"embeds":     rawOr(m.Embeds, "[]"),
		"components": rawOr(m.Components, "[]"),
		"mentions":   []any{},
	}
	if m.GuildID != "" {
		obj["guild_id"] = m.GuildID
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, false
	}
	return b, true
}

func rawOr(r json.RawMessage, def string) json.RawMessage {
	if len(r) == 0 || string(r) == "null" {
		return json.RawMessage(def)
	}
	return r
}

// StoredMessage returns the content, embeds and components of the message with id, as
// they stand after every edit.
func (s *Server) StoredMessage(id string) (Payload, bool) {
	s.mu.Lock()
	raw, ok := s.messageJSONLocked(id)
	s.mu.Unlock()
	if !ok {
		return Payload{}, false
	}
	var p Payload
	if json.Unmarshal(raw, &p) != nil {
		return Payload{}, false
	}
	return p, true
}
