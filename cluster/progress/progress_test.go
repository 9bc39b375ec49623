package progress

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tessera-array/tessera/cluster"
)

func TestBarDrawsToCompletion(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "mean")
	for i := 1; i <= 50; i++ {
		b.Update(cluster.Progress{Done: i, Total: 50})
	}
	out := buf.String()
	if !strings.Contains(out, "mean") || !strings.Contains(out, "50/50") || !strings.Contains(out, "100%") {
		t.Fatalf("bar output %q", out)
	}
	// A new run restarts the bar.
	buf.Reset()
	b.Update(cluster.Progress{Done: 1, Total: 3})
	b.Update(cluster.Progress{Done: 3, Total: 3})
	if !strings.Contains(buf.String(), "3/3") {
		t.Fatalf("second run %q", buf.String())
	}
}
