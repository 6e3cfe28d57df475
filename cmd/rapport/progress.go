package main

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rapportckm/rapport/ingest"
)

// progress shows how an import goes: a bar redrawn on a terminal (rows, rows per
// second, the share of the file done and the time left, from the file's size), and a
// plain line every ten seconds otherwise.
type progress struct {
	w        *os.File // nil: plain lines to out
	out      func(string)
	name     string
	in       *input
	gzipped  bool // the rows' offsets are not the file's: the share is of the file read
	start    time.Time
	startPos int64

	mu   sync.Mutex
	rows int // rows done, runs before a resume included
	done int // rows done by this run
	last ingest.Progress
	tick *time.Ticker
	quit chan struct{}
	wg   sync.WaitGroup
}

// newProgress starts showing the progress of an import of in that resumes after the
// rows and bytes done before.
func newProgress(env *environment, name string, in *input, gzipped bool, before int, from int64) *progress {
	p := &progress{name: name, in: in, gzipped: gzipped, start: time.Now(), startPos: from, rows: before, quit: make(chan struct{})}
	p.last.End = from
	if gzipped {
		p.startPos = in.read.Load()
	}
	if f, ok := env.stderr.(*os.File); ok && isTerminal(f) {
		p.w = f
		p.tick = time.NewTicker(250 * time.Millisecond)
	} else {
		p.out = func(s string) { fmt.Fprintln(env.stderr, s) }
		p.tick = time.NewTicker(10 * time.Second)
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			select {
			case <-p.tick.C:
				p.draw()
			case <-p.quit:
				return
			}
		}
	}()
	return p
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// update takes the progress of a batch written.
func (p *progress) update(pr ingest.Progress) {
	p.mu.Lock()
	p.done, p.last = pr.Rows, pr
	p.mu.Unlock()
}

func (p *progress) line() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last.Line
}

func (p *progress) draw() {
	p.mu.Lock()
	// The share of the file done is where the rows written end: reading runs ahead.
	rows, done, pos := p.rows+p.done, p.done, p.last.End
	p.mu.Unlock()
	if p.gzipped {
		pos = p.in.read.Load()
	}
	elapsed := time.Since(p.start)
	rate := float64(done) / elapsed.Seconds()
	status := fmt.Sprintf("%s: %d rows, %.0f rows/s", p.name, rows, rate)
	if p.in.size > 0 {
		share := min(float64(pos)/float64(p.in.size), 1)
		eta := "?"
		if read := pos - p.startPos; read > 0 {
			eta = (time.Duration(float64(elapsed) * float64(p.in.size-pos) / float64(read))).Round(time.Second).String()
		}
		if p.w != nil {
			const width = 24
			filled := int(share * width)
			status = fmt.Sprintf("%s [%s%s] %3.0f%%, %d rows, %.0f rows/s, %s left", p.name,
				strings.Repeat("#", filled), strings.Repeat(".", width-filled), share*100, rows, rate, eta)
		} else {
			status += fmt.Sprintf(", %.0f%% of the file, %s left", share*100, eta)
		}
	}
	if p.w != nil {
		fmt.Fprintf(p.w, "\r%s\x1b[K", status)
	} else {
		p.out(status)
	}
}

// stop ends the display, clearing the bar.
func (p *progress) stop() {
	p.tick.Stop()
	close(p.quit)
	p.wg.Wait()
	if p.w != nil {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
