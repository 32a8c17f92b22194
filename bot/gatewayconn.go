package bot

// This file: the gateway's network connection, which makes discordgo resume where Discord
// allows it. discordgo answers every op 9 INVALID_SESSION with a new IDENTIFY, although
// d=true says that the session may be resumed, and it offers no hook between a frame and
// its handling. So the connection under discordgo's websocket reads the frames Discord
// sends and turns an op 9 with d=true into an op 7 RECONNECT, which discordgo answers by
// closing with a resumable code; the gateway keeper (gateway.go) then reconnects and
// discordgo resumes with its session id. An op 9 with d=false, and every other frame,
// goes through byte for byte.

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/websocket"
)

// maxInspected is the largest frame payload read whole to see whether it is an op 9: an
// op 9 is a few dozen bytes, and larger frames stream through untouched.
const maxInspected = 4096

// gatewayDialer returns the websocket dialer for the gateway: its connections go through
// proxy when it names one for the gateway's address (an HTTP CONNECT proxy, as
// HTTPS_PROXY gives), do their own TLS handshake for wss with tlsConfig (nil for the
// system's roots), and turn Discord's op 9 with d=true into op 7 (see resumeConn).
func gatewayDialer(log *slog.Logger, tlsConfig *tls.Config, proxy func(*http.Request) (*url.URL, error)) *websocket.Dialer {
	g := gatewayDial{log: log, tls: tlsConfig, proxy: proxy}
	return &websocket.Dialer{
		HandshakeTimeout: 15 * time.Second,
		// No Proxy here: the websocket package would dial the proxy through the functions
		// below, and put the proxy's CONNECT answer and its TLS under the frame reader.
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return g.dial(ctx, network, addr, false)
		},
		NetDialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return g.dial(ctx, network, addr, true)
		},
	}
}

// gatewayDial opens the gateway's connections for gatewayDialer.
type gatewayDial struct {
	log   *slog.Logger
	tls   *tls.Config
	proxy func(*http.Request) (*url.URL, error)
}

// dial connects to addr (host:port), through the proxy if there is one, with TLS when
// secure, and wraps the connection in a resumeConn.
func (g gatewayDial) dial(ctx context.Context, network, addr string, secure bool) (net.Conn, error) {
	scheme := "http"
	if secure {
		scheme = "https"
	}
	var proxyURL *url.URL
	if g.proxy != nil {
		u, err := g.proxy(&http.Request{Method: http.MethodGet, URL: &url.URL{Scheme: scheme, Host: addr}})
		if err != nil {
			return nil, fmt.Errorf("gateway dial: proxy: %w", err)
		}
		proxyURL = u
	}
	var d net.Dialer
	var conn net.Conn
	var err error
	if proxyURL == nil {
		conn, err = d.DialContext(ctx, network, addr)
	} else {
		conn, err = dialThroughProxy(ctx, &d, network, proxyURL, addr)
	}
	if err != nil {
		return nil, fmt.Errorf("gateway dial: %w", err)
	}
	if secure {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("gateway dial: %w", err)
		}
		cfg := &tls.Config{}
		if g.tls != nil {
			cfg = g.tls.Clone()
		}
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("gateway dial: tls: %w", err)
		}
		conn = tc
	}
	return newResumeConn(conn, func() {
		g.log.Info("the gateway invalidated the session, resumable: resuming it")
	}), nil
}

// dialThroughProxy opens a tunnel to addr through an HTTP proxy with CONNECT.
func dialThroughProxy(ctx context.Context, d *net.Dialer, network string, proxy *url.URL, addr string) (net.Conn, error) {
	if proxy.Scheme != "http" && proxy.Scheme != "" {
		return nil, fmt.Errorf("proxy %s: only http proxies are supported for the gateway", proxy.Redacted())
	}
	host := proxy.Host
	if proxy.Port() == "" {
		host = net.JoinHostPort(proxy.Hostname(), "80")
	}
	conn, err := d.DialContext(ctx, network, host)
	if err != nil {
		return nil, fmt.Errorf("proxy %s: %w", proxy.Redacted(), err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
		defer conn.SetDeadline(time.Time{})
	}
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: addr}, Host: addr, Header: http.Header{}}
	if u := proxy.User; u != nil {
		pw, _ := u.Password()
		req.Header.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pw)))
	}
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("proxy %s: %w", proxy.Redacted(), err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("proxy %s: %w", proxy.Redacted(), err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		conn.Close()
		return nil, fmt.Errorf("proxy %s: CONNECT answered %s", proxy.Redacted(), resp.Status)
	}
	if br.Buffered() > 0 {
		// The proxy spoke before the client did: there is no telling whose bytes they are.
		conn.Close()
		return nil, fmt.Errorf("proxy %s: unexpected bytes after CONNECT", proxy.Redacted())
	}
	return conn, nil
}

// resumeConn is a client's websocket connection that reads what the server sends: first
// the HTTP answer to the upgrade, passed on as it is, then (when it is 101) frames. A
// whole, unfragmented text or binary (zlib) frame that is an op 9 INVALID_SESSION with
// d=true is replaced by an op 7 RECONNECT of the same kind; every other byte is passed on
// unchanged and in order. Writes go straight to the connection.
type resumeConn struct {
	net.Conn
	resumed func() // called for each op 9 turned into op 7

	raw      []byte // read from Conn, not looked at yet
	out      []byte // ready for the reader
	upgraded bool   // the HTTP answer is past
	plain    bool   // not a websocket (the upgrade failed): everything passes
	pass     uint64 // bytes of the current frame still to pass through unchanged
	buf      []byte
}

func newResumeConn(c net.Conn, resumed func()) *resumeConn {
	return &resumeConn{Conn: c, resumed: resumed, buf: make([]byte, 32<<10)}
}

// Read returns the server's bytes, with an op 9 that allows a resume turned into op 7.
func (c *resumeConn) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		n, err := c.Conn.Read(c.buf)
		c.raw = append(c.raw, c.buf[:n]...)
		c.process()
		if ne, ok := err.(net.Error); err != nil && !(ok && ne.Timeout()) && len(c.raw) > 0 {
			// The connection ended inside a frame: pass on what came, as it came.
			c.plain = true
			c.process()
		}
		if len(c.out) > 0 {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	if len(c.out) == 0 {
		c.out = c.out[:0]
	}
	return n, nil
}

// process moves from raw to out all that can be decided on.
func (c *resumeConn) process() {
	for len(c.raw) > 0 {
		if c.plain {
			c.emit(len(c.raw))
			return
		}
		if !c.upgraded {
			i := bytes.Index(c.raw, []byte("\r\n\r\n"))
			if i < 0 {
				if len(c.raw) > 64<<10 {
					c.plain = true // no HTTP answer: not ours to read
				}
				return
			}
			c.plain = !bytes.HasPrefix(c.raw, []byte("HTTP/1.1 101"))
			c.upgraded = true
			c.emit(i + 4)
			continue
		}
		if c.pass > 0 {
			k := int(min(c.pass, uint64(len(c.raw))))
			c.emit(k)
			c.pass -= uint64(k)
			continue
		}
		head, size, ok := frameHeader(c.raw)
		if !ok {
			return
		}
		b0, masked := c.raw[0], c.raw[1]&0x80 != 0
		op := b0 & 0x0f
		whole := b0&0x80 != 0 && b0&0x70 == 0 && !masked &&
			(op == websocket.TextMessage || op == websocket.BinaryMessage) && size <= maxInspected
		if !whole {
			c.emit(head)
			c.pass = size
			continue
		}
		end := head + int(size)
		if len(c.raw) < end {
			return
		}
		if repl, ok := asReconnect(int(op), c.raw[head:end]); ok {
			c.out = append(c.out, encodeFrame(op, repl)...)
			c.raw = c.raw[end:]
			if c.resumed != nil {
				c.resumed()
			}
			continue
		}
		c.emit(end)
	}
	c.raw = c.raw[:0]
}

// emit moves the first n bytes of raw to out.
func (c *resumeConn) emit(n int) {
	c.out = append(c.out, c.raw[:n]...)
	c.raw = c.raw[n:]
}

// frameHeader reads the header of the websocket frame at the start of b: its length
// (with the masking key, if any) and the payload's length; ok is false while b holds
// less than the whole header.
func frameHeader(b []byte) (head int, size uint64, ok bool) {
	if len(b) < 2 {
		return 0, 0, false
	}
	head, size = 2, uint64(b[1]&0x7f)
	switch size {
	case 126:
		head = 4
		if len(b) < head {
			return 0, 0, false
		}
		size = uint64(binary.BigEndian.Uint16(b[2:4]))
	case 127:
		head = 10
		if len(b) < head {
			return 0, 0, false
		}
		size = binary.BigEndian.Uint64(b[2:10])
		if size > math.MaxInt64 {
			size = math.MaxUint64 // not a valid frame: pass it all through
		}
	}
	if b[1]&0x80 != 0 {
		head += 4
		if len(b) < head {
			return 0, 0, false
		}
	}
	return head, size, true
}

// reconnectPayload is the op 7 RECONNECT that replaces an op 9 allowing a resume.
var reconnectPayload = []byte(`{"op":7,"d":null,"s":null,"t":null}`)

// asReconnect returns the op 7 payload, of the same kind (text, or zlib for binary), that
// replaces payload when payload is an op 9 with d=true.
func asReconnect(op int, payload []byte) ([]byte, bool) {
	msg := payload
	if op == websocket.BinaryMessage {
		z, err := zlib.NewReader(bytes.NewReader(payload))
		if err != nil {
			return nil, false
		}
		msg, err = io.ReadAll(io.LimitReader(z, 64<<10))
		if err != nil {
			return nil, false
		}
	}
	var p struct {
		Op *int            `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if json.Unmarshal(msg, &p) != nil || p.Op == nil || *p.Op != 9 || !bytes.Equal(bytes.TrimSpace(p.D), []byte("true")) {
		return nil, false
	}
	if op == websocket.TextMessage {
		return reconnectPayload, true
	}
	var b bytes.Buffer
	z := zlib.NewWriter(&b)
	z.Write(reconnectPayload)
	z.Close()
	return b.Bytes(), true
}

// encodeFrame makes a whole, unmasked frame of the kind op holding payload.
func encodeFrame(op byte, payload []byte) []byte { return frameOf(0x80|op, payload) }

// frameOf makes an unmasked frame whose first byte (FIN, RSV and opcode) is b0.
func frameOf(b0 byte, payload []byte) []byte {
	f := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		f = append(f, byte(n))
	case n <= math.MaxUint16:
		f = append(f, 126)
		f = binary.BigEndian.AppendUint16(f, uint16(n))
	default:
		f = append(f, 127)
		f = binary.BigEndian.AppendUint64(f, uint64(n))
	}
	return append(f, payload...)
}
