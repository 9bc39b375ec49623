package dashboard

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

//go:embed page.html
var page []byte

// Handler serves the dashboard of rec:
//
//	/            the live page (polls /api/state twice a second)
//	/api/state   the State as JSON
//	/health      "ok"
//	/metrics     Prometheus metrics (from the official client library,
//	             with a registry of its own, read from the recorder at
//	             scrape time so tasks pay nothing for them)
func Handler(rec *Recorder) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	mux.HandleFunc("GET /api/state", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(rec.State())
	})
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collector{rec})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}

var (
	descDone    = prometheus.NewDesc("tessera_tasks_done_total", "Tasks finished, by op kind.", []string{"kind"}, nil)
	descTotal   = prometheus.NewDesc("tessera_tasks_planned", "Tasks planned, by op kind.", []string{"kind"}, nil)
	descSeconds = prometheus.NewDesc("tessera_task_seconds_total", "Task run time summed, by op kind.", []string{"kind"}, nil)
	descRunning = prometheus.NewDesc("tessera_tasks_running", "Tasks running now.", nil, nil)
	descHeld    = prometheus.NewDesc("tessera_memory_held_bytes", "Bytes of values held and declared by running tasks.", nil, nil)
	descPeak    = prometheus.NewDesc("tessera_memory_peak_bytes", "The largest held bytes so far.", nil, nil)
	descWMem    = prometheus.NewDesc("tessera_worker_memory_bytes", "Memory used by a worker.", []string{"worker"}, nil)
	descWLimit  = prometheus.NewDesc("tessera_worker_memory_limit_bytes", "Memory limit of a worker.", []string{"worker"}, nil)
	descWSpill  = prometheus.NewDesc("tessera_worker_spilled_bytes", "Bytes a worker spilled to disk.", []string{"worker"}, nil)
	descWCores  = prometheus.NewDesc("tessera_worker_cores", "Cores (task slots) of a worker.", []string{"worker"}, nil)
)

// collector reads the recorder when Prometheus scrapes.
type collector struct{ rec *Recorder }

func (collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDone, descTotal, descSeconds, descRunning, descHeld, descPeak, descWMem, descWLimit, descWSpill, descWCores} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	s := c.rec.State()
	for _, k := range s.Kinds {
		ch <- prometheus.MustNewConstMetric(descDone, prometheus.CounterValue, float64(k.Done), k.Kind)
		ch <- prometheus.MustNewConstMetric(descTotal, prometheus.GaugeValue, float64(k.Total), k.Kind)
		ch <- prometheus.MustNewConstMetric(descSeconds, prometheus.CounterValue, k.Seconds, k.Kind)
	}
	ch <- prometheus.MustNewConstMetric(descRunning, prometheus.GaugeValue, float64(s.Running))
	ch <- prometheus.MustNewConstMetric(descHeld, prometheus.GaugeValue, float64(s.HeldBytes))
	ch <- prometheus.MustNewConstMetric(descPeak, prometheus.GaugeValue, float64(s.PeakBytes))
	for _, w := range s.Workers {
		ch <- prometheus.MustNewConstMetric(descWMem, prometheus.GaugeValue, float64(w.MemoryUsed), w.ID)
		ch <- prometheus.MustNewConstMetric(descWLimit, prometheus.GaugeValue, float64(w.MemoryLimit), w.ID)
		ch <- prometheus.MustNewConstMetric(descWSpill, prometheus.GaugeValue, float64(w.Spilled), w.ID)
		ch <- prometheus.MustNewConstMetric(descWCores, prometheus.GaugeValue, float64(w.Cores), w.ID)
	}
}

// Server is a running dashboard.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Serve starts a dashboard for rec on addr ("127.0.0.1:8787", or ":0" for
// any free port) and returns once it listens. URL says where.
func Serve(addr string, rec *Recorder) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dashboard: listen %s: %w", addr, err)
	}
	s := &Server{ln: ln, srv: &http.Server{Handler: Handler(rec), ReadHeaderTimeout: 5 * time.Second}}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // Serve only fails when the listener breaks; Close reports nothing more useful
		}
	}()
	return s, nil
}

// URL is the dashboard's address, e.g. http://127.0.0.1:8787/.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() + "/" }

// Close stops the server.
func (s *Server) Close(ctx context.Context) error { return s.srv.Shutdown(ctx) }
