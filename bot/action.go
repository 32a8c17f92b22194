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
	actPage actionKind = "page" // show the passages from Offset on ("More", "Back")
	actVote actionKind = "vote" // 👍 or 👎 on the passages shown
	actPost actionKind = "post" // post a private answer to the channel
	actAsk  actionKind = "ask"  // ask a suggested term
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
}

// id encodes a as a custom id.
func (a action) id() string {
	switch a.Kind {
	case actPage, actPost:
		return string(a.Kind) + ":" + strconv.Itoa(a.Offset)
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
	case actPage, actPost:
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 || n > maxOffset {
			return action{}, fmt.Errorf("parse custom id %q: bad offset", id)
		}
		a.Offset = n
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
