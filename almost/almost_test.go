package almost_test

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/almost"
)

var now = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func value(monetary int, pAlive float64, firstDaysAgo int) *rapport.CustomerValue {
	return &rapport.CustomerValue{Currency: "EUR", Purchases: 14, Revenue: rapport.Amount(4210 * 10000), FirstAt: now.AddDate(0, 0, -firstDaysAgo),
		LastAt: now.AddDate(0, -2, 0), Monetary: monetary, PAlive: pAlive, LifetimeValue: 300}
}

func find(list []rapport.AlmostCustomer, id rapport.ID) *rapport.AlmostCustomer {
	for i := range list {
		if list[i].ID == id {
			return &list[i]
		}
	}
	return nil
}

func signals(a *rapport.AlmostCustomer) []string {
	var out []string
	for _, r := range a.Reasons {
		out = append(out, r.Signal)
	}
	return out
}

func TestFrustration(t *testing.T) {
	calm, complaining, bursting, searching, steady, both := rapport.NewID(), rapport.NewID(), rapport.NewID(), rapport.NewID(), rapport.NewID(), rapport.NewID()
	busy := rapport.NewID()
	facts := []rapport.AlmostFacts{
		{CustomerID: calm, Value: value(3, 0.9, 800), Complaints: 1, ContactBurst: 2, ContactsYear: 4, EmptySearches: 1},
		{CustomerID: complaining, Value: value(3, 0.9, 800), Complaints: 3, LastComplaintAt: now.AddDate(0, 0, -3)},
		{CustomerID: bursting, Value: value(3, 0.9, 800), ContactBurst: 5, BurstAt: now.AddDate(0, 0, -10), ContactsYear: 9, ContactSpanDays: 365},
		{CustomerID: searching, EmptySearches: 3, EmptySearch: "assembly\n instructions <script>"},
		// Many contacts, but as many as they always have: not a burst.
		{CustomerID: steady, Value: value(3, 0.9, 800), ContactBurst: 6, ContactsYear: 150, ContactSpanDays: 365},
		{CustomerID: both, Value: value(3, 0.9, 800), Complaints: 3, LastComplaintAt: now.AddDate(0, 0, -3), ContactBurst: 5, BurstAt: now.AddDate(0, 0, -10), ContactsYear: 9, ContactSpanDays: 365},
	}
	list, _ := almost.Score(facts, now, almost.Defaults)
	if find(list, calm) != nil || find(list, steady) != nil {
		t.Errorf("a customer below every threshold, or as busy as usual, is listed: %+v", list)
	}
	c := find(list, complaining)
	if c == nil || len(c.Reasons) != 1 || c.Reasons[0].Signal != rapport.SignalComplaints || c.Reasons[0].Kind != rapport.AlmostFrustrated {
		t.Fatalf("the complaining customer: got %+v, want one complaints reason", c)
	}
	if want := "3 complaints in the last 90 days, the latest on 28 April 2026"; c.Reasons[0].Text != want {
		t.Errorf("got reason %q, want %q", c.Reasons[0].Text, want)
	}
	if !strings.HasPrefix(c.NextStep, "Resolve the open complaint first") {
		t.Errorf("got next step %q, want to resolve the complaint", c.NextStep)
	}
	b := find(list, bursting)
	if b == nil || b.Reasons[0].Signal != rapport.SignalContacts || !strings.Contains(b.Reasons[0].Text, "5 contacts") ||
		!strings.Contains(b.Reasons[0].Text, "usually about 0.3 in 14 days") {
		t.Errorf("the bursting customer: got %+v", b)
	}
	// A customer with many contacts as a rule, and far more in a fortnight: 2,275
	// contacts a year are 87.3 in 14 days, written whole.
	busyList, _ := almost.Score([]rapport.AlmostFacts{{CustomerID: busy, Value: value(3, 0.9, 800), ContactBurst: 125,
		BurstAt: now.AddDate(0, 0, -10), ContactsYear: 2275, ContactSpanDays: 365}}, now, almost.Defaults)
	if b := find(busyList, busy); b == nil || !strings.Contains(b.Reasons[0].Text, "125 contacts") ||
		!strings.Contains(b.Reasons[0].Text, "usually about 87 in 14 days") {
		t.Errorf("the busy customer: got %+v", b)
	}
	// The same fortnight from an account whose fortnights vary by 201 around the usual
	// 87 is no burst (a 1-in-130 chance).
	variedList, _ := almost.Score([]rapport.AlmostFacts{{CustomerID: busy, Value: value(3, 0.9, 800), ContactBurst: 125,
		BurstAt: now.AddDate(0, 0, -10), ContactsYear: 2275, ContactSpanDays: 365, ContactVariance: 200.7}}, now, almost.Defaults)
	if b := find(variedList, busy); b != nil {
		t.Errorf("an account whose volume varies that much: got %+v, want it not listed", b)
	}
	s := find(list, searching)
	if s == nil || s.Reasons[0].Text != "3 searches in the portal found nothing in the last 90 days, such as “assembly instructions <script>”" {
		t.Errorf("the searching customer: got %+v", s)
	}
	if s.PAlive != nil || s.Score > 10 {
		t.Errorf("a customer without purchases: got p_alive %v and score %v, want none and at most 10", s.PAlive, s.Score)
	}
	// With the same value, two reasons rank above either alone, and the strongest
	// reason chooses the next step.
	two := find(list, both)
	if two == nil || !(two.Score > c.Score && two.Score > b.Score) || list[0].ID != both {
		t.Errorf("scores: both %+v, complaints %v, burst %v; want both first", two, c.Score, b.Score)
	}
	if got := strings.Join(signals(two), ","); got != "complaints,contacts" || !strings.HasPrefix(two.NextStep, "Call once and settle the request") {
		t.Errorf("got reasons %s and next step %q, want the burst of 5 (stronger than 3 complaints) to choose it", got, two.NextStep)
	}
}

func TestOpenItemsCount(t *testing.T) {
	id := rapport.NewID()
	list, _ := almost.Score([]rapport.AlmostFacts{{CustomerID: id, OpenItems: 2}}, now, almost.Defaults)
	if len(list) != 1 || list[0].Reasons[0].Signal != rapport.SignalOpenItems || list[0].Reasons[0].Text != "2 feedback items open for more than 14 days" ||
		!strings.HasPrefix(list[0].NextStep, "Close their open feedback") {
		t.Errorf("got %+v, want the open items as the reason and the next step", list)
	}
}

func TestSlipping(t *testing.T) {
	low, modest, falling, steady, newer := rapport.NewID(), rapport.NewID(), rapport.NewID(), rapport.NewID(), rapport.NewID()
	fallingValue := value(4, 0.6, 900)
	newerValue := value(5, 0.7, 900)
	facts := []rapport.AlmostFacts{
		{CustomerID: low, Value: value(5, 0.31, 1100)},
		{CustomerID: modest, Value: value(2, 0.1, 1100)},                                                                    // never valuable
		{CustomerID: falling, Value: fallingValue, HasBaseline: true, BaselineAt: fallingValue.LastAt, BaselinePAlive: 0.9}, // fell 30 points
		{CustomerID: steady, Value: value(5, 0.8, 900), HasBaseline: true, BaselineAt: now.AddDate(0, -2, 0), BaselinePAlive: 0.82},
		// A baseline of an earlier last purchase does not count: they bought since.
		{CustomerID: newer, Value: newerValue, HasBaseline: true, BaselineAt: now.AddDate(0, -9, 0), BaselinePAlive: 0.99},
	}
	list, baselines := almost.Score(facts, now, almost.Defaults)
	if find(list, modest) != nil || find(list, steady) != nil || find(list, newer) != nil {
		t.Errorf("listed a customer who never was valuable, or one who is not slipping: %+v", list)
	}
	l := find(list, low)
	if l == nil || l.Reasons[0].Signal != rapport.SignalSlipping {
		t.Fatalf("the valuable customer with P(alive) 0.31: got %+v", l)
	}
	if want := "Spent 4,210 EUR over 14 purchases since April 2023 (top fifth by spend); chance still active is 31 % (no purchase since 1 March 2026)"; l.Reasons[0].Text != want {
		t.Errorf("got %q, want %q", l.Reasons[0].Text, want)
	}
	if !strings.HasPrefix(l.NextStep, "Call: ask how their last order went") {
		t.Errorf("got next step %q", l.NextStep)
	}
	f := find(list, falling)
	if f == nil || !strings.Contains(f.Reasons[0].Text, "chance still active fell from 90 % to 60 % since their last purchase on 1 March 2026") {
		t.Errorf("the falling customer: got %+v", f)
	}
	// New baselines for those without one and the one who bought since; none for the
	// ones whose baseline is of their last purchase.
	got := map[rapport.ID]float64{}
	for _, b := range baselines {
		got[b.CustomerID] = b.PAlive
	}
	if len(got) != 3 || got[low] != 0.31 || got[modest] != 0.1 || got[newer] != 0.7 {
		t.Errorf("got baselines %v, want new ones for the three without one of their last purchase", got)
	}
}

// TestLookalikes builds mature customers of two kinds, where engaged ones (many
// purchases, several product lines and channels) became the top fifth and occasional
// ones did not, and checks that a young engaged customer is found and a young
// occasional one is not.
func TestLookalikes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	stage := func(purchases, lines, channels int, spend float64) []rapport.StageFeatures {
		out := make([]rapport.StageFeatures, len(rapport.AlmostStages))
		for k, days := range rapport.AlmostStages {
			scale := float64(days) / 90
			out[k] = rapport.StageFeatures{Purchases: int(float64(purchases)*scale) + r.IntN(2), Spend: spend * scale * (0.8 + 0.4*r.Float64()),
				Lines: lines, Channels: channels, Contacts: r.IntN(3), WebEvents: 5 + r.IntN(5)}
		}
		return out
	}
	var facts []rapport.AlmostFacts
	for i := range 300 {
		v := value(1, 0.9, 500+i)
		f := rapport.AlmostFacts{CustomerID: rapport.NewID(), Value: v}
		if i%3 == 0 { // a third engaged, all of them top fifth
			v.Monetary = 5
			f.Stages = stage(6, 3, 3, 900)
		} else {
			f.Stages = stage(1, 1, 1, 60)
		}
		facts = append(facts, f)
	}
	engaged := rapport.AlmostFacts{CustomerID: rapport.NewID(), Value: value(2, 0.9, 100), Stages: stage(6, 3, 3, 880)}
	occasional := rapport.AlmostFacts{CustomerID: rapport.NewID(), Value: value(1, 0.9, 100), Stages: stage(1, 1, 1, 55)}
	tooNew := rapport.AlmostFacts{CustomerID: rapport.NewID(), Value: value(1, 0.9, 20), Stages: stage(6, 3, 3, 880)}
	facts = append(facts, engaged, occasional, tooNew)
	list, _ := almost.Score(facts, now, almost.Defaults)
	e := find(list, engaged.CustomerID)
	if e == nil || len(e.Reasons) != 1 || e.Reasons[0].Kind != rapport.AlmostLookalike {
		t.Fatalf("the young engaged customer: got %+v, want a look-alike", e)
	}
	s := engaged.Stages[1] // 100 days old: compared over the first 90
	want := "In their first 90 days: " + strings.Join([]string{strconv.Itoa(s.Purchases) + " purchases", "3 product lines"}, ", ")
	if !strings.HasPrefix(e.Reasons[0].Text, want) || !strings.HasSuffix(e.Reasons[0].Text, "10 of the 10 most similar customers at that stage became top-fifth customers") {
		t.Errorf("got %q, want it to start %q and count 10 of 10", e.Reasons[0].Text, want)
	}
	if !strings.HasPrefix(e.NextStep, "Invite them to the loyalty programme") {
		t.Errorf("got next step %q", e.NextStep)
	}
	if find(list, occasional.CustomerID) != nil {
		t.Errorf("a young customer like the occasional ones was listed")
	}
	if find(list, tooNew.CustomerID) != nil {
		t.Errorf("a customer of 20 days, younger than the first stage, was listed")
	}
	for _, a := range list {
		if a.ID != engaged.CustomerID {
			t.Errorf("only the young engaged customer should be listed, got %+v", a)
		}
	}
}
