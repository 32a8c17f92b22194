package corpus

import "errors"

// Refusal is an error with the short reason a person is told: why a document or an
// address was not accepted. Err, when set, is the detail for the log.
type Refusal struct {
	Reason string
	Err    error
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

// refuse returns a Refusal with reason and detail err.
func refuse(reason string, err error) *Refusal { return &Refusal{Reason: reason, Err: err} }

// RefusalReason returns the reason of the first Refusal in err's chain, and whether there
// is one.
func RefusalReason(err error) (string, bool) {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason, true
	}
	return "", false
}
