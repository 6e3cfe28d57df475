package propose

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport/kmeans"
	"github.com/rapportckm/rapport/segment"
)

// twoGroups is customers of two kinds: loyal ones who bought recently, often and much,
// and lapsed ones who bought once long ago.
func twoGroups(n int) (rows [][]float64, loyal []bool) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := range n {
		if i%3 == 0 {
			rows = append(rows, []float64{float64(5 + r.IntN(25)), float64(8 + r.IntN(10)), 2000 + 1000*r.Float64(), 90 + 9*r.Float64(), 800 + 400*r.Float64(), float64(2 + r.IntN(4))})
			loyal = append(loyal, true)
		} else {
			rows = append(rows, []float64{float64(300 + r.IntN(200)), 1, 20 + 40*r.Float64(), 5 + 10*r.Float64(), 2 * r.Float64(), 0})
			loyal = append(loyal, false)
		}
	}
	return rows, loyal
}

func TestProposeFindsTheGroupsAndWritesRulesThatFindThem(t *testing.T) {
	rows, loyal := twoGroups(600)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	p, err := Propose(rows, "EUR", now)
	if err != nil {
		t.Fatal(err)
	}
	if p.K != 2 || len(p.Segments) != 2 || p.Customers != 600 {
		t.Fatalf("got k %d with %d segments of %d customers, want 2 of 600", p.K, len(p.Segments), p.Customers)
	}
	lapsed, loyalSeg := p.Segments[0], p.Segments[1] // largest first
	if lapsed.Share < 0.66 || lapsed.Share > 0.67 {
		t.Errorf("the lapsed share is %.3f, want 2/3", lapsed.Share)
	}
	if !strings.Contains(loyalSeg.Description, "ore likely still buying") || !strings.Contains(lapsed.Description, "ess likely still buying") {
		t.Errorf("descriptions: loyal %q, lapsed %q", loyalSeg.Description, lapsed.Description)
	}
	for _, seg := range p.Segments {
		if _, err := segment.Parse(seg.Rule, now); err != nil {
			t.Errorf("rule %q does not parse: %v", seg.Rule, err)
		}
		if seg.Recall < 0.8 || seg.Precision < 0.99 {
			t.Errorf("rule %q finds %.2f of its cluster with precision %.2f", seg.Rule, seg.Recall, seg.Precision)
		}
	}
	if !strings.Contains(loyalSeg.Rule, "p_alive >= ") || !strings.Contains(lapsed.Rule, "p_alive <= ") {
		t.Errorf("rules: loyal %q, lapsed %q", loyalSeg.Rule, lapsed.Rule)
	}
	// The rule's bounds are checked in Go against the truth, not only against the
	// clustering: every customer the loyal rule finds is loyal.
	res, err := kmeans.Run(features, rows, kmeans.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := columnRange(rows)
	everyone := make([]float64, len(p.Features))
	for j, f := range p.Features {
		everyone[j] = f.Mean
	}
	bounds := boundsOf(res.Clusters[1], lo, hi, everyone)
	for i, r := range rows {
		meets := true
		for _, b := range bounds {
			meets = meets && b.meets(r)
		}
		if meets && !loyal[i] {
			t.Fatalf("the loyal rule finds lapsed customer %d: %v", i, r)
		}
	}
	if p.Features[1].Name != "purchases" || p.Features[1].Mean < 3 || p.Features[1].Mean > 6 {
		t.Errorf("purchases' mean over everyone: %+v", p.Features[1])
	}
}

func TestBoundRules(t *testing.T) {
	for _, tt := range []struct {
		b    bound
		want string
	}{
		{bound{0, true, 60}, "last_purchase <= 60d ago"},
		{bound{0, false, 30}, "last_purchase >= 30d ago"},
		{bound{1, true, 4}, "purchases >= 4"},
		{bound{3, false, 35}, "p_alive <= 0.35"},
		{bound{5, true, 3}, "count(type in (call, email, chat, ticket, meeting, visit), since 365d ago) >= 3"},
	} {
		if got := tt.b.rule(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	for _, tt := range []struct {
		v, down, up float64
		j           int
	}{
		{1234, 1200, 1300, 2}, {87.2, 87, 88, 1}, {3.4, 3, 4, 5}, {45.6, 45, 46, 3}, {0, 0, 0, 2},
	} {
		if d, u := roundDown(tt.v, tt.j), roundUp(tt.v, tt.j); d != tt.down || u != tt.up {
			t.Errorf("round %v: got %v and %v, want %v and %v", tt.v, d, u, tt.down, tt.up)
		}
	}
}

func TestProposeRejectsTooFewCustomers(t *testing.T) {
	rows, _ := twoGroups(3)
	if _, err := Propose(rows, "EUR", time.Now()); err == nil {
		t.Error("3 customers clustered without an error")
	}
}
