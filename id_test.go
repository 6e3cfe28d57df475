package rapport_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

func TestID(t *testing.T) {
	a, b := rapport.NewID(), rapport.NewID()
	if a.String() >= b.String() {
		t.Errorf("got %s then %s, want ids made later to sort later", a, b)
	}
	if a[6]>>4 != 7 || a[8]>>6 != 2 {
		t.Errorf("got %s, want UUID version 7 and the RFC 9562 variant", a)
	}
	if d := time.Since(a.Time()); d < 0 || d > time.Minute {
		t.Errorf("got time %v, want about now", a.Time())
	}
	parsed, err := rapport.ParseID(a.String())
	if err != nil || parsed != a {
		t.Errorf("ParseID(%s) = %v, %v", a, parsed, err)
	}
	for _, bad := range []string{"", "42", "0190a5e4-7c1d-7b3e-9f00-3c5d2e1a4b6", "0190a5e4x7c1d-7b3e-9f00-3c5d2e1a4b6f", "0190a5e4-7c1d-7b3e-9f00-3c5d2e1a4bzz"} {
		if _, err := rapport.ParseID(bad); rapport.ErrorCode(err) != rapport.EINVALID {
			t.Errorf("ParseID(%q): got %v, want an invalid error", bad, err)
		}
	}
	b1, _ := json.Marshal(struct {
		ID    rapport.ID `json:"id"`
		Owner rapport.ID `json:"owner,omitzero"`
	}{ID: a})
	if string(b1) != `{"id":"`+a.String()+`"}` {
		t.Errorf("got %s, want the id as a string and a zero id left out", b1)
	}
	var back struct{ ID rapport.ID }
	if err := json.Unmarshal(b1, &back); err != nil || back.ID != a {
		t.Errorf("got %v %v", back.ID, err)
	}
	var scanned rapport.ID
	for _, src := range []any{a[:], a.String(), []byte(a.String())} {
		if err := scanned.Scan(src); err != nil || scanned != a {
			t.Errorf("Scan(%T) = %v, %v", src, scanned, err)
		}
	}
	for _, empty := range []any{nil, ""} {
		if err := scanned.Scan(empty); err != nil || !scanned.IsZero() {
			t.Errorf("Scan(%#v) = %v, %v, want the zero id", empty, scanned, err)
		}
		scanned = a
	}
	if v, _ := (rapport.ID{}).Value(); v != nil {
		t.Errorf("got %v, want the zero id stored as NULL", v)
	}
}

func TestIDsStayOrderedWithinAMillisecond(t *testing.T) {
	prev := rapport.NewID()
	for range 20000 {
		id := rapport.NewID()
		if id.String() <= prev.String() {
			t.Fatalf("got %s after %s", id, prev)
		}
		prev = id
	}
}
