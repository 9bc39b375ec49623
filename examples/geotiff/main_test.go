package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, t.TempDir(), 200, 2); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ZSTD", "DEFLATE", "largest round-trip error", "EPSG:4326"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	t.Log("\n" + out.String())
}
