package dashboard

import (
	"fmt"
	"html/template"
	"io"
	"sort"
	"time"
)

var reportTmpl = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 16px; color: #222; }
table { border-collapse: collapse; } td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
svg { border: 1px solid #ddd; background: #fff; }
</style></head><body>
<h1>{{.Title}}</h1>
<p>{{.Done}} tasks in {{printf "%.2f" .Wall}} s wall, {{printf "%.2f" .TaskSeconds}} s of task time; peak memory held {{.Peak}}.</p>
<h2>Per op kind</h2>
<table><tr><th>kind</th><th>tasks</th><th>task time (s)</th><th>share</th><th>mean per task (ms)</th></tr>
{{range .Kinds}}<tr><td><span style="color:{{.Color}}">&#9632;</span> {{.Kind}}</td><td class="n">{{.Done}}</td><td class="n">{{printf "%.3f" .Seconds}}</td><td class="n">{{printf "%.1f" .Share}}%</td><td class="n">{{printf "%.3f" .Mean}}</td></tr>
{{end}}</table>
<h2>Timeline</h2>
<svg width="{{.W}}" height="{{.H}}">{{range .Rects}}<rect x="{{printf "%.2f" .X}}" y="{{.Y}}" width="{{printf "%.2f" .Width}}" height="{{.Height}}" fill="{{.Color}}"><title>{{.Title}}</title></rect>{{end}}
{{range .Labels}}<text x="2" y="{{.Y}}" font-size="10">{{.Text}}</text>{{end}}</svg>
<p>Timeline shows the last {{.Shown}} tasks (of {{.Done}}); rows are workers.</p>
</body></html>
`))

var palette = []string{"#3b7dd8", "#d8893b", "#4caf50", "#9c27b0", "#e53935", "#00897b", "#795548", "#607d8b"}

// WriteReport writes a self-contained HTML performance report of what the
// recorder saw: totals per op kind and a timeline of recent tasks per
// worker. It needs no network access to view.
func (r *Recorder) WriteReport(w io.Writer, title string) error {
	s := r.State()
	type kindRow struct {
		KindProgress
		Color       string
		Share, Mean float64
	}
	type rect struct {
		X, Width     float64
		Y, Height    int
		Color, Title string
	}
	type label struct {
		Y    int
		Text string
	}
	total := 0.0
	for _, k := range s.Kinds {
		total += k.Seconds
	}
	colors := map[string]string{}
	var kinds []kindRow
	sort.Slice(s.Kinds, func(i, j int) bool { return s.Kinds[i].Seconds > s.Kinds[j].Seconds })
	for i, k := range s.Kinds {
		c := palette[i%len(palette)]
		colors[k.Kind] = c
		row := kindRow{KindProgress: k, Color: c}
		if total > 0 {
			row.Share = 100 * k.Seconds / total
		}
		if k.Done > 0 {
			row.Mean = 1000 * k.Seconds / float64(k.Done)
		}
		kinds = append(kinds, row)
	}
	const W = 1000
	var t0, t1 time.Duration = -1, 0
	workers := map[string]int{}
	var order []string
	for _, e := range s.Stream {
		if t0 < 0 || e.Start < t0 {
			t0 = e.Start
		}
		t1 = max(t1, e.End)
		if _, ok := workers[e.Worker]; !ok {
			workers[e.Worker] = len(order)
			order = append(order, e.Worker)
		}
	}
	span := float64(t1 - t0)
	if span <= 0 {
		span = 1
	}
	rowH := 18
	var rects []rect
	for _, e := range s.Stream {
		x := float64(e.Start-t0) / span * (W - 60)
		rects = append(rects, rect{X: 60 + x, Width: max(0.5, float64(e.End-e.Start)/span*(W-60)), Y: 4 + workers[e.Worker]*rowH, Height: rowH - 4,
			Color: colors[e.Kind], Title: fmt.Sprintf("%s %s %.3f ms", e.Kind, e.Key, float64(e.End-e.Start)/1e6)})
	}
	var labels []label
	for i, wname := range order {
		labels = append(labels, label{Y: 4 + i*rowH + 12, Text: wname})
	}
	return reportTmpl.Execute(w, map[string]any{
		"Title": title, "Done": s.Done, "Wall": s.Elapsed.Seconds(), "TaskSeconds": total, "Peak": humanBytes(s.PeakBytes),
		"Kinds": kinds, "Rects": rects, "Labels": labels, "W": W, "H": 8 + max(1, len(order))*rowH, "Shown": len(s.Stream),
	})
}

func humanBytes(n int64) string {
	f := float64(n)
	for _, u := range []string{"B", "kB", "MB", "GB"} {
		if f < 1000 || u == "GB" {
			return fmt.Sprintf("%.1f %s", f, u)
		}
		f /= 1000
	}
	return ""
}
