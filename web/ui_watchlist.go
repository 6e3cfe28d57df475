package web

import (
	"net/http"

	"github.com/rapportckm/rapport"
)

// watchlistPage lists the customers worth a call now: the valuable ones slipping away
// and the new ones who could become valuable.
type watchlistPage struct {
	Watch     rapport.Watch
	Customers []rapport.ValuedCustomer
	Slipping  bool
}

func (s *Server) handleWatchlist(w http.ResponseWriter, r *http.Request, c *call) error {
	watch := rapport.Watch(r.URL.Query().Get("list"))
	if watch == "" {
		watch = rapport.WatchSlipping
	}
	list, err := s.Store.FindWatchlist(r.Context(), c.scope, watch, 100)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "watchlist", c, "Watchlist", watchlistPage{watch, list, watch == rapport.WatchSlipping})
}
