package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/rapportckm/rapport"
)

// demoSearches are what help centre readers look for: most find an article, some (the
// content gaps) find nothing the knowledge base holds yet.
var demoSearches = []demoSearch{
	{"track my order", "track-your-delivery", 8},
	{"delivery time", "track-your-delivery", 5},
	{"where is my parcel", "track-your-delivery", 3},
	{"return a product", "return-a-product", 5},
	{"returns", "return-a-product", 3},
	{"forgot password", "reset-your-password", 4},
	{"refund policy", "", 4},
	{"invoice copy", "", 3},
	{"warranty desk", "", 2},
	{"cancel order", "", 2},
	{"gift card", "", 1},
}

type demoSearch struct {
	text  string
	slug  string // the article a reader opens from the results; "" when none helps
	often int    // relative frequency
}

// writeReading makes twelve weeks of help centre use, so that the knowledge base's
// insights have something to show: visitors and signed-in customers search, open what
// they found (or not), say whether it helped and rate it; use grows over the weeks. It
// needs Options.SetNow, as views and searches are dated by the store's clock.
func (f *filler) writeReading(ctx context.Context) error {
	if f.opts.SetNow == nil {
		return nil
	}
	defer f.opts.SetNow(time.Now)
	r := f.rand(streamReading)
	var people []*entry
	for _, c := range f.pop.customers {
		if c.kind == rapport.KindPerson && !c.walled && !c.id.IsZero() {
			people = append(people, c)
		}
	}
	total := 0
	for _, s := range demoSearches {
		total += s.often
	}
	// The demo ends today: reading runs up to this moment, so the current week has
	// some too.
	end := f.end
	if now := time.Now(); now.After(end) && now.Sub(end) < 24*time.Hour {
		end = now
	}
	const weeks, n = 12, 450
	span := weeks * 7 * 24 * time.Hour
	offsets := make([]time.Duration, n)
	for i := range offsets {
		// The square root of a uniform draw: more reading lately, as the help centre grows.
		offsets[i] = time.Duration(math.Sqrt(r.Float64()) * float64(span))
	}
	slices.Sort(offsets) // the clock only moves forward
	searches, views := 0, 0
	for i, offset := range offsets {
		at := end.Add(offset - span)
		f.opts.SetNow(func() time.Time { return at })
		progress := float64(offset) / float64(span)
		// Each visitor comes from an address of their own (in the range kept for
		// documentation), as the help centre limits anonymous ratings by address.
		addr := fmt.Sprintf("2001:db8::%x", i+1)
		scope, reader := rapport.PortalScope(addr), fmt.Sprintf("demo-visitor-%d", i)
		if len(people) > 0 && chance(r, 0.3) {
			// A customer signs in, if the firm had them by then.
			if c := people[r.IntN(len(people))]; !c.since.After(at) {
				scope, reader = rapport.CustomerScope(c.id, addr), c.id.String()
			}
		}
		s := pickSearch(r, total)
		res, err := f.store.SearchArticles(ctx, scope, rapport.SearchQuery{Text: s.text, Limit: 10, Log: true})
		if err != nil {
			return fmt.Errorf("search %q: %w", s.text, err)
		}
		searches++
		if s.slug == "" || chance(r, 0.15) {
			continue // found nothing, or nothing worth opening
		}
		a, err := f.store.FindArticle(ctx, scope, s.slug)
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			continue // meant for signed-in customers
		} else if err != nil {
			return err
		}
		if err := f.store.RecordView(ctx, scope, rapport.ArticleView{ArticleID: a.ID, Reader: reader, SearchID: res.SearchID}); err != nil {
			return fmt.Errorf("view %s: %w", s.slug, err)
		}
		views++
		if !chance(r, 0.35) {
			continue
		}
		// Readers grow happier as the articles improve over the weeks.
		helpful := chance(r, 0.55+0.35*progress)
		rating := rapport.ArticleRating{Helpful: &helpful}
		if chance(r, 0.6) {
			rating.Rating = 2 + r.IntN(3)
			if helpful {
				rating.Rating++
			}
		}
		if _, err := f.store.RateArticle(ctx, scope, a.ID, reader, rating); err != nil {
			return fmt.Errorf("rate %s: %w", s.slug, err)
		}
	}
	f.log("help centre: %d searches, %d article views over %d weeks", searches, views, weeks)
	return nil
}

// pickSearch picks a search by its frequency; total is the sum of the frequencies.
func pickSearch(r *rand.Rand, total int) demoSearch {
	n := r.IntN(total)
	for _, s := range demoSearches {
		if n < s.often {
			return s
		}
		n -= s.often
	}
	return demoSearches[0]
}
