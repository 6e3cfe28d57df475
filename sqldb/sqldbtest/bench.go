package sqldbtest

import (
	"fmt"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

// BenchmarkIngest measures IngestInteractions: 10,000 customers, transactions of 10,000
// interactions each. Grouped rows come customer by customer, as an export sorted by
// customer does; scattered rows spread over all customers, as a time-ordered export does.
func BenchmarkIngest(b *testing.B, db *sqldb.DB, grouped bool) {
	const customers, batch = 10000, 10000
	var incoming []rapport.IncomingCustomer
	for i := range customers {
		incoming = append(incoming, rapport.IncomingCustomer{Source: "crm", SourceKey: fmt.Sprint("C-", i),
			Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: "Bench", FamilyName: fmt.Sprint("Customer ", i)}})
	}
	res, err := db.IngestCustomers(ctx, system, incoming)
	if err != nil || res.Created != customers {
		b.Fatalf("create customers: %+v %v", res.Errors, err)
	}
	ids := make([]rapport.ID, customers)
	for i, it := range res.Items {
		ids[i] = it.CustomerID
	}
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	amount := rapport.Amount(199000)
	rows := make([]rapport.IncomingInteraction, batch)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for i := range rows {
			c := (n + i) % customers
			if grouped {
				c = ((n + i) / 100) % customers
			}
			rows[i] = rapport.IncomingInteraction{Interaction: rapport.Interaction{CustomerID: ids[c], Type: "order", Channel: "web",
				OccurredAt: base.Add(time.Duration(n+i) * time.Minute), Source: "shop", SourceKey: fmt.Sprint("O-", n+i),
				Summary: "Order with 3 items", Amount: &amount, Currency: "EUR"}}
		}
		n += batch
		res, err := db.IngestInteractions(ctx, system, rows)
		if err != nil || res.Created != batch {
			b.Fatalf("got %+v %v", res.Errors, err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}
