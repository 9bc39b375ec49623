// Package dashtest drives Debian's headless Chromium for dashboard tests:
// load a page, let its scripts run, and dump the rendered DOM or a
// screenshot.
package dashtest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Chromium returns the browser's path; it fails the test under CI (where
// the setup installs it) and skips elsewhere when it is missing.
func Chromium(t testing.TB) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (scripts/setup.sh installs it)")
	}
	t.Skip("chromium not installed")
	return ""
}

// Headless runs the browser once with the flags that keep it quiet on a
// closed network, plus extra (e.g. "--dump-dom", URL), and returns stdout.
func Headless(t testing.TB, bin string, extra ...string) string {
	t.Helper()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + t.TempDir()}, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).Output()
	if err != nil {
		t.Fatalf("chromium %v: %v", extra, err)
	}
	return string(out)
}
