package dashboard

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

//go:embed page.html
var page []byte

// Handler serves the dashboard of rec, with no authentication of its own
// (Serve adds the token check; mount Handler only behind one):
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

// Server is a running dashboard. Its methods are safe for concurrent use.
type Server struct {
	srv   *http.Server
	ln    net.Listener
	token string
}

// ServeOption configures Serve.
type ServeOption func(*serveConfig)

type serveConfig struct{ token string }

// WithToken sets the token the dashboard asks for (a fresh random 256-bit
// one when not given or empty). Share it only with those who may see the
// computation: task keys, worker addresses and memory.
func WithToken(token string) ServeOption {
	return func(c *serveConfig) { c.token = token }
}

// Serve starts a dashboard for rec on addr and returns once it listens.
// An address with an empty host (":8787", ":0", or "") listens on
// 127.0.0.1 only, to be reached through an SSH tunnel (see the package
// doc); name a host ("0.0.0.0:8787", "10.1.2.3:8787") to listen elsewhere.
//
// Every request except /health must carry the dashboard's token, on any
// listener (loopback is shared by every user of a login node): as
// ?token=… in the URL (which also sets a cookie, so the page and its
// polling need nothing more; on / it then redirects to the same page
// without the token), as that cookie, or as an "Authorization: Bearer …"
// header (Prometheus scrapes of /metrics, curl). Others get 401. URL
// returns an address that carries the token.
func Serve(addr string, rec *Recorder, opts ...ServeOption) (*Server, error) {
	var c serveConfig
	for _, o := range opts {
		o(&c)
	}
	if c.token == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("dashboard: token: %w", err)
		}
		c.token = hex.EncodeToString(b)
	}
	listen, err := defaultLoopback(addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("dashboard: listen %s: %w", addr, err)
	}
	s := &Server{ln: ln, token: c.token, srv: &http.Server{Handler: requireToken(c.token, Handler(rec)), ReadHeaderTimeout: 5 * time.Second}}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // Serve only fails when the listener breaks; Close reports nothing more useful
		}
	}()
	return s, nil
}

// defaultLoopback puts 127.0.0.1 in an address with an empty host.
func defaultLoopback(addr string) (string, error) {
	if addr == "" {
		return "127.0.0.1:0", nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("dashboard: address %q: %w", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// URL is the dashboard's address with its token, e.g.
// http://127.0.0.1:8787/?token=…; give it to the browser (through an SSH
// tunnel from elsewhere, see the package doc).
func (s *Server) URL() string {
	return "http://" + s.ln.Addr().String() + "/?token=" + url.QueryEscape(s.token)
}

// Addr is the address the dashboard listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Token is the token requests must carry.
func (s *Server) Token() string { return s.token }

// Close stops the server.
func (s *Server) Close(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// requireToken lets through requests for /health and those that carry
// token (query, cookie, or bearer header); see Serve.
func requireToken(token string, h http.Handler) http.Handler {
	sum := sha256.Sum256([]byte(token))
	// One cookie per token, so dashboards on several ports of one host do
	// not overwrite each other's cookie in a browser.
	cookie := "tessera-dashboard-" + hex.EncodeToString(sum[:4])
	ok := func(got string) bool {
		g := sha256.Sum256([]byte(got))
		return subtle.ConstantTimeCompare(g[:], sum[:]) == 1
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" {
			h.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		if t, has := q["token"]; has {
			if len(t) != 1 || !ok(t[0]) {
				deny(w)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: cookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			if r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
				q.Del("token")
				u := url.URL{Path: "/", RawQuery: q.Encode()}
				w.Header().Set("Cache-Control", "no-store")
				w.Header().Set("Referrer-Policy", "no-referrer")
				http.Redirect(w, r, u.String(), http.StatusSeeOther)
				return
			}
			h.ServeHTTP(w, r)
			return
		}
		if c, err := r.Cookie(cookie); err == nil && ok(c.Value) {
			h.ServeHTTP(w, r)
			return
		}
		if b, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); found && ok(b) {
			h.ServeHTTP(w, r)
			return
		}
		deny(w)
	})
}

func deny(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="tessera dashboard"`)
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "tessera dashboard: missing or wrong token; open the URL printed when the dashboard started (it ends in ?token=...)", http.StatusUnauthorized)
}
