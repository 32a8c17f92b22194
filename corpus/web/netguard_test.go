package web

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAddressPolicy(t *testing.T) {
	tests := []struct {
		allow []string
		ip    string
		want  string // "" when allowed, else a word of the reason
	}{
		{nil, "93.184.216.34", ""},
		{nil, "2606:4700::1111", ""},
		{nil, "127.0.0.1", "loopback"},
		{nil, "127.8.9.10", "loopback"},
		{nil, "::1", "loopback"},
		{nil, "::ffff:127.0.0.1", "loopback"},
		{nil, "10.1.2.3", "private"},
		{nil, "172.16.0.1", "private"},
		{nil, "192.168.1.1", "private"},
		{nil, "fd00::1", "private"},
		{nil, "169.254.169.254", "metadata"},
		{nil, "fe80::1", "link-local"},
		{nil, "fe80::1%eth0", "link-local"},
		{nil, "fd00::1%2", "private"},
		{nil, "100.100.100.200", "shared"},
		{nil, "0.0.0.0", "unspecified"},
		{nil, "::", "unspecified"},
		{nil, "224.0.0.1", "multicast"},
		{nil, "255.255.255.255", "reserved"},
		{[]string{"127.0.0.1"}, "127.0.0.1", ""},
		{[]string{"127.0.0.1"}, "127.0.0.2", "loopback"},
		{[]string{"10.0.0.0/8"}, "10.9.8.7", ""},
		{[]string{"10.0.0.0/8"}, "192.168.1.1", "private"},
		{[]string{"fd00::/8"}, "fd00::1", ""},
		{[]string{"intranet.example"}, "10.1.2.3", "private"}, // a host name allows by name only
	}
	for _, tt := range tests {
		p, err := NewAddressPolicy(tt.allow)
		if err != nil {
			t.Fatal(err)
		}
		err = p.Check(netip.MustParseAddr(tt.ip))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("allow %v: %s refused: %v", tt.allow, tt.ip, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("allow %v: %s: error %v, want one naming %q", tt.allow, tt.ip, err, tt.want)
		}
	}
}

func TestAddressPolicyHosts(t *testing.T) {
	p, err := NewAddressPolicy([]string{"Intranet.Example.", " 10.0.0.0/8 "})
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{"intranet.example": true, "INTRANET.example.": true, "other.example": false, "10.0.0.1": false} {
		if got := p.HostAllowed(host); got != want {
			t.Errorf("HostAllowed(%q) = %v, want %v", host, got, want)
		}
	}
	if _, err := NewAddressPolicy([]string{"10.0.0.0/99"}); err == nil {
		t.Error("a malformed range was accepted")
	}
}

// TestDialerChecksResolvedAddress dials a listener on 127.0.0.1 the way a download
// would after a host name resolved to it (as DNS rebinding would have it): the
// connection is refused before it is made, unless the range or the host is allowed.
func TestDialerChecksResolvedAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tests := []struct {
		allow []string
		host  string
		ok    bool
	}{
		{nil, "rebound.example", false},
		{[]string{"127.0.0.1/32"}, "rebound.example", true},
		{[]string{"rebound.example"}, "rebound.example", true},
		{[]string{"other.example"}, "rebound.example", false},
	}
	for _, tt := range tests {
		p, _ := NewAddressPolicy(tt.allow)
		c, err := p.dialer(tt.host, net.Dialer{}).DialContext(ctx, "tcp", ln.Addr().String())
		if c != nil {
			c.Close()
		}
		if (err == nil) != tt.ok {
			t.Errorf("allow %v, host %s: dial error %v, want ok=%v", tt.allow, tt.host, err, tt.ok)
		}
	}
}

// The allow-list is read by the code that enforces it: what ParseAllowList accepts is
// what the policy allows, and what it refuses the policy refuses too.
func TestParseAllowList(t *testing.T) {
	tests := []struct {
		item    string
		ip      string // an address the item allows, "" for none
		host    string // a host name the item allows, "" for none
		invalid bool
	}{
		{item: "[::1]", ip: "::1"},
		{item: "::1", ip: "::1"},
		{item: "127.0.0.1", ip: "127.0.0.1"},
		{item: "::ffff:127.0.0.1", ip: "127.0.0.1"},
		{item: "10.0.0.0/8", ip: "10.200.0.1"},
		{item: "10.1.2.3/8", ip: "10.200.0.1"},
		{item: "fd00::/8", ip: "fd12::1"},
		{item: "intranet.example", host: "intranet.example"},
		{item: "Intranet.Example.", host: "intranet.example"},
		{item: "localhost", host: "LOCALHOST"},
		{item: "10.0.0.0/99", invalid: true},
		{item: "[::1", invalid: true},
		{item: "[127.0.0.1/8]", invalid: true},
		{item: "fe80::1%eth0", invalid: true},
		{item: "http://intranet.example", invalid: true},
		{item: "intra net", invalid: true},
		{item: "-bad.example", invalid: true},
		{item: "a..example", invalid: true},
		{item: "intranet.example:8080", invalid: true},
	}
	for _, tt := range tests {
		items, errs := ParseAllowList(" , " + tt.item + " ,")
		if tt.invalid {
			if len(errs) != 1 || len(items) != 0 || !strings.Contains(errs[0].Error(), "neither a host name") {
				t.Errorf("%q: items %q, errors %v; want it refused", tt.item, items, errs)
			}
			if _, err := NewAddressPolicy([]string{tt.item}); err == nil {
				t.Errorf("%q: the policy takes what the list refuses", tt.item)
			}
			continue
		}
		if len(errs) != 0 || len(items) != 1 {
			t.Fatalf("%q: items %q, errors %v", tt.item, items, errs)
		}
		p, err := NewAddressPolicy(items)
		if err != nil {
			t.Fatalf("%q: the policy refuses what the list accepts: %v", tt.item, err)
		}
		if tt.ip != "" {
			if err := p.Check(netip.MustParseAddr(tt.ip)); err != nil {
				t.Errorf("%q: %s refused: %v", tt.item, tt.ip, err)
			}
		}
		if tt.host != "" && !p.HostAllowed(tt.host) {
			t.Errorf("%q: host %s not allowed", tt.item, tt.host)
		}
		if tt.host == "" && p.HostAllowed(tt.item) {
			t.Errorf("%q: allowed as a host name", tt.item)
		}
	}
	items, errs := ParseAllowList("127.0.0.1, bad item, 10.0.0.0/8")
	if want := []string{"127.0.0.1", "10.0.0.0/8"}; !slices.Equal(items, want) || len(errs) != 1 {
		t.Errorf("mixed list: items %q, errors %v; want %q and one error", items, errs, want)
	}
}
