package remote_test

import (
	"context"
	"encoding/json"
	"net/http"
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
	"github.com/tessera-array/tessera/cluster/remote"
	"github.com/tessera-array/tessera/dashboard"
	"github.com/tessera-array/tessera/dashboard/dashtest"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

var doneRE = regexp.MustCompile(`id="done">(\d+)<`)

// TestDashboardOfLocalCluster starts a local process cluster with its
// dashboard, runs the mean of a large random array on it, loads the
// dashboard in headless Chromium twice while it runs, and checks the
// rendered page: both workers are listed and progress advances. It also
// checks the JSON API against the scheduler's own snapshot and saves a
// screenshot.
func TestDashboardOfLocalCluster(t *testing.T) {
	bin := dashtest.Chromium(t)
	ctx := context.Background()
	c, err := remote.StartLocalCluster(ctx, remote.LocalClusterOptions{Workers: 2, Threads: 1,
		Scheduler: remote.SchedulerOptions{DashboardAddress: "127.0.0.1:0"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	url := c.DashboardURL()
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.Contains(url, "/?token=") {
		t.Fatalf("dashboard URL %q", url)
	}
	base, query, _ := strings.Cut(url, "?") // http://127.0.0.1:PORT/, token=...
	token := strings.TrimPrefix(query, "token=")
	a := ndarray.Random([]int{16000, 7500, 100}, chunk.PerAxis(400, 400, 100), 1) // 96 GB, a few seconds
	done := make(chan error, 1)
	go func() {
		_, err := reduce.Mean(a).Compute(ctx, ndarray.WithExecutor(c))
		done <- err
	}()
	time.Sleep(500 * time.Millisecond)
	var counts []int
	for range 2 {
		dom := dashtest.Headless(t, bin, "--virtual-time-budget=1500", "--dump-dom", url)
		for _, w := range []string{"local-1", "local-2"} {
			if !strings.Contains(dom, `data-id="`+w+`"`) {
				t.Fatalf("worker %s not listed in the rendered dashboard:\n%.3000s", w, dom)
			}
		}
		if !strings.Contains(dom, `data-kind="reduce.partial"`) {
			t.Fatalf("no progress bar for reduce.partial:\n%.3000s", dom)
		}
		m := doneRE.FindStringSubmatch(dom)
		if m == nil {
			t.Fatal("no task count rendered")
		}
		n, _ := strconv.Atoi(m[1])
		counts = append(counts, n)
		time.Sleep(700 * time.Millisecond)
	}
	shot := filepath.Join(t.TempDir(), "cluster-dashboard.png")
	dashtest.Headless(t, bin, "--virtual-time-budget=1500", "--window-size=1000,800", "--screenshot="+shot, url)
	if p := os.Getenv("TESSERA_KEEP_SCREENSHOT"); p != "" {
		b, _ := os.ReadFile(shot)
		os.WriteFile(p, b, 0o644)
	}
	// Worker addresses and task keys are not for whoever reaches the port.
	for _, path := range []string{"", "api/state", "metrics"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("GET /%s without the token: %s", path, resp.Status)
		}
	}
	var st dashboard.State
	req, _ := http.NewRequest("GET", base+"api/state", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	sn := c.Snapshot()
	if len(st.Workers) != len(sn.Workers) || st.Workers[0].ID != sn.Workers[0].ID || st.Workers[0].Cores != sn.Workers[0].Threads {
		t.Fatalf("API workers %+v, scheduler %+v", st.Workers, sn.Workers)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Logf("rendered task counts %v; screenshot %s", counts, shot)
	if !(counts[0] > 0 && counts[1] > counts[0]) {
		t.Fatalf("progress did not advance while running: %v", counts)
	}
	final := c.Recorder().State()
	if final.Done != final.Total || final.Total == 0 {
		t.Fatalf("recorder after the run: %d of %d", final.Done, final.Total)
	}
	for _, k := range final.Kinds {
		if k.Done != k.Total {
			t.Fatalf("kind %s: %d of %d", k.Kind, k.Done, k.Total)
		}
	}
}

// The scheduler's dashboard at ":0" (as the README's ":8787") listens on
// loopback only and asks for its own token, not the cluster's.
func TestSchedulerDashboardLoopbackWithToken(t *testing.T) {
	s, err := remote.NewScheduler(remote.SchedulerOptions{DashboardAddress: ":0", DashboardToken: "dash-tok"})
	require.NoError(t, err)
	defer s.Close()
	url := s.DashboardURL()
	assert.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), url)
	assert.True(t, strings.HasSuffix(url, "/?token=dash-tok"), url)
	base, _, _ := strings.Cut(url, "?")
	for tok, want := range map[string]int{"": http.StatusUnauthorized, s.Credentials().Token: http.StatusUnauthorized, "dash-tok": http.StatusOK} {
		req, _ := http.NewRequest("GET", base+"api/state", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, want, resp.StatusCode, "token %q", tok)
	}
}
