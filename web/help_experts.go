package web

import (
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
)

// The help centre's expert directory (/help/experts): listed staff experts, by area,
// each with a page where a signed-in customer asks them a question. Readers see the
// name, headline, areas and bio, never an e-mail address (ListExperts in a portal or
// customer scope returns no other expert and no address).

type helpExperts struct {
	Experts []rapport.Expert
	Area    string
	Areas   []string // every listed expert's areas, to choose from
}

func (s *Server) handleHelpExperts(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	area := strings.ToLower(strings.Join(strings.Fields(strings.ToValidUTF8(r.URL.Query().Get("area"), "")), " "))
	if len(area) > 60 {
		area = area[:60]
	}
	all, err := s.Store.ListExperts(r.Context(), c.scope, "")
	if err != nil {
		return err
	}
	d := helpExperts{Area: area}
	seen := map[string]bool{}
	for _, e := range all {
		for _, a := range e.Areas {
			if !seen[a] {
				seen[a] = true
				d.Areas = append(d.Areas, a)
			}
		}
		if area == "" || slices.Contains(e.Areas, area) {
			d.Experts = append(d.Experts, e)
		}
	}
	slices.Sort(d.Areas)
	title := "Ask an expert"
	if area != "" {
		title = "Experts on " + area
	}
	return s.renderHelp(w, r, c, http.StatusOK, "experts", title, "Find a person, not only a document: the people who know, and what to ask them about.", d)
}

type helpExpert struct {
	Expert   *rapport.Expert
	Bio      template.HTML
	Articles []rapport.Article
	Area     string // chosen in the form
	Question string
	Errors   map[string]string
	Limit    int
}

func (s *Server) handleHelpExpert(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	return s.showHelpExpert(w, r, c, http.StatusOK, &helpExpert{Area: r.URL.Query().Get("area")})
}

func (s *Server) showHelpExpert(w http.ResponseWriter, r *http.Request, c *helpCall, status int, d *helpExpert) error {
	id, err := rapport.ParseID(r.PathValue("id"))
	if err != nil {
		return rapport.NotFound("expert")
	}
	e, err := s.Store.FindExpert(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	page, err := s.Store.ListArticles(r.Context(), c.scope, rapport.ArticleFilter{OwnerID: e.UserID, Limit: 20})
	if err != nil {
		return err
	}
	d.Expert, d.Bio, d.Articles, d.Limit = e, markdown.Render(e.Bio), page.Articles, rapport.MaxQuestion
	desc := e.Headline
	if desc == "" {
		desc = "Ask " + e.Name + " a question."
	}
	return s.renderHelp(w, r, c, status, "expert", e.Name, desc, d)
}

func (s *Server) handleHelpAsk(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	id, err := rapport.ParseID(r.PathValue("id"))
	if err != nil {
		return rapport.NotFound("expert")
	}
	d := &helpExpert{Area: r.PostFormValue("area"), Question: r.PostFormValue("question")}
	_, err = s.Store.AskExpert(r.Context(), c.scope, rapport.Question{ExpertID: id, Area: d.Area, Text: d.Question, AccountID: c.account.ID}, s.portalMail(r))
	switch rapport.ErrorCode(err) {
	case "":
		return s.redirect(w, r, "/help/account#questions", "Your question is on its way. We will e-mail you the answer, and you will find it here.")
	case rapport.EINVALID, rapport.ERATELIMIT:
		d.Errors = fieldErrors(err)
		if rapport.ErrorCode(err) == rapport.ERATELIMIT {
			d.Errors = errorAt("question", err)
		}
		return s.showHelpExpert(w, r, c, Status(err), d)
	}
	return err
}

// articleExperts are the listed experts whose areas match an article's tags or
// products, for "Ask an expert" on its page.
func (s *Server) articleExperts(r *http.Request, c *helpCall, a *rapport.Article) ([]articleExpert, error) {
	labels := map[string]bool{}
	var list []string
	for _, l := range append(append([]string{}, a.Tags...), a.Products...) {
		if l = strings.ToLower(l); !labels[l] {
			labels[l] = true
			list = append(list, l)
		}
	}
	if len(list) == 0 {
		return nil, nil
	}
	experts, err := s.Store.ExpertsFor(r.Context(), c.scope, list, 3)
	if err != nil {
		return nil, err
	}
	out := make([]articleExpert, 0, len(experts))
	for _, e := range experts {
		for _, area := range e.Areas {
			if labels[area] {
				out = append(out, articleExpert{Expert: e, Area: area})
				break
			}
		}
	}
	return out, nil
}

type articleExpert struct {
	rapport.Expert
	Area string // the area that matches the article
}
