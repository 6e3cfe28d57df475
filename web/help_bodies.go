package web

import (
	"html/template"
	"sync"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
)

// renderedBodies keeps the articles' bodies rendered from Markdown, which costs more
// than reading the article: an article page renders the same body for every reader.
// An entry is used only for the very text it was rendered from (compared in full), so
// a new version shows at once.
type renderedBodies struct {
	mu    sync.Mutex
	m     map[rapport.ID]renderedBody
	bytes int // of the sources and their renderings kept
}

type renderedBody struct {
	src  string
	html template.HTML
}

// maxRenderedBytes bounds the text kept; when it is full, the cache starts again.
const maxRenderedBytes = 64 << 20

func (b *renderedBodies) render(id rapport.ID, src string) template.HTML {
	b.mu.Lock()
	e, ok := b.m[id]
	b.mu.Unlock()
	if ok && e.src == src {
		return e.html
	}
	html := markdown.Render(src)
	b.mu.Lock()
	size := len(src) + len(html)
	if b.m == nil || b.bytes+size > maxRenderedBytes {
		b.m, b.bytes = make(map[rapport.ID]renderedBody), 0
	}
	if old, ok := b.m[id]; ok {
		b.bytes -= len(old.src) + len(old.html)
	}
	b.m[id] = renderedBody{src: src, html: html}
	b.bytes += size
	b.mu.Unlock()
	return html
}
