package web

import (
	"net/http"

	"github.com/rapportckm/rapport"
)

// outboxPage lists the e-mail Rapport sends, newest first, for admins to see what
// went and what did not.
type outboxPage struct {
	Mail   []*rapport.Mail
	State  string
	States []rapport.MailState
}

func (s *Server) handleOutboxIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	state := rapport.MailState(r.URL.Query().Get("state"))
	if state != "" && state != rapport.MailQueued && state != rapport.MailSent && state != rapport.MailFailed {
		return rapport.FieldError("state", "state %q is unknown; use queued, sent or failed", state)
	}
	mail, err := s.Store.FindOutbox(r.Context(), c.scope, rapport.OutboxFilter{State: state, Limit: 200})
	if err != nil {
		return err
	}
	page := outboxPage{Mail: mail, State: string(state), States: []rapport.MailState{rapport.MailQueued, rapport.MailSent, rapport.MailFailed}}
	return s.render(w, r, http.StatusOK, "outbox", c, "Outbox", page)
}
