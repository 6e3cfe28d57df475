package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/rapportckm/rapport/personaldata"
)

// handleCustomerExport downloads everything Rapport holds about a customer, in the
// reader's scope, to answer the customer's request for their data (see personaldata).
func (s *Server) handleCustomerExport(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	started := false
	err = personaldata.Write(r.Context(), s.Store, c.scope, id, c.user.Email, w, func() {
		started = true
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="customer-%s-%s.json"`, id, time.Now().UTC().Format("20060102")))
	})
	if err != nil && started {
		// The status is sent: cut the response short, so that no one takes a truncated
		// export for a whole one.
		if !clientGone(r) {
			s.Logger.Error("customer export", "customer", id, "error", err)
		}
		panic(http.ErrAbortHandler)
	}
	return err
}
