package bot

import (
	"bytes"
	"compress/zlib"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const upgradeAnswer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"

// frame makes a websocket frame as a server sends it: b0 is FIN, RSV and opcode.
func frame(b0 byte, payload []byte) []byte { return frameOf(b0, payload) }

func zlibOf(s string) []byte {
	var b bytes.Buffer
	z := zlib.NewWriter(&b)
	z.Write([]byte(s))
	z.Close()
	return b.Bytes()
}

// chunked is a net.Conn whose reads return the pieces of a stream, one per read.
type chunked struct {
	net.Conn
	pieces [][]byte
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.pieces) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.pieces[0])
	if c.pieces[0] = c.pieces[0][n:]; len(c.pieces[0]) == 0 {
		c.pieces = c.pieces[1:]
	}
	return n, nil
}

// readThrough reads stream through a resumeConn, cut into pieces at cuts, and returns
// what came out and how many op 9 were turned into op 7.
func readThrough(t *testing.T, stream []byte, cuts ...int) ([]byte, int) {
	t.Helper()
	var pieces [][]byte
	last := 0
	for _, c := range cuts {
		pieces = append(pieces, stream[last:c])
		last = c
	}
	pieces = append(pieces, stream[last:])
	n := 0
	rc := newResumeConn(&chunked{pieces: pieces}, func() { n++ })
	out, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return out, n
}

func TestResumeConnFrames(t *testing.T) {
	op7 := frame(0x81, []byte(`{"op":7,"d":null,"s":null,"t":null}`))
	op7z := frame(0x82, zlibOf(`{"op":7,"d":null,"s":null,"t":null}`))
	big := []byte(`{"op":0,"t":"X","d":"` + strings.Repeat("a", 5000) + `"}`)
	huge := []byte(`{"op":0,"t":"X","d":"` + strings.Repeat("b", 70000) + `"}`)
	masked := append([]byte{0x81, 0x80 | 16, 1, 2, 3, 4}, []byte(`{"op":9,"d":true}`)[:16]...)
	cases := []struct {
		name     string
		in, want []byte
		resumed  int
	}{
		{"op 9 d=true", frame(0x81, []byte(`{"op":9,"d":true,"s":null}`)), op7, 1},
		{"op 9 d=true, spaced", frame(0x81, []byte(`{ "s": null, "op" : 9, "d" : true }`)), op7, 1},
		{"op 9 d=false", frame(0x81, []byte(`{"op":9,"d":false,"s":null}`)), nil, 0},
		{"op 9 no d", frame(0x81, []byte(`{"op":9}`)), nil, 0},
		{"op 9 d=true, zlib", frame(0x82, zlibOf(`{"op":9,"d":true}`)), op7z, 1},
		{"op 9 d=false, zlib", frame(0x82, zlibOf(`{"op":9,"d":false}`)), nil, 0},
		{"dispatch", frame(0x81, []byte(`{"op":0,"s":3,"t":"MESSAGE_CREATE","d":{"content":"op 9 d true"}}`)), nil, 0},
		{"dispatch, zlib", frame(0x82, zlibOf(`{"op":0,"s":3,"t":"READY","d":{}}`)), nil, 0},
		{"not json", frame(0x81, []byte(`op:9 d:true`)), nil, 0},
		{"binary, not zlib", frame(0x82, []byte(`{"op":9,"d":true}`)), nil, 0},
		{"fragmented op 9", append(frame(0x01, []byte(`{"op":9,`)), frame(0x80, []byte(`"d":true}`))...), nil, 0},
		{"rsv1 set", frame(0xC1, []byte(`{"op":9,"d":true}`)), nil, 0},
		{"masked", masked, nil, 0},
		{"ping", frame(0x89, []byte(`{"op":9,"d":true}`)), nil, 0},
		{"close", frame(0x88, []byte{0x03, 0xe8}), nil, 0},
		{"empty text", frame(0x81, nil), nil, 0},
		{"16-bit length", frame(0x81, big), nil, 0},
		{"64-bit length", frame(0x81, huge), nil, 0},
	}
	var all, allWant []byte
	total := 0
	for _, c := range cases {
		want := c.want
		if want == nil {
			want = c.in
		}
		all, allWant, total = append(all, c.in...), append(allWant, want...), total+c.resumed
		t.Run(c.name, func(t *testing.T) {
			stream := append([]byte(upgradeAnswer), c.in...)
			wantStream := append([]byte(upgradeAnswer), want...)
			step := 1
			if len(stream) > 300 {
				step = 97 // the long frames: every byte would take long; cut them often still
			}
			for cut := 0; cut <= len(stream); cut += step {
				out, n := readThrough(t, stream, cut)
				if !bytes.Equal(out, wantStream) || n != c.resumed {
					t.Fatalf("cut at %d: %d resumed, got %q, want %q", cut, n, trim(out), trim(wantStream))
				}
			}
			// Every byte a read of its own.
			cuts := make([]int, 0, len(stream))
			for i := 1; i < len(stream); i += max(1, step/10) {
				cuts = append(cuts, i)
			}
			if out, _ := readThrough(t, stream, cuts...); !bytes.Equal(out, wantStream) {
				t.Fatalf("read byte by byte: got %q, want %q", trim(out), trim(wantStream))
			}
		})
	}
	// All the frames in one stream, cut at every byte of the small ones.
	stream := append([]byte(upgradeAnswer), all...)
	for cut := 0; cut < len(upgradeAnswer)+600; cut++ {
		out, n := readThrough(t, stream, cut, cut+len(upgradeAnswer))
		if !bytes.Equal(out, append([]byte(upgradeAnswer), allWant...)) || n != total {
			t.Fatalf("all frames, cut at %d: %d resumed (want %d), output differs", cut, n, total)
		}
	}
}

// TestResumeConnNoUpgrade: an answer to the upgrade other than 101 is passed on as it
// is, body and all, whatever it looks like.
func TestResumeConnNoUpgrade(t *testing.T) {
	body := frame(0x81, []byte(`{"op":9,"d":true}`))
	stream := append([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 19\r\n\r\n"), body...)
	for cut := 0; cut <= len(stream); cut++ {
		if out, n := readThrough(t, stream, cut); !bytes.Equal(out, stream) || n != 0 {
			t.Fatalf("cut at %d: got %q", cut, out)
		}
	}
}

// FuzzResumeConn: whatever the server sends, the reader changes nothing unless it turned
// an op 9 into an op 7, and how the bytes are cut into reads changes nothing.
func FuzzResumeConn(f *testing.F) {
	f.Add(frame(0x81, []byte(`{"op":9,"d":true}`)), 3)
	f.Add(frame(0x82, zlibOf(`{"op":9,"d":true}`)), 7)
	f.Add(append(frame(0x01, []byte(`{"op":9,`)), frame(0x80, []byte(`"d":true}`))...), 1)
	f.Add([]byte{0x81, 127, 0xff, 0, 0, 0, 0, 0, 0, 1, 'x'}, 2)
	f.Fuzz(func(t *testing.T, frames []byte, cut int) {
		stream := append([]byte(upgradeAnswer), frames...)
		whole, n := readThrough(t, stream)
		if n == 0 && !bytes.Equal(whole, stream) {
			t.Fatalf("nothing rewritten, yet the bytes changed: %q -> %q", stream, whole)
		}
		if cut < 0 {
			cut = -cut
		}
		cut %= len(stream) + 1
		if out, m := readThrough(t, stream, cut); !bytes.Equal(out, whole) || m != n {
			t.Fatalf("cut at %d changed the result", cut)
		}
	})
}

func trim(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}

// TestGatewayDialerTLSProxy: over wss through an HTTP CONNECT proxy, the dialer does the
// TLS handshake with the gateway's name, and an op 9 with d=true arrives as op 7 while
// other messages arrive unchanged.
func TestGatewayDialerTLSProxy(t *testing.T) {
	up := websocket.Upgrader{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteMessage(websocket.TextMessage, []byte(`{"op":10,"d":{"heartbeat_interval":41250}}`))
		c.WriteMessage(websocket.TextMessage, []byte(`{"op":9,"d":true,"s":null}`))
		c.WriteMessage(websocket.TextMessage, []byte(`{"op":9,"d":false,"s":null}`))
		c.ReadMessage()
	}))
	defer srv.Close()
	var tunnels atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		back, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		tunnels.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			back.Close()
			return
		}
		io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
		go func() { io.Copy(back, conn); back.Close() }()
		io.Copy(conn, back)
		conn.Close()
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	cfg := srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	cfg.RootCAs = roots
	d := gatewayDialer(slog.New(slog.DiscardHandler), cfg, func(*http.Request) (*url.URL, error) { return pu, nil })
	c, _, err := d.Dial("wss"+strings.TrimPrefix(srv.URL, "https"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var got []string
	for range 3 {
		_, m, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(m))
	}
	want := []string{`{"op":10,"d":{"heartbeat_interval":41250}}`, `{"op":7,"d":null,"s":null,"t":null}`, `{"op":9,"d":false,"s":null}`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("messages %q, want %q", got, want)
	}
	if tunnels.Load() != 1 {
		t.Errorf("%d tunnels through the proxy, want 1", tunnels.Load())
	}
}
