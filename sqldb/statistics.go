package sqldb

import (
	"context"
	"sync"
)

// Bulk writes can grow a table many times over in minutes: a first import into an
// empty PostgreSQL database. The planner's statistics, which autovacuum refreshes at
// most about once a minute, then still describe the empty table, and so do the plans
// made from them and kept with the prepared statements: lookups of a few rows by an
// indexed column planned as scans of the whole table, each longer as the table grows.
// So once the rows this process has added to a table since it last counted them reach
// the table's size then (and at least minGrowth), it analyses the table again: a number
// of times that grows with the logarithm of the growth, each one making PostgreSQL plan
// the statements that read the table anew. A large table that an import adds little to
// is never analysed for it.
type statistics struct {
	mu    sync.Mutex
	added map[string]int64 // rows added to each table since its size was last read
	size  map[string]int64 // the table's rows as last counted
}

// minGrowth is the fewest rows added to a table that are worth analysing it again.
const minGrowth = 1000

// grew counts rows that a committed bulk write added to each of tables, and analyses
// those that have doubled since their rows were last counted. A failure leaves the
// statistics as they were (the write is done): it is tried again after the next write.
func (db *DB) grew(ctx context.Context, added int, tables ...string) {
	if added <= 0 {
		return
	}
	st := &db.stats
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.added == nil {
		st.added, st.size = map[string]int64{}, map[string]int64{}
	}
	for _, table := range tables {
		analyze, rows := db.dialect.Statistics(table)
		if analyze == "" {
			return
		}
		if _, known := st.size[table]; !known {
			var n int64
			if err := db.write.QueryRowContext(ctx, rows).Scan(&n); err != nil {
				continue
			}
			st.size[table] = n
		}
		st.added[table] += int64(added)
		if st.added[table] < max(minGrowth, st.size[table]) {
			continue
		}
		var n int64
		if _, err := db.write.ExecContext(ctx, analyze); err != nil {
			continue
		}
		if err := db.write.QueryRowContext(ctx, rows).Scan(&n); err != nil {
			continue
		}
		st.added[table], st.size[table] = 0, n
	}
}
