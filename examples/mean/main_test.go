package main

import (
	"bytes"
	"context"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster/progress"
)

func TestRunPrintsStories(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, io.Discard, 40, 40, 0); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "  mean 0."); n != 3 {
		t.Fatalf("want three stories, got:\n%s", out.String())
	}
}

// TestSixtyGBMeanInBoundedMemory runs the seed's 60 GB mean and asserts the
// peak resident set stays under a generous 512 MB.
func TestSixtyGBMeanInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("60 GB mean skipped in -short mode")
	}
	r, err := MeanOfRandom(context.Background(), "60GB", []int{10000, 7500, 100}, chunk.PerAxis(400, 400, 100), 0, progress.New(io.Discard, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("60 GB mean %.12f in %v, peak RSS %d MB", r.Mean, r.Wall, r.PeakRSS>>20)
	if math.Abs(r.Mean-0.5) > 1e-4 {
		t.Fatalf("mean %v", r.Mean)
	}
	if r.PeakRSS < 0 {
		t.Skip("peak RSS unavailable on this OS")
	}
	if r.PeakRSS > 512<<20 {
		t.Fatalf("peak RSS %d MB exceeds 512 MB", r.PeakRSS>>20)
	}
}
