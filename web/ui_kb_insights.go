package web

import (
	"math"
	"net/http"
	"strconv"

	"github.com/rapportckm/rapport"
)

// How readers use the knowledge base, for knowledge managers: weekly charts, the most
// read articles and the content gaps.

// insightSpans are the spans the page offers, in weeks.
var insightSpans = []int{4, 12, 26, 52}

type kbInsightsPage struct {
	Insights *rapport.KnowledgeInsights
	Total    rapport.KnowledgeWeek
	Weeks    int
	Spans    []int
	// The span's shares, in words ("12.5 %", or a dash without any).
	NoResult, NoClick, Helpful string
	Judged                     int        // helpfulness answers
	Use                        *lineChart // views and searches
	Failed                     *lineChart // the share of searches without a result or a click
	HelpfulChart               *lineChart // the share of helpfulness answers that said yes
	Rating                     *lineChart // the mean quality rating
	CanWrite                   bool       // may write the article a gap asks for
}

func (s *Server) handleKBInsights(w http.ResponseWriter, r *http.Request, c *call) error {
	weeks, err := insightWeeksParam(r, 12)
	if err != nil {
		return err
	}
	in, err := s.Store.KnowledgeInsights(r.Context(), c.scope, weeks)
	if err != nil {
		return err
	}
	t := rapport.SumWeeks(in.Weeks)
	v := kbInsightsPage{Insights: in, Weeks: weeks, Total: t, Spans: insightSpans, Judged: t.Helpful + t.Unhelpful, CanWrite: c.scope.CanWriteArticles(),
		NoResult: shareText(t.NoResult, t.Searches), NoClick: shareText(t.NoClick, t.Searches), Helpful: shareText(t.Helpful, t.Helpful+t.Unhelpful)}
	labels := weekLabels(in.Weeks)
	each := func(f func(rapport.KnowledgeWeek) float64) []float64 {
		out := make([]float64, len(in.Weeks))
		for i, w := range in.Weeks {
			out[i] = f(w)
		}
		return out
	}
	v.Use = newLineChart("Article views and searches by week", "", labels, map[string][]float64{
		"Views":    each(func(w rapport.KnowledgeWeek) float64 { return float64(w.Views) }),
		"Searches": each(func(w rapport.KnowledgeWeek) float64 { return float64(w.Searches) }),
	}, []string{"Views", "Searches"})
	v.Failed = newLineChart("Share of searches with no result, and with results but no article opened, by week", "%", labels, map[string][]float64{
		"No result": each(func(w rapport.KnowledgeWeek) float64 { return share(w.NoResult, w.Searches) }),
		"No click":  each(func(w rapport.KnowledgeWeek) float64 { return share(w.NoClick, w.Searches) }),
	}, []string{"No result", "No click"})
	v.HelpfulChart = newLineChart("Share of readers who found an article helpful, by week", "%", labels, map[string][]float64{
		"Found it helpful": each(func(w rapport.KnowledgeWeek) float64 { return share(w.Helpful, w.Helpful+w.Unhelpful) }),
	}, []string{"Found it helpful"})
	v.Rating = newLineChart("Mean quality rating by week, from 1 to 5", "of 5", labels, map[string][]float64{
		"Mean rating": each(func(w rapport.KnowledgeWeek) float64 {
			if w.Ratings == 0 {
				return math.NaN()
			}
			return math.Round(10*w.MeanRating()) / 10
		}),
	}, []string{"Mean rating"})
	return s.render(w, r, http.StatusOK, "kb_insights", c, "Knowledge base insights", v)
}

// insightWeeksParam reads ?weeks=, def when absent.
func insightWeeksParam(r *http.Request, def int) (int, error) {
	v := r.URL.Query().Get("weeks")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > rapport.MaxInsightWeeks {
		return 0, rapport.FieldError("weeks", "weeks must be a whole number from 1 to %d", rapport.MaxInsightWeeks)
	}
	return n, nil
}

// share is part of whole in percent, rounded to a tenth; NaN (no point) when whole is 0.
func share(part, whole int) float64 {
	if whole == 0 {
		return math.NaN()
	}
	return math.Round(1000*float64(part)/float64(whole)) / 10
}

func shareText(part, whole int) string {
	if whole == 0 {
		return "—"
	}
	return trimFloat(share(part, whole)) + " %"
}

func weekLabels(weeks []rapport.KnowledgeWeek) []string {
	out := make([]string, len(weeks))
	for i, w := range weeks {
		out[i] = w.Start.Format("2 Jan")
	}
	return out
}

// articleReaders is the card on a staff article page: its views and judgements over
// the last weeks.
type articleReaders struct {
	Total rapport.KnowledgeWeek
	Weeks int
	Chart *lineChart
}

const articleReaderWeeks = 12

func (s *Server) articleReaders(r *http.Request, c *call, id rapport.ID) (*articleReaders, error) {
	weeks, err := s.Store.ArticleWeeks(r.Context(), c.scope, id, articleReaderWeeks)
	if err != nil {
		return nil, err
	}
	views := make([]float64, len(weeks))
	for i, w := range weeks {
		views[i] = float64(w.Views)
	}
	return &articleReaders{Total: rapport.SumWeeks(weeks), Weeks: articleReaderWeeks,
		Chart: newLineChart("Views of this article by week", "", weekLabels(weeks), map[string][]float64{"Views": views}, []string{"Views"})}, nil
}

func (s *Server) apiKBInsights(w http.ResponseWriter, r *http.Request, c *call) error {
	weeks, err := insightWeeksParam(r, 12)
	if err != nil {
		return err
	}
	in, err := s.Store.KnowledgeInsights(r.Context(), c.scope, weeks)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (s *Server) apiKBArticleInsights(w http.ResponseWriter, r *http.Request, c *call) error {
	weeks, err := insightWeeksParam(r, 12)
	if err != nil {
		return err
	}
	a, err := s.Store.FindArticle(r.Context(), c.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	ws, err := s.Store.ArticleWeeks(r.Context(), c.scope, a.ID, weeks)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"weeks": ws})
	return nil
}
