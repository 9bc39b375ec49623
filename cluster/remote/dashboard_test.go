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
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("dashboard URL %q", url)
	}
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
	var st dashboard.State
	resp, err := http.Get(url + "api/state")
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
