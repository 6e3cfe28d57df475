package web

import (
	"net/http/httptest"
	"testing"
)

// TestClientAddr: behind a proxy the client's address is the last one the proxy added
// to X-Forwarded-For; the entries before it are the client's to write.
func TestClientAddr(t *testing.T) {
	for _, tt := range []struct {
		name  string
		trust bool
		fwd   []string
		want  string
	}{
		{"NoProxy", false, []string{"203.0.113.9"}, "192.0.2.1"},
		{"Proxy", true, []string{"203.0.113.9"}, "203.0.113.9"},
		{"ClientWroteTheFirst", true, []string{"10.9.9.9, 203.0.113.9"}, "203.0.113.9"},
		{"TwoHeaders", true, []string{"10.9.9.9", "203.0.113.9"}, "203.0.113.9"},
		{"NoHeader", true, nil, "192.0.2.1"},
		{"EmptyLast", true, []string{"10.9.9.9,"}, "192.0.2.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = "192.0.2.1:4242"
			for _, v := range tt.fwd {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := (&Server{TrustProxy: tt.trust}).clientAddr(r); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
