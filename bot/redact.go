package bot

import (
	"regexp"
)

// webhookToken matches the token in the path of an interaction callback or of an
// interaction's webhook: a credential for 15 minutes, never to be logged.
var webhookToken = regexp.MustCompile(`(/(?:interactions|webhooks)/\d+/)[^/\s"'?#]+`)

// redactTokens removes interaction and webhook tokens from a text.
func redactTokens(s string) string {
	return webhookToken.ReplaceAllString(s, "${1}[token]")
}

// redactedError is an error whose text has its interaction tokens removed; Unwrap gives
// the original, for errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError returns err with the interaction tokens in its text removed, or err itself
// when it holds none.
func redactError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := redactTokens(msg); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}
