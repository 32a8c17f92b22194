package corpus

import "errors"

// Refusal is an error with the short reason a person is told: why a document or an
// address was not accepted. Err, when set, is the detail for the log.
type Refusal struct {
	Reason string
	Err    error
	// Blocked is the host or address a download was refused for because it is loopback,
	// private, link-local or otherwise reserved, which an allow-list can let through;
	// empty for every other refusal.
	Blocked string
}

// Error gives the reason, and the detail when there is one.
func (r *Refusal) Error() string {
	if r.Err != nil {
		return r.Reason + ": " + r.Err.Error()
	}
	return r.Reason
}

// Unwrap returns the detail.
func (r *Refusal) Unwrap() error { return r.Err }

// Refuse returns a Refusal with reason and detail err.
func Refuse(reason string, err error) *Refusal { return &Refusal{Reason: reason, Err: err} }

// BlockedHost returns the host or address of the first Refusal in err's chain that
// refused a download for the kind of address it is, and whether there is one.
func BlockedHost(err error) (string, bool) {
	var r *Refusal
	if errors.As(err, &r) && r.Blocked != "" {
		return r.Blocked, true
	}
	return "", false
}

// RefusalReason returns the reason of the first Refusal in err's chain, and whether there
// is one.
func RefusalReason(err error) (string, bool) {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason, true
	}
	return "", false
}
