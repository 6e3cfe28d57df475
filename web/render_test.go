package web

import (
	"net/url"
	"testing"
)

// TestPagerLinks: the next page keeps the list's filters with the new cursor; the way
// back to the first page drops the cursor and keeps the filters.
func TestPagerLinks(t *testing.T) {
	first := pagerLinks("/customers", url.Values{"kind": {"person"}}, "abc")
	if first != (pageLinks{NextURL: "/customers?cursor=abc&kind=person"}) {
		t.Errorf("first page: got %+v", first)
	}
	later := pagerLinks("/customers", url.Values{"kind": {"person"}, "cursor": {"abc"}}, "def")
	if later != (pageLinks{NextURL: "/customers?cursor=def&kind=person", FirstURL: "/customers?kind=person"}) {
		t.Errorf("a later page: got %+v", later)
	}
	if last := pagerLinks("/feedback", url.Values{"cursor": {"def"}}, ""); last != (pageLinks{FirstURL: "/feedback"}) {
		t.Errorf("the last page: got %+v", last)
	}
}
