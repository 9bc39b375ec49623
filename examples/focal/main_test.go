package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestFocalMatchesDirect(t *testing.T) {
	// Uneven edge chunks (250 = 3*64 + 58) and a chunk of a single row's
	// worth of halo: every block border and raster edge is exercised.
	for _, c := range []int{64, 250, 7} {
		var out bytes.Buffer
		res, err := compute(context.Background(), &out, 250, c, 30)
		if err != nil {
			t.Fatalf("chunk %d: %v\n%s", c, err, out.String())
		}
		if res.MeanErr > 1e-4 || res.SlopeErr > 1e-4 || res.MaxSlope <= 1 {
			t.Fatalf("chunk %d: %+v", c, res)
		}
		if !strings.Contains(out.String(), "slope:") {
			t.Fatal(out.String())
		}
	}
}
