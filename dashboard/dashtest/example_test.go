package dashtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tessera-array/tessera/dashboard"
	"github.com/tessera-array/tessera/dashboard/dashtest"
)

// A dashboard test finds the browser (or skips), loads the page and checks
// the DOM its scripts rendered. It needs Chromium, so this example shows
// the test function and is not run itself.
func ExampleHeadless() {
	testDashboardPage := func(t *testing.T) {
		bin := dashtest.Chromium(t)
		srv, err := dashboard.Serve("127.0.0.1:0", dashboard.NewRecorder(dashboard.Options{LocalCores: 2}))
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close(context.Background())
		dom := dashtest.Headless(t, bin, "--virtual-time-budget=1500", "--dump-dom", srv.URL())
		if !strings.Contains(dom, `<table id="workers">`) {
			t.Errorf("no worker table in the rendered page:\n%.2000s", dom)
		}
	}
	_ = testDashboardPage
}
