package corpus

import (
	"errors"
	"net/url"
	"strings"
)

// secretParam reports whether a query parameter looks like it carries a credential
// (api_key, token, key, secret, password, sig…): a fetched address loses such
// parameters before it is stored and published. "-" counts as "_".
func secretParam(name string) bool {
	n := strings.ReplaceAll(strings.ToLower(name), "-", "_")
	switch n {
	case "api_key", "apikey", "key", "token", "access_token", "id_token", "refresh_token", "auth",
		"authorization", "secret", "client_secret", "password", "passwd", "pwd", "pass", "sig",
		"signature", "session", "sessionid", "session_id", "sid", "code", "credential", "credentials",
		"private_token", "jwt", "x_amz_signature", "x_amz_credential", "x_amz_security_token",
		"x_goog_signature", "x_goog_credential":
		return true
	}
	for _, suffix := range []string{"_token", "_secret", "_key", "_password", "_signature"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}

// CheckURL returns the address raw when it can be a document's url: http or https, with
// a host and without credentials; otherwise an error says why.
func CheckURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if strings.ContainsAny(raw, " \t\r\n") {
		return "", errors.New("it contains white space")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("it is not an address")
	}
	switch {
	case !strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https"):
		return "", errors.New("only http and https addresses are allowed")
	case u.Host == "" || u.Hostname() == "":
		return "", errors.New("it has no host")
	case u.User != nil:
		return "", errors.New("it holds a user name or password")
	}
	for name := range u.Query() {
		if secretParam(name) {
			return "", errors.New("it holds a secret in its query (" + name + ")")
		}
	}
	return raw, nil
}

// PublicURL returns a fetched address fit to store and publish: without user name and
// password, and without query parameters that look like credentials (api_key, token,
// key, secret, password, sig…). An address that cannot be parsed is returned empty.
func PublicURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	u.User = nil
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for name := range q {
			if secretParam(name) {
				q.Del(name)
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}
