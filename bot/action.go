package bot

import (
	"fmt"
	"strconv"
	"strings"
)

// actionKind is what a button of an answer does.
type actionKind string

// The buttons of an answer. Their custom ids carry all the state a button needs besides
// the message it is on, so that they keep working after the bot restarts.
const (
	actPage   actionKind = "page" // show the passages from Offset on ("More", "Back")
	actVote   actionKind = "vote" // 👍 or 👎 on the passages shown
	actPost   actionKind = "post" // post a private answer to the channel
	actAsk    actionKind = "ask"  // ask a suggested term
	actFull   actionKind = "full" // show passage Offset+1 in full, privately
	actDelete actionKind = "del"  // remove a public answer (its asker only)
)

// maxOffset is the furthest passage a page button may start at: deeper than any member
// pages, and a bound on what a crafted custom id can ask of the index.
const maxOffset = 10000

// action is a decoded custom id.
type action struct {
	Kind   actionKind
	Offset int
	Up     bool
	Term   string
	Asker  string // page, del: the user id of the member who asked; "" when not known
	Ref    string // full: the passage shown, "doc#paragraph"; "" when not known
}

// id encodes a as a custom id.
func (a action) id() string {
	switch a.Kind {
	case actPage:
		id := "page:" + strconv.Itoa(a.Offset)
		if a.Asker != "" {
			id += ":" + a.Asker
		}
		return id
	case actPost:
		return "post:" + strconv.Itoa(a.Offset)
	case actFull:
		id := "full:" + strconv.Itoa(a.Offset)
		if a.Ref != "" {
			id += ":" + a.Ref
		}
		return id
	case actDelete:
		return "del:" + a.Asker
	case actVote:
		if a.Up {
			return "vote:up"
		}
		return "vote:down"
	case actAsk:
		return "ask:" + a.Term
	}
	return ""
}

// parseAction decodes a custom id made by action.id.
func parseAction(id string) (action, error) {
	kind, arg, ok := strings.Cut(id, ":")
	if !ok {
		return action{}, fmt.Errorf("parse custom id %q: no kind", id)
	}
	a := action{Kind: actionKind(kind)}
	switch a.Kind {
	case actPage, actPost, actFull:
		num, rest, more := strings.Cut(arg, ":")
		n, err := strconv.Atoi(num)
		if err != nil || n < 0 || n > maxOffset {
			return action{}, fmt.Errorf("parse custom id %q: bad offset", id)
		}
		a.Offset = n
		switch {
		case !more:
		case a.Kind == actPage && snowflake(rest):
			a.Asker = rest
		case a.Kind == actFull && rest != "":
			a.Ref = rest
		default:
			return action{}, fmt.Errorf("parse custom id %q: bad argument", id)
		}
	case actDelete:
		if arg != "" && !snowflake(arg) {
			return action{}, fmt.Errorf("parse custom id %q: bad user", id)
		}
		a.Asker = arg
	case actVote:
		switch arg {
		case "up":
			a.Up = true
		case "down":
		default:
			return action{}, fmt.Errorf("parse custom id %q: bad vote", id)
		}
	case actAsk:
		if strings.TrimSpace(arg) == "" {
			return action{}, fmt.Errorf("parse custom id %q: no term", id)
		}
		a.Term = arg
	default:
		return action{}, fmt.Errorf("parse custom id %q: unknown kind", id)
	}
	return a, nil
}

// snowflake reports whether s is a Discord id: 1 to 20 digits.
func snowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
