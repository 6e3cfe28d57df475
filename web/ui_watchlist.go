package web

import (
	"net/http"

	"github.com/rapportckm/rapport"
)

// watchlistPage lists the customers worth a call now: the valuable ones slipping away
// and the new ones who could become valuable.
type watchlistPage struct {
	Customers []rapport.ValuedCustomer
	Slipping  bool // which list: slipping away, or could become valuable
}

// watchParam is the watch list a request asks for: ?list=, slipping by default.
func watchParam(r *http.Request) rapport.Watch {
	if w := r.URL.Query().Get("list"); w != "" {
		return rapport.Watch(w)
	}
	return rapport.WatchSlipping
}

func (s *Server) handleWatchlist(w http.ResponseWriter, r *http.Request, c *call) error {
	watch := watchParam(r)
	list, err := s.Store.FindWatchlist(r.Context(), c.scope, watch, 100)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "watchlist", c, "Watchlist", watchlistPage{list, watch == rapport.WatchSlipping})
}
