package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/dashboard/dashtest"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

type val struct{}

func (val) Nbytes() int64 { return 1 << 10 }

// sleepOp is a task that takes a set time, for a computation of known
// length.
type sleepOp struct{ Ms int }

func (sleepOp) Kind() string { return "dashboardtest.sleep" }
func (o sleepOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	select {
	case <-time.After(time.Duration(o.Ms) * time.Millisecond):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return val{}, nil
}

type joinOp struct{}

func (joinOp) Kind() string { return "dashboardtest.join" }
func (joinOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	return val{}, nil
}

func init() {
	cluster.Register("dashboardtest.sleep", func() cluster.Op { return &sleepOp{} })
	cluster.Register("dashboardtest.join", func() cluster.Op { return &joinOp{} })
}

// graph is n sleeping tasks joined in groups of 10, then one root.
func graph(n, ms int) (*cluster.Graph, cluster.Key) {
	g := cluster.NewGraph()
	var groups []cluster.Key
	var cur []cluster.Key
	for i := range n {
		k := cluster.Key(fmt.Sprintf("s%d", i))
		_ = g.Add(cluster.Task{Key: k, Op: sleepOp{Ms: ms}, Bytes: 1 << 10})
		cur = append(cur, k)
		if len(cur) == 10 || i == n-1 {
			gk := cluster.Key(fmt.Sprintf("j%d", len(groups)))
			_ = g.Add(cluster.Task{Key: gk, Op: joinOp{}, Inputs: cur})
			groups = append(groups, gk)
			cur = nil
		}
	}
	_ = g.Add(cluster.Task{Key: "root", Op: joinOp{}, Inputs: groups})
	return g, "root"
}

func runGraph(t testing.TB, rec *Recorder, n, ms int) {
	g, root := graph(n, ms)
	rec.Plan(g)
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: 2, MemoryBudget: 1 << 30, Progress: rec.Progress})
	if err := ex.Run(context.Background(), g, []cluster.Key{root}, func(cluster.Key, cluster.Value) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

func TestAPIAndMetricsMatchState(t *testing.T) {
	rec := NewRecorder(Options{LocalCores: 2, MemoryLimit: 1 << 30})
	runGraph(t, rec, 50, 1)
	srv := httptest.NewServer(Handler(rec))
	defer srv.Close()
	var s State
	resp, err := http.Get(srv.URL + "/api/state")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&s)
	resp.Body.Close()
	if s.Done != 56 || s.Total != 56 || len(s.Kinds) != 2 || s.Kinds[1].Kind != "dashboardtest.sleep" || s.Kinds[1].Done != 50 || s.Kinds[1].Total != 50 {
		t.Fatalf("state %+v", s)
	}
	if len(s.Workers) != 1 || s.Workers[0].Cores != 2 || s.Workers[0].MemoryLimit != 1<<30 || len(s.Stream) != 56 {
		t.Fatalf("workers %+v stream %d", s.Workers, len(s.Stream))
	}
	body := get(t, srv.URL+"/metrics")
	for _, want := range []string{
		`tessera_tasks_done_total{kind="dashboardtest.sleep"} 50`,
		`tessera_tasks_planned{kind="dashboardtest.join"} 6`,
		`tessera_worker_cores{worker="local"} 2`,
		`tessera_worker_memory_limit_bytes{worker="local"} 1.073741824e+09`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	if h := get(t, srv.URL+"/health"); h != "ok\n" {
		t.Fatalf("health %q", h)
	}
	if p := get(t, srv.URL+"/"); !strings.Contains(p, `id="workers"`) {
		t.Fatal("page missing")
	}
}

func get(t *testing.T, url string) string {
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestReport(t *testing.T) {
	rec := NewRecorder(Options{})
	runGraph(t, rec, 30, 1)
	var buf bytes.Buffer
	if err := rec.WriteReport(&buf, "mean of things"); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if n := strings.Count(html, "<rect "); n != 34 {
		t.Fatalf("%d timeline rects, want 34", n)
	}
	for _, want := range []string{"<h1>mean of things</h1>", "dashboardtest.sleep", "34 tasks", "<svg"} {
		if !strings.Contains(html, want) {
			t.Fatalf("report lacks %q", want)
		}
	}
	if strings.Contains(html, "http://") || strings.Contains(html, "https://") {
		t.Fatal("report refers to the network; it must be self-contained")
	}
}

var doneRE = regexp.MustCompile(`id="done">(\d+)<`)

// TestDashboardInChromium loads the dashboard in headless Chromium while a
// computation runs, checks the rendered DOM (the worker is listed, progress
// advances between two loads) and saves a screenshot.
func TestDashboardInChromium(t *testing.T) {
	bin := dashtest.Chromium(t)
	rec := NewRecorder(Options{LocalCores: 2, MemoryLimit: 1 << 30})
	srv, err := Serve("127.0.0.1:0", rec)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		runGraph(t, rec, 300, 40) // about 6 s on 2 workers
	}()
	time.Sleep(300 * time.Millisecond)
	var counts []int
	for range 2 {
		dom := dashtest.Headless(t, bin, "--virtual-time-budget=1500", "--dump-dom", srv.URL())
		if !strings.Contains(dom, `class="worker" data-id="local"`) {
			t.Fatalf("worker not listed in the rendered page:\n%.2000s", dom)
		}
		if !strings.Contains(dom, `data-kind="dashboardtest.sleep"`) {
			t.Fatalf("progress bar for the op kind missing:\n%.2000s", dom)
		}
		m := doneRE.FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("no task count in the page:\n%.2000s", dom)
		}
		n, _ := strconv.Atoi(m[1])
		counts = append(counts, n)
		time.Sleep(time.Second)
	}
	shot := filepath.Join(t.TempDir(), "dashboard.png")
	dashtest.Headless(t, bin, "--virtual-time-budget=1500", "--window-size=1000,800", "--screenshot="+shot, srv.URL())
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 1000 {
		t.Fatalf("screenshot: %v", err)
	}
	if os.Getenv("TESSERA_KEEP_SCREENSHOT") != "" {
		b, _ := os.ReadFile(shot)
		os.WriteFile(os.Getenv("TESSERA_KEEP_SCREENSHOT"), b, 0o644)
	}
	<-done
	// Without the token the browser gets nothing but the refusal.
	bare := "http://" + srv.Addr().String() + "/"
	if dom := dashtest.Headless(t, bin, "--virtual-time-budget=1500", "--dump-dom", bare); strings.Contains(dom, `data-id="local"`) || !strings.Contains(dom, "missing or wrong token") {
		t.Fatalf("dashboard without its token rendered:\n%.2000s", dom)
	}
	t.Logf("tasks done as rendered: %v of %d; screenshot %s", counts, rec.State().Total, shot)
	if !(counts[0] > 0 && counts[1] > counts[0] && counts[1] < rec.State().Total) {
		t.Fatalf("progress did not advance while running: %v", counts)
	}
}

// BenchmarkOverhead runs a 10,000-task computation with and without a
// recorder and a dashboard server being polled; compare the two ns/op.
func BenchmarkOverhead(b *testing.B) {
	for _, withDash := range []bool{false, true} {
		b.Run(fmt.Sprintf("dashboard=%v", withDash), func(b *testing.B) {
			for b.Loop() {
				g, root := graph(10000, 0)
				opts := cluster.LocalOptions{Workers: 2}
				var stop func()
				if withDash {
					rec := NewRecorder(Options{})
					rec.Plan(g)
					opts.Progress = rec.Progress
					srv := httptest.NewServer(Handler(rec))
					quit := make(chan struct{})
					go func() { // a browser polling twice a second
						for {
							select {
							case <-quit:
								return
							case <-time.After(500 * time.Millisecond):
								if r, err := http.Get(srv.URL + "/api/state"); err == nil {
									io.Copy(io.Discard, r.Body)
									r.Body.Close()
								}
							}
						}
					}()
					stop = func() { close(quit); srv.Close() }
				}
				ex := cluster.NewLocal(opts)
				if err := ex.Run(context.Background(), g, []cluster.Key{root}, func(cluster.Key, cluster.Value) error { return nil }); err != nil {
					b.Fatal(err)
				}
				if stop != nil {
					stop()
				}
			}
		})
	}
}

// BenchmarkOverheadMean is the realistic case: the mean of a random array
// in 10,000 blocks (about 50 µs of work each), with and without the
// recorder feeding a served, polled dashboard.
func BenchmarkOverheadMean(b *testing.B) {
	for _, withDash := range []bool{false, true} {
		b.Run(fmt.Sprintf("dashboard=%v", withDash), func(b *testing.B) {
			a := ndarray.Random([]int{10000, 7500, 10}, chunk.PerAxis(50, 150, 10), 1)
			for b.Loop() {
				opts := cluster.LocalOptions{Workers: 2}
				var srv *httptest.Server
				if withDash {
					rec := NewRecorder(Options{})
					opts.Progress = rec.Progress
					srv = httptest.NewServer(Handler(rec))
				}
				if _, err := reduce.Mean(a).Compute(context.Background(), ndarray.WithExecutor(cluster.NewLocal(opts))); err != nil {
					b.Fatal(err)
				}
				if srv != nil {
					srv.Close()
				}
			}
		})
	}
}

// An address with an empty host listens on loopback only, never on every
// interface.
func TestServeListensOnLoopbackByDefault(t *testing.T) {
	for _, addr := range []string{":0", ""} {
		srv, err := Serve(addr, NewRecorder(Options{}))
		require.NoError(t, err, "addr %q", addr)
		tcp, ok := srv.Addr().(*net.TCPAddr)
		require.True(t, ok)
		assert.True(t, tcp.IP.IsLoopback(), "Serve(%q) listens on %v", addr, tcp)
		u, err := url.Parse(srv.URL())
		require.NoError(t, err)
		assert.Equal(t, "127.0.0.1", u.Hostname(), "URL %s", srv.URL())
		if ip := nonLoopbackIP(); ip != "" { // not reachable from the network
			c, err := net.DialTimeout("tcp", net.JoinHostPort(ip, strconv.Itoa(tcp.Port)), 2*time.Second)
			if err == nil {
				c.Close()
			}
			assert.Error(t, err, "Serve(%q) reachable at %s", addr, ip)
		}
		srv.Close(context.Background())
	}
}

// nonLoopbackIP is one of this machine's non-loopback IPv4 addresses ("" if
// none).
func nonLoopbackIP() string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}

// Every path but /health needs the token, on loopback and on every
// interface: in the query (which sets a cookie and, on /, redirects to a
// URL without it), as the cookie, or as a bearer header (Prometheus).
func TestServeRequiresToken(t *testing.T) {
	rec := NewRecorder(Options{LocalCores: 2})
	runGraph(t, rec, 20, 0)
	for _, listen := range []string{"127.0.0.1:0", "0.0.0.0:0"} {
		t.Run(listen, func(t *testing.T) {
			srv, err := Serve(listen, rec, WithToken("s3cret-token"))
			require.NoError(t, err)
			defer srv.Close(context.Background())
			host := "127.0.0.1"
			if listen == "0.0.0.0:0" {
				if ip := nonLoopbackIP(); ip != "" {
					host = ip // as a client on another machine would come
				}
			}
			base := "http://" + net.JoinHostPort(host, strconv.Itoa(srv.Addr().(*net.TCPAddr).Port))
			assert.Equal(t, "s3cret-token", srv.Token())
			assert.True(t, strings.HasSuffix(srv.URL(), "/?token=s3cret-token"), srv.URL())
			noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			do := func(c *http.Client, path string, hdr map[string]string) (*http.Response, string) {
				req, err := http.NewRequest("GET", base+path, nil)
				require.NoError(t, err)
				for k, v := range hdr {
					req.Header.Set(k, v)
				}
				resp, err := c.Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp, string(b)
			}
			for _, path := range []string{"/", "/api/state", "/metrics", "/?token=wrong", "/api/state?token=", "/metrics?token=s3cret-tokenX"} {
				resp, body := do(noRedirect, path, nil)
				assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "GET %s", path)
				assert.NotContains(t, body, `"workers"`, "GET %s leaks state", path)
				assert.NotContains(t, body, "tessera_", "GET %s leaks metrics", path)
			}
			for _, hdr := range []map[string]string{
				{"Authorization": "Bearer wrong"}, {"Authorization": "s3cret-token"},
				{"Cookie": "tessera-dashboard-00000000=s3cret-token"},
			} {
				resp, _ := do(noRedirect, "/api/state", hdr)
				assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "header %v", hdr)
			}
			resp, body := do(noRedirect, "/health", nil)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "ok\n", body)

			// The printed URL: a cookie, then the page without the token.
			resp, _ = do(noRedirect, "/?token=s3cret-token", nil)
			assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
			assert.Equal(t, "/", resp.Header.Get("Location"))
			require.Len(t, resp.Cookies(), 1)
			ck := resp.Cookies()[0]
			assert.True(t, ck.HttpOnly)
			assert.Equal(t, http.SameSiteStrictMode, ck.SameSite)
			jar, err := cookiejar.New(nil)
			require.NoError(t, err)
			browser := &http.Client{Jar: jar}
			resp, body = do(browser, "/?token=s3cret-token", nil)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "/", resp.Request.URL.Path)
			assert.Empty(t, resp.Request.URL.RawQuery, "token left in the address bar")
			assert.Contains(t, body, `id="workers"`)
			resp, body = do(browser, "/api/state", nil) // the page's polling
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			var st State
			require.NoError(t, json.Unmarshal([]byte(body), &st))
			assert.Equal(t, 23, st.Done)

			resp, body = do(noRedirect, "/metrics", map[string]string{"Authorization": "Bearer s3cret-token"})
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, body, `tessera_tasks_done_total{kind="dashboardtest.sleep"} 20`)
			resp, body = do(noRedirect, "/api/state?token=s3cret-token", nil) // curl
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, body, `"workers"`)
		})
	}
}

// Without WithToken every server gets its own random token.
func TestServeMakesRandomTokens(t *testing.T) {
	a, err := Serve("127.0.0.1:0", NewRecorder(Options{}))
	require.NoError(t, err)
	defer a.Close(context.Background())
	b, err := Serve("127.0.0.1:0", NewRecorder(Options{}), WithToken(""))
	require.NoError(t, err)
	defer b.Close(context.Background())
	assert.Len(t, a.Token(), 64)
	assert.NotEqual(t, a.Token(), b.Token())
}
