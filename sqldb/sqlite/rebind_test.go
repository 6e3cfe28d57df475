package sqlite

import (
	"reflect"
	"testing"
)

func TestRebind(t *testing.T) {
	for _, tt := range []struct {
		query, want    string
		args, wantArgs []any
	}{
		{"SELECT 1", "SELECT 1", nil, nil},
		{"SELECT $1, $2", "SELECT ?, ?", []any{"a", "b"}, []any{"a", "b"}},
		{"SELECT $2, $1, $2", "SELECT ?, ?, ?", []any{"a", "b"}, []any{"b", "a", "b"}},
		{"SELECT '$1', $1 WHERE x = 'it''s $2'", "SELECT '$1', ? WHERE x = 'it''s $2'", []any{"a"}, []any{"a"}},
		{"SELECT $12", "SELECT ?", []any{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, []any{12}},
	} {
		got, gotArgs := dialect{}.Rebind(tt.query, tt.args)
		if got != tt.want || !reflect.DeepEqual(gotArgs, tt.wantArgs) {
			t.Errorf("Rebind(%q, %v) = %q, %v; want %q, %v", tt.query, tt.args, got, gotArgs, tt.want, tt.wantArgs)
		}
	}
}

// TestRebindKeyedByArguments checks that a rewriting kept for one number of arguments
// is not used for another: a placeholder beyond the arguments stays as it is.
func TestRebindKeyedByArguments(t *testing.T) {
	for range 2 { // the second time from what the first kept
		if got, _ := (dialect{}).Rebind("SELECT $1, $2", []any{"a", "b"}); got != "SELECT ?, ?" {
			t.Errorf("with two arguments: %q", got)
		}
		if got, args := (dialect{}).Rebind("SELECT $1, $2", []any{"a"}); got != "SELECT ?, $2" || len(args) != 1 {
			t.Errorf("with one argument: %q %v", got, args)
		}
	}
}
