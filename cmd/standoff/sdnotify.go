package main

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// sdNotify sends state ("READY=1", "STOPPING=1", "STATUS=…") to the service manager
// over the socket $NOTIFY_SOCKET names (systemd's sd_notify protocol: one datagram on a
// Unix socket, "@" standing for the abstract namespace). Without the variable, as
// outside a Type=notify unit, it does nothing. It is the one place the protocol is
// spoken; github.com/coreos/go-systemd, which has it, is not served here.
func sdNotify(lookup env, state string) error {
	path, _ := lookup("NOTIFY_SOCKET")
	if path == "" {
		return nil
	}
	if !strings.HasPrefix(path, "/") && !strings.HasPrefix(path, "@") {
		return fmt.Errorf("notify the service manager: NOTIFY_SOCKET %q is not a Unix socket path", path)
	}
	if path[0] == '@' {
		path = "\x00" + path[1:]
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("notify the service manager: %w", err)
	}
	_, werr := conn.Write([]byte(state))
	if err := errors.Join(werr, conn.Close()); err != nil {
		return fmt.Errorf("notify the service manager: %w", err)
	}
	return nil
}
