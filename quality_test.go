package rapport

import "testing"

func TestOwnerQualityCurrent(t *testing.T) {
	for _, c := range []struct{ customers, stale, want int }{
		{0, 0, 0}, {3, 0, 100}, {3, 3, 0}, {3, 1, 67}, {8, 1, 88}, {200, 1, 100}, {200, 199, 1},
	} {
		if got := (OwnerQuality{Customers: c.customers, Stale: c.stale}).Current(); got != c.want {
			t.Errorf("%d customers, %d stale: %d %% current, want %d", c.customers, c.stale, got, c.want)
		}
	}
}
