package index

import "github.com/standoff-bot/standoff"

// The answer's vocabulary lives in the root package standoff; these names keep the
// index's own code short.
type (
	// Request is standoff.Request.
	Request = standoff.Request
	// Answer is standoff.Answer.
	Answer = standoff.Answer
	// Result is standoff.Result.
	Result = standoff.Result
	// Source is standoff.Source.
	Source = standoff.Source
	// Stats is standoff.Stats.
	Stats = standoff.Stats
	// Document is standoff.Document.
	Document = standoff.Document
)

// DefaultK is standoff.DefaultK.
const DefaultK = standoff.DefaultK

// MaxK is standoff.MaxK.
const MaxK = standoff.MaxK

// MaxOffset is standoff.MaxOffset.
const MaxOffset = standoff.MaxOffset
