package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// TestStatisticsKeptAsTablesGrow writes customers into an empty database in three
// bulk writes: the first, of more than a thousand, has the tables it grew analysed;
// the second, fewer than the table then holds, does not; the third, which brings what
// was added since to that size, does.
func TestStatisticsKeptAsTablesGrow(t *testing.T) {
	ctx := context.Background()
	db, raw := sqldbtest.PostgresAndSQL(t)
	// analyses counts the ANALYZE statements run on a table, not autovacuum's.
	analyses := func(table string) int64 {
		var n int64
		if err := raw.QueryRow(`SELECT analyze_count FROM pg_stat_user_tables WHERE relid = $1::regclass`, table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	next := 0
	write := func(n int) {
		rows := make([]rapport.IncomingCustomer, n)
		for i := range rows {
			next++
			rows[i] = rapport.IncomingCustomer{Source: "crm", SourceKey: fmt.Sprint("C-", next), Customer: rapport.Customer{
				Kind: rapport.KindPerson, GivenName: "Ada", FamilyName: fmt.Sprint("Number ", next),
				Emails: []rapport.ContactPoint{{Value: fmt.Sprintf("ada.%d@example.com", next)}}}}
		}
		res, err := db.IngestCustomers(ctx, rapport.SystemScope("test"), rows)
		if err != nil || res.Created != n {
			t.Fatalf("wrote %+v, %v; want %d created", res, err, n)
		}
	}
	for _, step := range []struct {
		write int
		want  int64
	}{{1200, 1}, {600, 1}, {700, 2}} {
		write(step.write)
		for _, table := range []string{"customers", "source_records"} {
			if got := analyses(table); got != step.want {
				t.Errorf("after writing %d customers, %d in all: %s analysed %d times, want %d", step.write, next, table, got, step.want)
			}
		}
	}
}
