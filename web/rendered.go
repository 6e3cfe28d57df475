package web

import (
	"sync"
)

// renderCache keeps what was rendered from some input, by key: an entry is served only
// for an input equal to the one it was rendered from, so it is exactly as fresh as its
// input. The entries' sizes (as put tells them) are bounded by a budget; when it is
// full, the cache starts again.
type renderCache[K comparable, In any, Out any] struct {
	mu    sync.Mutex
	m     map[K]rendered[In, Out]
	bytes int
}

type rendered[In, Out any] struct {
	in   In
	out  Out
	size int
}

// get returns what was rendered for key from an input that same says is in.
func (c *renderCache[K, In, Out]) get(key K, in In, same func(a, b In) bool) (Out, bool) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if !ok || !same(e.in, in) {
		var none Out
		return none, false
	}
	return e.out, true
}

func (c *renderCache[K, In, Out]) put(key K, in In, out Out, size, budget int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.bytes+size > budget {
		c.m, c.bytes = make(map[K]rendered[In, Out]), 0
	}
	if old, ok := c.m[key]; ok {
		c.bytes -= old.size
	}
	c.m[key] = rendered[In, Out]{in: in, out: out, size: size}
	c.bytes += size
}
