package web

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// AddressPolicy decides which network addresses downloads may reach. Public addresses
// are allowed; loopback, private, link-local (which holds the cloud metadata services),
// shared, multicast and reserved ones are refused, unless the operator allows them by
// host name or CIDR range (STANDOFF_FETCH_ALLOW).
//
// It is checked when a connection is made, on the address actually dialled, so a host
// name that resolves (or re-resolves, or redirects) to a refused address is refused too.
type AddressPolicy struct {
	hosts    map[string]bool // lower-case host names allowed whatever they resolve to
	prefixes []netip.Prefix  // ranges allowed although refused by default
}

// refusedRanges are the ranges a download may not reach unless allowed: every range that
// is not a public internet address.
var refusedRanges = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "an unspecified address"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a shared (carrier-grade NAT) address"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local or cloud metadata address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "a reserved address"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a reserved address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a reserved address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a reserved address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a reserved address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
	{netip.MustParsePrefix("::/128"), "an unspecified address"},
	{netip.MustParsePrefix("::1/128"), "a loopback address"},
	{netip.MustParsePrefix("64:ff9b::/96"), "a NAT64 address"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a NAT64 address"},
	{netip.MustParsePrefix("100::/64"), "a reserved address"},
	{netip.MustParsePrefix("2001:db8::/32"), "a reserved address"},
	{netip.MustParsePrefix("fc00::/7"), "a private address"},
	{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
	{netip.MustParsePrefix("fec0::/10"), "a reserved address"},
	{netip.MustParsePrefix("ff00::/8"), "a multicast address"},
}

// NewAddressPolicy returns the policy that allows, besides public addresses, the host
// names, IP addresses and CIDR ranges of allow (each as ParseAllowList accepts it).
func NewAddressPolicy(allow []string) (*AddressPolicy, error) {
	p := &AddressPolicy{hosts: map[string]bool{}}
	for _, item := range allow {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		pr, host, err := parseAllowItem(item)
		if err != nil {
			return nil, fmt.Errorf("address policy: %w", err)
		}
		if host != "" {
			p.hosts[host] = true
		} else {
			p.prefixes = append(p.prefixes, pr)
		}
	}
	return p, nil
}

// ParseAllowList parses a comma-separated allow-list (STANDOFF_FETCH_ALLOW) into the
// items NewAddressPolicy takes: host names, IP addresses (IPv6 ones with or without
// brackets) and CIDR ranges. Empty items are skipped; each item that is none of these is
// reported, with the valid items still returned.
func ParseAllowList(list string) ([]string, []error) {
	var items []string
	var errs []error
	for _, item := range strings.Split(list, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		if _, _, err := parseAllowItem(item); err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, item)
	}
	return items, errs
}

// parseAllowItem reads one item of an allow-list: a CIDR range or an IP address as the
// range it allows, or a host name (lower case, without a final dot).
func parseAllowItem(item string) (netip.Prefix, string, error) {
	if pr, err := netip.ParsePrefix(item); err == nil {
		return pr.Masked(), "", nil
	}
	addr := item
	if strings.HasPrefix(addr, "[") && strings.HasSuffix(addr, "]") {
		addr = addr[1 : len(addr)-1] // an IPv6 address as a URL writes it
	}
	if a, err := netip.ParseAddr(addr); err == nil && a.Zone() == "" {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), "", nil
	}
	if host := strings.ToLower(strings.TrimSuffix(item, ".")); isHostName(host) {
		return netip.Prefix{}, host, nil
	}
	return netip.Prefix{}, "", fmt.Errorf("%q is neither a host name, an IP address nor a CIDR range such as 10.0.0.0/8", item)
}

// isHostName reports whether s is a host name: dot-separated labels of letters, digits
// and inner hyphens, at most 253 characters.
func isHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
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

// HostAllowed reports whether host is allowed by name, whatever it resolves to.
func (p *AddressPolicy) HostAllowed(host string) bool {
	return p.hosts[strings.ToLower(strings.TrimSuffix(host, "."))]
}

// Check returns nil when a download may reach ip, or an error that says what kind of
// address it is.
func (p *AddressPolicy) Check(ip netip.Addr) error {
	ip = ip.Unmap().WithZone("") // a prefix never contains an address with a zone
	for _, pr := range p.prefixes {
		if pr.Contains(ip) {
			return nil
		}
	}
	for _, r := range refusedRanges {
		if r.prefix.Contains(ip) {
			return &addressError{ip: ip, what: r.what}
		}
	}
	if !ip.IsValid() || ip.IsUnspecified() || ip.IsLoopback() || ip.IsPrivate() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsMulticast() {
		return &addressError{ip: ip, what: "not a public address"}
	}
	return nil
}

// control is a net.Dialer Control function: it refuses to connect a socket to an address
// the policy does not allow. It runs after name resolution, on each address tried.
func (p *AddressPolicy) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("check address %q: %w", address, err)
	}
	return p.Check(ap.Addr())
}

// addressError is a refused address.
type addressError struct {
	ip   netip.Addr
	what string
}

// Error names the address and what kind it is.
func (e *addressError) Error() string {
	return fmt.Sprintf("address %s is %s", e.ip, e.what)
}

// dialer returns a net.Dialer that refuses the addresses the policy refuses, for a
// connection to host; a host allowed by name is dialled without the check.
func (p *AddressPolicy) dialer(host string, base net.Dialer) *net.Dialer {
	d := base
	if !p.HostAllowed(host) {
		d.Control = p.control
	}
	return &d
}
