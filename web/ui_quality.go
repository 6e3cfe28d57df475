package web

import (
	"net/http"

	"github.com/rapportckm/rapport"
)

// handleQuality shows how complete and current the profiles each account manager owns
// are, so that managers can see who keeps customer data current.
func (s *Server) handleQuality(w http.ResponseWriter, r *http.Request, c *call) error {
	owners, err := s.Store.OwnerQualities(r.Context(), c.scope)
	if err != nil {
		return err
	}
	total := rapport.OwnerQuality{}
	for _, o := range owners {
		total.Customers += o.Customers
		total.Full += o.Full
		total.Stale += o.Stale
		total.Complete += o.Complete * o.Customers
	}
	if total.Customers > 0 {
		total.Complete /= total.Customers
	}
	data := struct {
		Owners []rapport.OwnerQuality
		Total  rapport.OwnerQuality
	}{owners, total}
	return s.render(w, r, http.StatusOK, "quality", c, "Data quality", data)
}
