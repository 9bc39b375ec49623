package main

import "testing"

func TestRun(t *testing.T) {
	if err := run(50, 200, 7); err != nil {
		t.Fatal(err)
	}
}
