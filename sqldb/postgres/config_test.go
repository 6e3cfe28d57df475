package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rapportckm/rapport/sqldb/postgres"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// TestSessionSettings checks what a connection runs with: Rapport's settings where
// the URL names none, the URL's where it does.
func TestSessionSettings(t *testing.T) {
	base := sqldbtest.PostgresURL(t)
	for _, c := range []struct{ query, planCache, jit string }{
		{"", "force_generic_plan", "off"},
		{"&plan_cache_mode=auto&jit=on", "auto", "on"},
	} {
		config, _, err := postgres.ConnConfig(base + c.query)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := pgx.ConnectConfig(context.Background(), config)
		if err != nil {
			t.Fatal(err)
		}
		var planCache, jit string
		err = conn.QueryRow(context.Background(), `SELECT current_setting('plan_cache_mode'), current_setting('jit')`).Scan(&planCache, &jit)
		conn.Close(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if planCache != c.planCache || jit != c.jit {
			t.Errorf("URL with %q: plan_cache_mode %s, jit %s; want %s, %s", c.query, planCache, jit, c.planCache, c.jit)
		}
	}
}
