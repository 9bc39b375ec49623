// Package progress draws a terminal progress bar for any cluster executor,
// using github.com/schollz/progressbar. Pass Bar's callback as the
// executor's progress function (cluster.LocalOptions.Progress or
// ndarray.WithProgress).
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/tessera-array/tessera/cluster"
)

// Bar is a terminal progress bar fed by cluster.Progress events. It is
// safe for use from one executor at a time; a new Run (Total changes or
// Done restarts) starts a new bar.
type Bar struct {
	w           io.Writer
	description string

	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	total int
	last  int
}

// New returns a bar writing to w (usually os.Stderr) with a description.
func New(w io.Writer, description string) *Bar { return &Bar{w: w, description: description} }

// Update is the callback for an executor: it advances the bar to p.Done of
// p.Total tasks, drawing the description, the percentage and "(Done/Total)",
// and ends the line when Done reaches Total. A Total that changes, or a
// Done that goes back, finishes the current bar and starts a new one.
// The other fields of p are not shown.
func (b *Bar) Update(p cluster.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar == nil || p.Total != b.total || p.Done < b.last {
		if b.bar != nil {
			_ = b.bar.Finish()
		}
		b.total, b.last = p.Total, 0
		b.bar = progressbar.NewOptions(p.Total,
			progressbar.OptionSetWriter(b.w),
			progressbar.OptionSetDescription(b.description),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(b.w) }),
		)
	}
	if p.Done > b.last {
		_ = b.bar.Add(p.Done - b.last)
		b.last = p.Done
	}
}

// Finish completes the bar if a run stopped early.
func (b *Bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil && !b.bar.IsFinished() {
		_ = b.bar.Finish()
	}
}
