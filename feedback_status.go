package rapport

import (
	"strings"
	"time"
)

// The statuses of feedback after new: looked at and judged (triaged), someone works on
// it (in_progress), what was done is recorded (resolved), and the customer was told
// (informed).
const (
	FeedbackTriaged    FeedbackStatus = "triaged"
	FeedbackInProgress FeedbackStatus = "in_progress"
	FeedbackResolved   FeedbackStatus = "resolved"
	FeedbackInformed   FeedbackStatus = "informed"
)

// FeedbackEvent names a change of status of feedback on the customer's timeline (the
// attribute feedback_event) and in its history: created, triaged, in_progress,
// resolved, informed, reopened and withdrawn.
type FeedbackEvent string

const (
	FeedbackCreated  FeedbackEvent = "created"
	FeedbackReopened FeedbackEvent = "reopened"
	// FeedbackWithdrawn resolves a survey's complaint that no one had worked on when
	// the customer changed their answer to one that needs no follow-up. It is not
	// "resolved", so that nothing meant for a resolved complaint (a survey asking how
	// it was handled, a rule) reacts to it.
	FeedbackWithdrawn FeedbackEvent = "withdrawn"
)

// MaxFeedbackResolution is the longest resolution, in characters: a short note of what
// was done.
const MaxFeedbackResolution = 2000

// rank is the place of a status on the way forward.
func (s FeedbackStatus) rank() int {
	for i, t := range FeedbackStatuses {
		if t == s {
			return i
		}
	}
	return -1
}

// Next lists the statuses feedback may go to from s: any later one, and back to
// in_progress (reopened) from resolved or informed.
func (s FeedbackStatus) Next() []FeedbackStatus {
	r := s.rank()
	if r < 0 {
		return nil
	}
	var out []FeedbackStatus
	if s == FeedbackResolved || s == FeedbackInformed {
		out = append(out, FeedbackInProgress)
	}
	return append(out, FeedbackStatuses[r+1:]...)
}

// EventTo names the change from s to the status to: reopened when it goes back, else
// the status it reaches.
func (s FeedbackStatus) EventTo(to FeedbackStatus) FeedbackEvent {
	if to.rank() < s.rank() {
		return FeedbackReopened
	}
	return FeedbackEvent(to)
}

// FeedbackChange is a change of the status of feedback: resolving needs the
// resolution (what was done), informing the channel the customer was told by.
type FeedbackChange struct {
	Status      FeedbackStatus `json:"status"`
	Resolution  string         `json:"resolution,omitempty"`
	InformedVia Channel        `json:"informed_via,omitempty"`
}

// Normalize trims the resolution.
func (c *FeedbackChange) Normalize() {
	c.Resolution = strings.TrimSpace(c.Resolution)
}

// Validate reports every problem with changing feedback f by c. A resolution is needed
// to reach resolved, or informed from before resolved; a channel to reach informed.
func (c *FeedbackChange) Validate(f *Feedback) error {
	p := Problems{}
	next := f.Status.Next()
	switch {
	case c.Status == "":
		p.Add("status", "status is required; feedback that is %s may go to %s", f.Status, list(next))
	case !c.Status.Valid():
		p.Add("status", "status %q is unknown; feedback that is %s may go to %s", c.Status, f.Status, list(next))
	case !oneOf(c.Status, next):
		p.Add("status", "feedback that is %s cannot go to %s; it may go to %s", f.Status, c.Status, list(next))
	}
	needsResolution := (c.Status == FeedbackResolved || c.Status == FeedbackInformed) && f.Status.rank() < FeedbackResolved.rank()
	if needsResolution && c.Resolution == "" {
		p.Add("resolution", "resolution is required: say in a few words what was done")
	}
	checkText(p, "resolution", c.Resolution, MaxFeedbackResolution)
	if c.Status == FeedbackInformed && c.InformedVia == "" {
		p.Add("informed_via", "informed_via is required: how the customer was told, one of %s", list(Channels))
	} else if c.InformedVia != "" && !c.InformedVia.Valid() {
		p.Add("informed_via", "informed_via %q is unknown; use one of %s", c.InformedVia, list(Channels))
	}
	if c.Status != FeedbackInformed && c.InformedVia != "" && p.Err() == nil {
		p.Add("informed_via", "informed_via goes only with the status informed")
	}
	return p.Err()
}

// FeedbackStep is one step in the history of feedback: when it was logged, and each
// change of status, by whom.
type FeedbackStep struct {
	Event     FeedbackEvent  `json:"event"`
	Status    FeedbackStatus `json:"status"`
	Note      string         `json:"note,omitempty"` // the resolution, or how the customer was told
	ActorID   ID             `json:"actor_id,omitzero"`
	ActorName string         `json:"actor_name,omitempty"`
	At        time.Time      `json:"at"`
}
