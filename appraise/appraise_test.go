package appraise

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
	"gonum.org/v1/gonum/stat/distuv"
)

var (
	ctx    = context.Background()
	system = rapport.SystemScope("test")
	now    = time.Date(2026, 6, 1, 15, 0, 0, 0, time.UTC)
)

func TestRun(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *sqldb.DB{"sqlite": sqldbtest.SQLite, "postgres": sqldbtest.Postgres} {
		t.Run(name, func(t *testing.T) { testRun(t, open(t)) })
	}
}

func testRun(t *testing.T, db *sqldb.DB) {
	customerOf := func(kind rapport.CustomerKind, name string) rapport.ID {
		c := &rapport.Customer{Kind: kind, Name: name}
		if err := db.CreateCustomer(ctx, system, c); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	customer := func(name string) rapport.ID { return customerOf(rapport.KindPerson, name) }
	var orders []rapport.IncomingInteraction
	order := func(id rapport.ID, daysAgo int, amount float64, currency string) {
		orders = append(orders, rapport.IncomingInteraction{Interaction: rapport.Interaction{CustomerID: id, Type: "order", Channel: "web",
			OccurredAt: now.AddDate(0, 0, -daysAgo), Summary: "Order", Amount: ptr(rapport.Amount(amount * 10000)), Currency: currency,
			Source: "shop", SourceKey: rapport.NewID().String()}})
	}
	// A crowd of customers (one in eight paying in pounds), each buying at their own rate until they stop.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 400 {
		id := customer("Customer " + string(rune('A'+i%26)))
		weekly, drop := 0.05+rng.ExpFloat64()*0.3, rng.Float64()*0.4
		currency := "EUR"
		if i%8 == 0 {
			currency = "GBP"
		}
		for t := -float64(60 + rng.IntN(300)); t < 0; t += 7 * rng.ExpFloat64() / weekly {
			order(id, int(-t), 10+90*rng.Float64(), currency)
			if rng.Float64() < drop {
				break
			}
		}
	}
	// Customers paying in złoty whose mean spends have too heavy a tail for the spend
	// model (drawn from it with q under 1).
	var heavy []rapport.ID
	scales := distuv.Gamma{Alpha: 0.6, Beta: 15, Src: rand.NewPCG(3, 4)}
	for i := range 60 {
		id := customer("Heavy " + string(rune('A'+i%26)))
		heavy = append(heavy, id)
		amounts := distuv.Gamma{Alpha: 6, Beta: scales.Rand(), Src: rand.NewPCG(5, uint64(i))}
		for k := range 2 + i%3 {
			order(id, 5+40*k+i, min(amounts.Rand(), 1e9), "PLN")
		}
	}
	// Organisations paying in euros on a scale some thirty times the people's, with a
	// spend model of their own; and a person and an organisation who have each bought
	// twice for 60 euros.
	orgScales := distuv.Gamma{Alpha: 4, Beta: 1000, Src: rand.NewPCG(6, 7)} // rates: a mean order of about 2,000 euros
	var firms []rapport.ID
	for i := range 40 {
		id := customerOf(rapport.KindOrganisation, "Firm "+string(rune('A'+i%26)))
		firms = append(firms, id)
		amounts := distuv.Gamma{Alpha: 6, Beta: orgScales.Rand(), Src: rand.NewPCG(8, uint64(i))}
		for k := range 3 + i%3 {
			order(id, 3+50*k+i, amounts.Rand(), "EUR")
		}
	}
	// People who buy for the firms they work at, own or advise, on the firms' scale:
	// with the people who buy for themselves, their spends would have too heavy a tail
	// for one model.
	for i, kind := range slices.Repeat([]rapport.LinkKind{rapport.LinkWorksAt, rapport.LinkOwns, rapport.LinkAdvises}, 30) {
		id := customer("Buyer " + string(rune('A'+i%26)))
		if err := db.CreateLink(ctx, system, &rapport.Link{FromID: id, ToID: firms[i%len(firms)], Kind: kind}); err != nil {
			t.Fatal(err)
		}
		amounts := distuv.Gamma{Alpha: 6, Beta: orgScales.Rand(), Src: rand.NewPCG(9, uint64(i))}
		for k := range 3 + i%3 {
			order(id, 4+50*k+i, amounts.Rand(), "EUR")
		}
	}
	newPerson, newFirm := customer("New person"), customerOf(rapport.KindOrganisation, "New firm")
	for _, id := range []rapport.ID{newPerson, newFirm} {
		order(id, 40, 60, "EUR")
		order(id, 10, 60, "EUR")
	}
	// Two who bought as often, one lately and one long ago; one with two orders on one
	// day and one in another currency; one who has not bought yet; one whose only
	// order is today, not yet over.
	loyal, lapsed, mixed, none, today := customer("Loyal"), customer("Lapsed"), customer("Mixed"), customer("None"), customer("Today")
	for k := range 10 {
		order(loyal, 1+12*k, 50, "EUR")
		order(lapsed, 200+12*k, 50, "EUR")
	}
	order(mixed, 30, 20, "EUR")
	order(mixed, 30, 5, "EUR")
	order(mixed, 10, 7.5, "EUR")
	order(mixed, 20, 1000, "USD")
	order(today, 0, 10, "EUR")
	for start := 0; start < len(orders); start += 1000 {
		if _, err := db.IngestInteractions(ctx, system, orders[start:min(start+1000, len(orders))]); err != nil {
			t.Fatal(err)
		}
	}

	sum, err := Run(ctx, db, system, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sum.String(), "customers with purchases in 3 currencies valued") || !slices.Contains(sum.OwnMeans, "PLN people") ||
		slices.Contains(sum.OwnMeans, "EUR organisations") || slices.Contains(sum.OwnMeans, "EUR people") || slices.Contains(sum.OwnMeans, "EUR people at organisations") {
		t.Errorf("summary %q, want three currencies, no spend model for PLN people and one for each kind of buyer in EUR", sum)
	}
	value := func(id rapport.ID) *rapport.CustomerValue {
		t.Helper()
		v, err := db.FindCustomerValue(ctx, system, id)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := value(none); v != nil {
		t.Errorf("a customer without purchases has a value: %+v", v)
	}
	for _, id := range heavy {
		if v := value(id); !(v.ExpectedSpend > 0 && v.LifetimeValue >= 0) {
			t.Errorf("a heavy spender: expected spend %.2f, lifetime value %.2f; want positive amounts", v.ExpectedSpend, v.LifetimeValue)
		}
	}
	// Each is expected to spend between their own mean and their kind's: the same two
	// purchases say less of a firm than of a person.
	if p, f := value(newPerson), value(newFirm); !(p.ExpectedSpend < 100 && f.ExpectedSpend > 3*p.ExpectedSpend) {
		t.Errorf("expected spend after two purchases of 60 euros: %.2f for a person, %.2f for a firm; want the firm's drawn towards firms' spending", p.ExpectedSpend, f.ExpectedSpend)
	}
	if v := value(today); v != nil {
		t.Errorf("a purchase made today, not yet over, gave a value: %+v", v)
	}
	m := value(mixed)
	if m == nil || m.Currency != "EUR" || m.Purchases != 2 || m.Revenue.String() != "32.50" || m.ExpectedSpend <= 0 {
		t.Errorf("got %+v, want two purchase days in euros (two orders on one day) worth 32.50", m)
	}
	l, p := value(loyal), value(lapsed)
	if l.Recency != 5 || l.Frequency != 5 || p.Frequency != 5 || p.Recency > 2 {
		t.Errorf("RFM: loyal %d%d%d, lapsed %d%d%d; want both most frequent, the loyal one most recent", l.Recency, l.Frequency, l.Monetary, p.Recency, p.Frequency, p.Monetary)
	}
	if !(l.PAlive > 0.8 && p.PAlive < 0.2 && l.ExpectedPurchases > p.ExpectedPurchases && l.LifetimeValue > 5*p.LifetimeValue) {
		t.Errorf("loyal: P(alive) %.3f, %.2f purchases, value %.2f; lapsed: %.3f, %.2f, %.2f", l.PAlive, l.ExpectedPurchases, l.LifetimeValue, p.PAlive, p.ExpectedPurchases, p.LifetimeValue)
	}
	if !l.ComputedAt.Equal(now) {
		t.Errorf("computed at %v, want %v", l.ComputedAt, now)
	}

	// A second run replaces the values: the new order counts.
	orders = orders[:0]
	order(none, 3, 40, "EUR")
	if _, err := db.IngestInteractions(ctx, system, orders); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, db, system, now); err != nil {
		t.Fatal(err)
	}
	if v := value(none); v == nil || v.Purchases != 1 || v.Revenue.String() != "40.00" {
		t.Errorf("after a first order, got %+v", v)
	}
}

func ptr[T any](v T) *T { return &v }
