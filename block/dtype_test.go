package block

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestParseDType(t *testing.T) {
	tests := []struct {
		in    string
		want  DType
		order binary.ByteOrder
	}{
		{"float64", Float64, binary.LittleEndian},
		{"<f8", Float64, binary.LittleEndian},
		{">f4", Float32, binary.BigEndian},
		{">i2", Int16, binary.BigEndian},
		{"|u1", Uint8, binary.LittleEndian},
		{">u1", Uint8, binary.LittleEndian},
		{"|b1", Bool, binary.LittleEndian},
		{"?", Bool, binary.LittleEndian},
		{"bool", Bool, binary.LittleEndian},
		{"i8", Int64, binary.LittleEndian},
		{"uint64", Uint64, binary.LittleEndian},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d, o, err := ParseTypestr(tc.in)
			if err != nil || d != tc.want || o != tc.order {
				t.Fatalf("ParseTypestr(%q) = %v %v %v", tc.in, d, o, err)
			}
		})
	}
	for _, bad := range []string{"", "float128", "<c32", "f3", "<", "|V8", "<M8", "<M8[xs]", "<U-1", "|S99999999"} {
		if _, err := ParseDType(bad); !errors.Is(err, ErrDType) {
			t.Errorf("ParseDType(%q) err = %v, want ErrDType", bad, err)
		}
	}
}

func TestDTypeRoundTrip(t *testing.T) {
	for _, d := range DTypes() {
		for _, s := range []string{d.String(), d.Typestr(), d.TypestrOrder(binary.BigEndian), d.ZarrV3()} {
			got, err := ParseDType(s)
			if err != nil || got != d {
				t.Errorf("%s: ParseDType(%q) = %v, %v", d, s, got, err)
			}
		}
	}
	if Float64.Typestr() != "<f8" || Uint8.Typestr() != "|u1" || Int16.TypestrOrder(binary.BigEndian) != ">i2" {
		t.Fatal("typestr wrong")
	}
}

// promotionTable is numpy.result_type for every pair, as numpy prints it.
// TestPromoteMatchesNumpy checks it against the real numpy when available.
var promotionTable = map[[2]DType]DType{
	{Int8, Uint8}:      Int16,
	{Int16, Uint16}:    Int32,
	{Int32, Uint32}:    Int64,
	{Int64, Uint64}:    Float64,
	{Int8, Uint16}:     Int32,
	{Int64, Uint8}:     Int64,
	{Uint8, Float32}:   Float32,
	{Int16, Float32}:   Float32,
	{Int32, Float32}:   Float64,
	{Uint64, Float32}:  Float64,
	{Bool, Int8}:       Int8,
	{Bool, Float32}:    Float32,
	{Float32, Float64}: Float64,
	{Uint8, Uint32}:    Uint32,
}

func TestPromote(t *testing.T) {
	for pair, want := range promotionTable {
		if got := Promote(pair[0], pair[1]); got != want {
			t.Errorf("Promote(%s, %s) = %s, want %s", pair[0], pair[1], got, want)
		}
		if got := Promote(pair[1], pair[0]); got != want {
			t.Errorf("Promote(%s, %s) = %s, want %s (not symmetric)", pair[1], pair[0], got, want)
		}
	}
}

// TestPromoteMatchesNumpy compares every pair with numpy.result_type run by
// Debian's python3 (the real peer). Skipped when numpy is not installed.
func TestPromoteMatchesNumpy(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	var names []string
	for _, d := range DTypes() {
		names = append(names, d.String())
	}
	script := `import numpy as np, sys
names = sys.argv[1].split(",")
for a in names:
    print(" ".join(np.result_type(np.dtype(a), np.dtype(b)).name for b in names))`
	out, err := exec.Command(py, "-c", script, strings.Join(names, ",")).Output()
	if err != nil {
		t.Skipf("numpy not available: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i, a := range DTypes() {
		fields := strings.Fields(lines[i])
		for j, b := range DTypes() {
			if got := Promote(a, b).String(); got != fields[j] {
				t.Errorf("Promote(%s, %s) = %s, numpy says %s", a, b, got, fields[j])
			}
		}
	}
}

func TestPromoteScalar(t *testing.T) {
	cases := []struct {
		a       DType
		isFloat bool
		want    DType
	}{
		{Int8, false, Int8}, {Int8, true, Float64}, {Float32, true, Float32}, {Bool, false, Int64}, {Uint16, true, Float64},
	}
	for _, c := range cases {
		if got := PromoteScalar(c.a, c.isFloat); got != c.want {
			t.Errorf("PromoteScalar(%s, %v) = %s, want %s", c.a, c.isFloat, got, c.want)
		}
	}
}
