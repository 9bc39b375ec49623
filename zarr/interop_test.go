package zarr_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// interopCase is one array both sides write and read.
type interopCase struct {
	Name       string            `json:"name"`
	DType      string            `json:"dtype"`
	Shape      []int             `json:"shape"`
	Chunks     []int             `json:"chunks"`
	Order      string            `json:"order"`
	Sep        string            `json:"sep"`
	Compressor json.RawMessage   `json:"compressor"`
	Filters    []json.RawMessage `json:"filters,omitempty"`
}

// formula is the shared value rule (see testdata/interop.py).
func formula(t *testing.T, dt block.DType, shape []int) *block.Dense {
	n := int(chunk.Size(shape))
	f := block.Must(block.Float64, shape...)
	v := block.Values[float64](f)
	for i := range n {
		b := float64((7*i + 3) % 101)
		switch {
		case dt.IsBool():
			v[i] = math.Mod(b, 2)
		case dt.IsUnsigned():
			v[i] = b
		case dt.IsInt():
			v[i] = b - 50
		default:
			v[i] = b/4 - 10
		}
	}
	d, err := f.AsType(dt, block.CastOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func interopCases() []interopCase {
	comps := []string{
		`{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0}`,
		`{"id":"zstd","level":3}`,
		`{"id":"zlib","level":6}`,
		`null`,
		`{"id":"blosc","cname":"zstd","clevel":3,"shuffle":2,"blocksize":0}`,
		`{"id":"lz4","acceleration":1}`,
		`{"id":"gzip","level":5}`,
		`{"id":"blosc","cname":"blosclz","clevel":9,"shuffle":0,"blocksize":0}`,
		`{"id":"bz2","level":9}`,
	}
	var cases []interopCase
	i := 0
	for _, dt := range block.DTypes() {
		for _, order := range []string{"C", "F"} {
			for _, sep := range []string{".", "/"} {
				bo := binary.ByteOrder(binary.LittleEndian)
				if i%3 == 2 {
					bo = binary.BigEndian
				}
				c := comps[i%len(comps)]
				i++
				cases = append(cases, interopCase{
					Name:  fmt.Sprintf("a%02d_%s_%s%s", i, dt, order, map[string]string{".": "dot", "/": "slash"}[sep]),
					DType: dt.TypestrOrder(bo), Shape: []int{11, 7, 3}, Chunks: []int{4, 3, 2}, Order: order, Sep: sep, Compressor: json.RawMessage(c),
				})
			}
		}
	}
	cases = append(cases,
		interopCase{Name: "f_delta", DType: "<i4", Shape: []int{50}, Chunks: []int{16}, Order: "C", Sep: ".", Compressor: json.RawMessage(`{"id":"zlib","level":1}`), Filters: []json.RawMessage{json.RawMessage(`{"id":"delta","dtype":"<i4"}`)}},
		interopCase{Name: "f_fixedscaleoffset", DType: "<f8", Shape: []int{50}, Chunks: []int{16}, Order: "C", Sep: ".", Compressor: json.RawMessage(`{"id":"zstd","level":1}`), Filters: []json.RawMessage{json.RawMessage(`{"id":"fixedscaleoffset","offset":0,"scale":4,"dtype":"<f8","astype":"<i2"}`)}},
		interopCase{Name: "f_astype", DType: "<f8", Shape: []int{50}, Chunks: []int{16}, Order: "C", Sep: ".", Compressor: json.RawMessage(`null`), Filters: []json.RawMessage{json.RawMessage(`{"id":"astype","encode_dtype":"<f4","decode_dtype":"<f8"}`)}},
	)
	return cases
}

func python(t *testing.T) string {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import zarr, numcodecs, xarray").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs Debian's python3-zarr and python3-xarray (run ./scripts/setup.sh): %v", err)
		}
		t.Skipf("zarr-python not available: %v", err)
	}
	return py
}

func runPy(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(python(t), append([]string{"testdata/interop.py"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("interop.py %v: %v\n%s", args[:1], err, msg)
	}
	return string(out)
}

func writeCases(t *testing.T, dir string, cases []interopCase) string {
	b, _ := json.Marshal(cases)
	p := filepath.Join(dir, "cases.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestZarrPythonReadsTessera: tessera writes every dtype, order, separator,
// byte order and codec; zarr-python reads the same values.
func TestZarrPythonReadsTessera(t *testing.T) {
	python(t)
	dir := t.TempDir()
	cases := interopCases()
	s, _ := zarr.NewDirectoryStore(dir)
	var written []interopCase
	for _, c := range cases {
		if strings.Contains(string(c.Compressor), "bz2") {
			continue // tessera decodes bz2 but does not encode it
		}
		written = append(written, c)
	}
	cases = written
	for _, c := range cases {
		dt, bo, _ := block.ParseTypestr(c.DType)
		a, err := zarr.Create(ctx, s, c.Name, zarr.CreateOptions{Format: 2, Shape: c.Shape, Chunks: c.Chunks, DType: dt, ByteOrder: bo,
			Order: c.Order[0], Separator: c.Sep, Compressor: c.Compressor, Filters: c.Filters})
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if _, err := a.WriteAll(ctx, formula(t, dt, c.Shape)); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
	}
	var res map[string]string
	if err := json.Unmarshal([]byte(runPy(t, "check", dir, writeCases(t, dir, cases))), &res); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if res[c.Name] != "ok" {
			t.Errorf("zarr-python on %s (%s, %s): %s", c.Name, c.DType, c.Compressor, res[c.Name])
		}
	}
}

// TestTesseraReadsZarrPython: zarr-python writes the same matrix; tessera
// reads the same values.
func TestTesseraReadsZarrPython(t *testing.T) {
	python(t)
	dir := t.TempDir()
	cases := interopCases()
	runPy(t, "write", dir, writeCases(t, dir, cases))
	s, _ := zarr.NewDirectoryStore(dir)
	for _, c := range cases {
		a, err := zarr.OpenArray(ctx, s, c.Name)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		got, err := a.ReadAll(ctx)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if !got.Equal(formula(t, a.DType(), c.Shape)) {
			t.Errorf("%s (%s %s): values differ", c.Name, c.DType, c.Compressor)
		}
	}
}

func reflDense(ny, nx int) *block.Dense {
	d := block.Must(block.Float64, ny, nx)
	v := block.Values[float64](d)
	for i := range v {
		v[i] = float64((7*i+3)%101) / 101
		if (i/nx)%7 == 0 && (i%nx)%5 == 0 {
			v[i] = math.NaN()
		}
	}
	return d
}

// TestXarrayReadsTesseraDataset: scaled int16 reflectance written by
// tessera decodes to float in xarray.open_zarr.
func TestXarrayReadsTesseraDataset(t *testing.T) {
	python(t)
	dir := t.TempDir()
	s, _ := zarr.NewDirectoryStore(dir)
	ny, nx := 12, 10
	fill := -9999.0
	xs := ndarray.Add(ndarray.Mul(ndarray.Arange(0, float64(nx), 1, chunk.Spec{}), 30.0), 500000.0)
	ds := zarr.Dataset{Attrs: map[string]any{"title": "from tessera"}, Vars: map[string]zarr.Variable{
		"refl": {Dims: []string{"y", "x"}, Data: ndarray.FromDense(reflDense(ny, nx), chunk.PerAxis(5, 5)),
			Encoding: zarr.Encoding{DType: block.Int16, ScaleFactor: 1e-4, FillValue: &fill}},
		"x": {Dims: []string{"x"}, Data: xs},
		"y": {Dims: []string{"y"}, Data: ndarray.Mul(ndarray.Arange(0, float64(ny), 1, chunk.Spec{}), 30.0)},
	}}
	if err := zarr.WriteDataset(ctx, s, "ds", ds, 2); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Dims   []string       `json:"dims"`
		Kind   string         `json:"kind"`
		NaNOK  bool           `json:"nan_ok"`
		MaxErr float64        `json:"max_err"`
		X      []float64      `json:"x"`
		Enc    map[string]any `json:"encoding"`
		Title  string         `json:"title"`
	}
	out := runPy(t, "xr-check", dir)
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	t.Logf("xarray saw %s", strings.TrimSpace(out))
	if r.Kind != "f" || !r.NaNOK || r.MaxErr > 0.5e-4+1e-9 || fmt.Sprint(r.Dims) != "[y x]" || r.X[1] != 500030 || r.Title != "from tessera" {
		t.Fatalf("xarray decoded %+v", r)
	}
	if r.Enc["dtype"] != "int16" || r.Enc["scale_factor"] != 1e-4 {
		t.Fatalf("xarray encoding %v", r.Enc)
	}
}

// TestTesseraReadsXarrayDataset: a dataset xarray wrote with int16
// packing decodes to the same floats in tessera.
func TestTesseraReadsXarrayDataset(t *testing.T) {
	python(t)
	dir := t.TempDir()
	runPy(t, "xr-write", dir)
	s, _ := zarr.NewDirectoryStore(dir)
	cs, err := zarr.OpenConsolidated(ctx, s, "xds")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := zarr.OpenDataset(ctx, cs, "xds", true)
	if err != nil {
		t.Fatal(err)
	}
	v := ds.Vars["refl"]
	if fmt.Sprint(v.Dims) != "[y x]" || v.Encoding.ScaleFactor != 1e-4 || *v.Encoding.FillValue != -9999 {
		t.Fatalf("refl %v %+v", v.Dims, v.Encoding)
	}
	got, err := v.Data.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := reflDense(12, 10)
	for i, x := range got.Float64s() {
		w := want.Float64s()[i]
		if math.IsNaN(w) != math.IsNaN(x) || (!math.IsNaN(w) && math.Abs(x-w) > 0.5e-4+1e-9) {
			t.Fatalf("element %d: %v vs %v", i, x, w)
		}
	}
	xv, _ := ds.Vars["x"].Data.Compute(ctx)
	if xv.Float64s()[2] != 500060 || ds.Attrs["title"] != "from xarray" {
		t.Fatalf("coords/attrs: %v %v", xv.Float64s()[:3], ds.Attrs)
	}
}
