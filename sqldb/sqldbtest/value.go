package sqldbtest

import (
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testCustomerValues: purchases are read customer by customer, oldest first, orders
// and transactions of a positive amount only; values are replaced whole and read only
// by those who may see the customer.
func testCustomerValues(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Silva", "ana@example.com")
	bo := mustPerson(t, db, "Bo", "Berg", "bo@example.com")
	secret := mustPerson(t, db, "Sam", "Secret", "sam@falcon.example")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)
	day := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	amount := func(s string) *rapport.Amount { a, err := rapport.ParseAmount(s); must(t, err); return &a }
	for i, in := range []rapport.Interaction{
		{CustomerID: bo.ID, Type: "order", OccurredAt: day.AddDate(0, 0, 3), Amount: amount("20"), Currency: "EUR"},
		{CustomerID: ana.ID, Type: "order", OccurredAt: day.AddDate(0, 0, 9), Amount: amount("12.50"), Currency: "EUR"},
		{CustomerID: ana.ID, Type: "transaction", OccurredAt: day, Amount: amount("30"), Currency: "EUR"},
		{CustomerID: ana.ID, Type: "transaction", OccurredAt: day.AddDate(0, 0, 1), Amount: amount("-30"), Currency: "EUR"}, // a refund
		{CustomerID: ana.ID, Type: "call", OccurredAt: day.AddDate(0, 0, 2), Amount: amount("5"), Currency: "EUR"},
		{CustomerID: secret.ID, Type: "order", OccurredAt: day, Amount: amount("99"), Currency: "GBP"},
	} {
		in.Channel, in.Summary = "web", atf("purchase %d", i)
		must(t, db.CreateInteraction(ctx, system, &in))
	}
	var got []rapport.Purchase
	err := db.EachPurchase(ctx, f.sales, func(p rapport.Purchase) error { return nil })
	wantCode(t, err, rapport.EFORBIDDEN)
	must(t, db.EachPurchase(ctx, system, func(p rapport.Purchase) error { got = append(got, p); return nil }))
	if len(got) != 4 {
		t.Fatalf("got %d purchases, want the 4 orders and transactions of a positive amount: %+v", len(got), got)
	}
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if a.CustomerID.String() > b.CustomerID.String() || a.CustomerID == b.CustomerID && a.At.After(b.At) {
			t.Errorf("purchases out of order: %+v before %+v", a, b)
		}
	}

	value := func(c *rapport.Customer, clv float64) rapport.CustomerValue {
		return rapport.CustomerValue{CustomerID: c.ID, Currency: "EUR", Purchases: 2, Revenue: *amount("42.50"), FirstAt: day, LastAt: day,
			Recency: 5, Frequency: 4, Monetary: 3, PAlive: 0.8, ExpectedPurchases: 1.5, ExpectedSpend: 21.25, LifetimeValue: clv, ComputedAt: day}
	}
	wantCode(t, db.ReplaceCustomerValues(ctx, f.sales, nil), rapport.EFORBIDDEN)
	must(t, db.ReplaceCustomerValues(ctx, system, []rapport.CustomerValue{value(ana, 30), value(secret, 90)}))
	must(t, db.ReplaceCustomerValues(ctx, system, []rapport.CustomerValue{value(ana, 31.5), value(secret, 91)}))
	v, err := db.FindCustomerValue(ctx, f.sales, ana.ID)
	must(t, err)
	if v == nil || v.LifetimeValue != 31.5 || v.Revenue.String() != "42.50" || v.Recency != 5 || !v.LastAt.Equal(day) {
		t.Errorf("got %+v, want the second run's value of Ana", v)
	}
	if v, err := db.FindCustomerValue(ctx, f.sales, bo.ID); err != nil || v != nil {
		t.Errorf("got %+v, %v for a customer without a value, want nil", v, err)
	}
	_, err = db.FindCustomerValue(ctx, f.sales, secret.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	if v, err := db.FindCustomerValue(ctx, f.deals, secret.ID); err != nil || v == nil || v.LifetimeValue != 91 {
		t.Errorf("the wall's team got %+v, %v", v, err)
	}
}
