package labelled_test

import (
	"context"
	"encoding/json"
	"github.com/tessera-array/tessera/cftime"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

// jsonCoord and jsonArray are the fixture forms written by
// testdata/make_fixtures.py (null is NaN).
type jsonCoord struct {
	Dims   []string `json:"dims"`
	Shape  []int    `json:"shape"`
	DType  string   `json:"dtype"`
	Values []any    `json:"values"`
	// Calendar is set for cftime dates (seconds since 2001-01-01 in it).
	Calendar string `json:"calendar"`
}

type jsonArray struct {
	Name   string               `json:"name"`
	Dims   []string             `json:"dims"`
	Shape  []int                `json:"shape"`
	DType  string               `json:"dtype"`
	Values []any                `json:"values"`
	Coords map[string]jsonCoord `json:"coords"`
}

type jsonCase struct {
	Name    string         `json:"name"`
	Result  *jsonArray     `json:"result"`
	Error   string         `json:"error"`
	Message string         `json:"message"`
	Vars    []string       `json:"vars"`
	Sizes   map[string]int `json:"sizes"`
}

type fixtures struct {
	Xarray string               `json:"xarray"`
	Inputs map[string]jsonArray `json:"inputs"`
	Cases  []jsonCase           `json:"cases"`
}

func floats(vs []any) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		switch v := v.(type) {
		case nil:
			out[i] = math.NaN()
		case float64:
			out[i] = v
		case bool:
			if v {
				out[i] = 1
			}
		}
	}
	return out
}

func index(t testing.TB, c jsonCoord) labelled.Index {
	switch {
	case c.Calendar != "":
		// cftime dates: seconds since 2001-01-01 in their calendar.
		cal, err := cftime.ParseCalendar(c.Calendar)
		require.NoError(t, err)
		f := floats(c.Values)
		counts := make([]int64, len(f))
		for i, v := range f {
			counts[i] = int64(v)
		}
		ts, err := cftime.NewTimes(cftime.MustDate(cal, 2001, 1, 1, 0, 0, 0, 0), cftime.Second, counts)
		require.NoError(t, err)
		return labelled.NewTimeIndex(ts)
	case strings.HasPrefix(c.DType, "datetime64"):
		// Seconds since 2020-01-01 (make_fixtures.py), as a CF time axis.
		f := floats(c.Values)
		counts := make([]int64, len(f))
		for i, v := range f {
			counts[i] = int64(v)
		}
		ts, err := cftime.NewTimes(fixtureEpoch, cftime.Second, counts)
		require.NoError(t, err)
		return labelled.NewTimeIndex(ts)
	case c.DType == "float64":
		return labelled.Float64Index(floats(c.Values))
	case c.DType == "int64":
		f := floats(c.Values)
		ix := make(labelled.Int64Index, len(f))
		for i, v := range f {
			ix[i] = int64(v)
		}
		return ix
	case strings.HasPrefix(c.DType, "<U") || c.DType == "object":
		ix := make(labelled.StringIndex, len(c.Values))
		for i, v := range c.Values {
			ix[i] = v.(string)
		}
		return ix
	}
	t.Fatalf("coordinate dtype %q", c.DType)
	return nil
}

// build makes the labelled array of a fixture input, chunked in blocks of
// four along every dim so that selections cross blocks.
func build(t testing.TB, in jsonArray) *labelled.Array {
	t.Helper()
	dt, err := block.ParseDType(in.DType)
	require.NoError(t, err)
	d, err := block.FromSlice(floats(in.Values), in.Shape...)
	require.NoError(t, err)
	if dt != block.Float64 {
		d, err = d.AsType(dt, block.CastOptions{})
		require.NoError(t, err)
	}
	names := make([]string, 0, len(in.Coords))
	for n := range in.Coords {
		names = append(names, n)
	}
	sort.Strings(names)
	var coords []*labelled.Coord
	for _, n := range names {
		c := in.Coords[n]
		cc, err := labelled.NewCoord(n, c.Dims, c.Shape, index(t, c), nil)
		require.NoError(t, err)
		coords = append(coords, cc)
	}
	a := labelled.New(ndarray.FromDense(d, chunk.Uniform(4)), in.Dims, labelled.Name(in.Name), labelled.Coords(coords...))
	require.NoError(t, a.Err())
	return a
}

func loadFixtures(t testing.TB) fixtures {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "xarray_cases.json"))
	require.NoError(t, err)
	var f fixtures
	require.NoError(t, json.Unmarshal(b, &f))
	return f
}

// checkAgainst compares a tessera result with xarray's: dims, shape, dtype,
// values (NaN where xarray has NaN) and every coordinate.
func checkAgainst(t *testing.T, want *jsonArray, got *labelled.Array) {
	t.Helper()
	require.NoError(t, got.Err())
	assert.Equal(t, want.Dims, nilIfEmpty(got.Dims()), "dims")
	assert.Equal(t, want.Shape, nilIfEmptyInts(got.Shape()), "shape")
	assert.Equal(t, want.DType, got.DType().String(), "dtype")
	d, err := got.Compute(context.Background())
	require.NoError(t, err)
	wv := floats(want.Values)
	gv := d.Float64s()
	require.Len(t, gv, len(wv))
	bad := 0
	for i := range wv {
		ok := math.IsNaN(wv[i]) && math.IsNaN(gv[i]) || math.Abs(wv[i]-gv[i]) <= 1e-9*math.Max(1, math.Abs(wv[i]))
		if !ok {
			if bad == 0 {
				t.Errorf("value %d: want %v, got %v", i, wv[i], gv[i])
			}
			bad++
		}
	}
	assert.Zero(t, bad, "values that differ from xarray's")
	var gotNames []string
	for _, c := range got.Coords() {
		gotNames = append(gotNames, c.Name())
	}
	var wantNames []string
	for n := range want.Coords {
		wantNames = append(wantNames, n)
	}
	assert.ElementsMatch(t, wantNames, gotNames, "coordinate names")
	for n, wc := range want.Coords {
		gc := got.Coord(n)
		if gc == nil {
			continue
		}
		assert.Equal(t, wc.Dims, nilIfEmpty(gc.Dims()), "coordinate %q dims", n)
		wix := index(t, wc)
		gix := gc.Values()
		require.Equal(t, wix.Len(), gix.Len(), "coordinate %q length", n)
		for i := range wix.Len() {
			assert.Equal(t, wix.Label(i), gix.Label(i), "coordinate %q label %d", n, i)
		}
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return []string{}
	}
	return s
}

func nilIfEmptyInts(s []int) []int {
	if len(s) == 0 {
		return []int{}
	}
	return s
}

// dsReduce is xr.Dataset({"t2m": t2m, "f": field}).<r>(dims)[name].
func dsReduce(t2m, field *labelled.Array, r labelled.Reduction, name string, dims ...string) *labelled.Array {
	ds, err := labelled.NewDataset([]*labelled.Array{t2m, field.WithName("f")}, nil)
	if err != nil {
		return labelled.Errored(err)
	}
	out, err := ds.Reduce(r, dims)
	if err != nil {
		return labelled.Errored(err)
	}
	return out.Var(name)
}

// goCases are the same operations as make_fixtures.py, written in tessera.
func goCases(in map[string]*labelled.Array) map[string]func() *labelled.Array {
	t2m, b, st := in["t2m"], in["b"], in["stations"]
	series, field, xa, xb := in["series"], in["field"], in["xa"], in["xb"]
	clim := t2m.Mean("time")
	days, desc := in["days"], in["days_desc"]
	noleap, d360 := in["noleap"], in["d360"]
	sec := func(date string) cftime.Time {
		t, err := time.Parse("2006-01-02", date)
		if err != nil {
			panic(err)
		}
		ct, err := cftime.FromTime(t, cftime.Standard)
		if err != nil {
			panic(err)
		}
		return ct
	}
	return map[string]func() *labelled.Array{
		"time_partial_month": func() *labelled.Array { return days.Sel(labelled.Label("time", "2020-02")) },
		"time_partial_year":  func() *labelled.Array { return days.Sel(labelled.Label("time", "2020")) },
		"time_day":           func() *labelled.Array { return days.Sel(labelled.Label("time", "2020-03-05")) },
		"time_slice_partial": func() *labelled.Array { return days.Sel(labelled.Slice("time", "2020-01-20", "2020-02")) },
		"time_slice_desc": func() *labelled.Array {
			return desc.Sel(labelled.Slice("time", sec("2020-02-10"), sec("2020-01-25")))
		},
		"ds_mean_time_t2m": func() *labelled.Array { return dsReduce(t2m, field, labelled.Mean, "t2m", "time") },
		"ds_mean_time_f":   func() *labelled.Array { return dsReduce(t2m, field, labelled.Mean, "f", "time") },
		"ds_mean_all_f":    func() *labelled.Array { return dsReduce(t2m, field, labelled.Mean, "f") },
		"ds_max_lat_t2m":   func() *labelled.Array { return dsReduce(t2m, field, labelled.Max, "t2m", "lat") },
		"noleap_month":     func() *labelled.Array { return noleap.Sel(labelled.Label("time", "2002-02")) },
		"noleap_slice":     func() *labelled.Array { return noleap.Sel(labelled.Slice("time", "2001-12-25", "2002-01")) },
		"noleap_nearest": func() *labelled.Array {
			return noleap.Sel(labelled.Label("time", cftime.MustDate(cftime.NoLeap, 2002, 3, 1, 13, 0, 0, 0)).WithMethod(labelled.Nearest))
		},
		"noleap_year": func() *labelled.Array { return noleap.Sel(labelled.Label("time", "2003")) },
		"d360_feb30":  func() *labelled.Array { return d360.Sel(labelled.Label("time", "2001-02-30")) },
		"d360_month":  func() *labelled.Array { return d360.Sel(labelled.Label("time", "2002-02")) },
		"time_nearest": func() *labelled.Array {
			return days.Sel(labelled.Label("time", "2020-02-10T13:00").WithMethod(labelled.Nearest))
		},
		"err_time_missing": func() *labelled.Array { return days.Sel(labelled.Label("time", "2021-02")) },
		"prod_lon":         func() *labelled.Array { return labelled.Div(t2m, 280.0).Reduce(labelled.Prod, []string{"lon"}) },
		"var_time_ddof1":   func() *labelled.Array { return t2m.Reduce(labelled.Var, []string{"time"}, labelled.DDOF(1)) },
		"any_time":         func() *labelled.Array { return labelled.Greater(t2m, 300.0).Reduce(labelled.Any, []string{"time"}) },
		"all_lat":          func() *labelled.Array { return labelled.Greater(t2m, 260.0).Reduce(labelled.All, []string{"lat"}) },
		"argmin_lon": func() *labelled.Array {
			return labelled.Where(t2m.Map(ndarray.IsNaN), 1000.0, t2m).Reduce(labelled.ArgMin, []string{"lon"})
		},
		"nanmean_int": func() *labelled.Array { return xa.Mean("x") },
		"sel_slice_desc": func() *labelled.Array {
			return t2m.Sel(labelled.Slice("lat", 60.0, 30.0), labelled.Slice("lon", -10.0, 40.0))
		},
		"sel_slice_wrong_direction": func() *labelled.Array { return t2m.Sel(labelled.Slice("lat", 30.0, 60.0)) },
		"sel_slice_open": func() *labelled.Array {
			return t2m.Sel(labelled.Slice("lon", nil, 5.0), labelled.Slice("lat", 42.0, nil))
		},
		"sel_exact": func() *labelled.Array { return t2m.Sel(labelled.Label("lat", 45.0), labelled.Label("lon", 10)) },
		"sel_list":  func() *labelled.Array { return t2m.Sel(labelled.Labels("lon", 30.0, -20.0, 0.0)) },
		"sel_two_lists": func() *labelled.Array {
			return t2m.Sel(labelled.Labels("lon", 30.0, -20.0), labelled.Labels("lat", 45.0, 70.0, 25.0))
		},
		"sel_nearest_tol": func() *labelled.Array {
			return t2m.Sel(labelled.Label("lat", 47.4).WithMethod(labelled.Nearest).WithTolerance(3))
		},
		"sel_nearest_list": func() *labelled.Array {
			return t2m.Sel(labelled.Labels("lat", 47.4, 62.6, 100.0).WithMethod(labelled.Nearest))
		},
		"sel_nearest_tie_asc":  func() *labelled.Array { return t2m.Sel(labelled.Label("lon", 15.0).WithMethod(labelled.Nearest)) },
		"sel_nearest_tie_desc": func() *labelled.Array { return t2m.Sel(labelled.Label("lat", 47.5).WithMethod(labelled.Nearest)) },
		"sel_pad":              func() *labelled.Array { return t2m.Sel(labelled.Label("lon", 13.0).WithMethod(labelled.Pad)) },
		"sel_backfill":         func() *labelled.Array { return t2m.Sel(labelled.Label("lon", 13.0).WithMethod(labelled.Backfill)) },
		"sel_pad_desc":         func() *labelled.Array { return t2m.Sel(labelled.Label("lat", 47.0).WithMethod(labelled.Pad)) },
		"sel_backfill_desc":    func() *labelled.Array { return t2m.Sel(labelled.Label("lat", 47.0).WithMethod(labelled.Backfill)) },
		"sel_time_int_slice":   func() *labelled.Array { return t2m.Sel(labelled.Slice("time", 5, 9)) },
		"err_nearest_past_tol": func() *labelled.Array {
			return t2m.Sel(labelled.Label("lat", 47.4).WithMethod(labelled.Nearest).WithTolerance(1))
		},
		"err_missing_label": func() *labelled.Array { return t2m.Sel(labelled.Label("lat", 46.0)) },
		"isel_mixed": func() *labelled.Array {
			return t2m.Isel(labelled.Range("time", 2, 30, 3), labelled.Take("lat", 0, 2, 4), labelled.At("lon", -1))
		},
		"isel_reverse":   func() *labelled.Array { return t2m.Isel(labelled.Range("lat", ndarray.None, ndarray.None, -2)) },
		"mean_time":      func() *labelled.Array { return t2m.Mean("time") },
		"std_latlon":     func() *labelled.Array { return t2m.Std("lat", "lon") },
		"sum_all":        func() *labelled.Array { return t2m.Sum() },
		"min_lat":        func() *labelled.Array { return t2m.Min("lat") },
		"max_lon_noskip": func() *labelled.Array { return t2m.Reduce(labelled.Max, []string{"lon"}, labelled.SkipNA(false)) },
		"count_time":     func() *labelled.Array { return t2m.Count("time") },
		"argmax_time": func() *labelled.Array {
			filled := labelled.Where(t2m.Map(ndarray.IsNaN), 0.0, t2m)
			return filled.Reduce(labelled.ArgMax, []string{"time"})
		},
		"anomaly":               func() *labelled.Array { return labelled.Sub(t2m, clim) },
		"inner_join_add":        func() *labelled.Array { return labelled.Add(t2m.Isel(labelled.At("time", 0)), b) },
		"broadcast_time_latlon": func() *labelled.Array { return labelled.Mul(series, field) },
		"where": func() *labelled.Array {
			return labelled.Where(labelled.Greater(t2m, 280.0), t2m, -1.0)
		},
		"compare_gt": func() *labelled.Array {
			return labelled.Greater(t2m.Isel(labelled.At("time", 1)), labelled.Mul(field, 100.0))
		},
		"scalar_sub":     func() *labelled.Array { return labelled.Sub(300.0, t2m.Isel(labelled.Range("time", 0, 2, 1))) },
		"outer_join_add": func() *labelled.Array { return labelled.Add(xa, xb, labelled.WithJoin(labelled.JoinOuter)) },
		"outer_join_2d": func() *labelled.Array {
			return labelled.Mul(t2m.Isel(labelled.At("time", 0)), b, labelled.WithJoin(labelled.JoinOuter))
		},
		"transpose": func() *labelled.Array { return t2m.Transpose("lon", "time", "lat") },
		"rename": func() *labelled.Array {
			return t2m.Isel(labelled.At("time", 0)).Rename(map[string]string{"lat": "y", "lon": "x"})
		},
		"concat_existing": func() *labelled.Array {
			return labelled.Concat("time", []*labelled.Array{
				t2m.Isel(labelled.Range("time", 0, 10, 1)), t2m.Isel(labelled.Range("time", 30, 40, 1)),
			}, nil)
		},
		"concat_new": func() *labelled.Array {
			return labelled.Concat("member", []*labelled.Array{field, labelled.Mul(field, 2.0)}, labelled.Int64Index{10, 20})
		},
		"concat_scalar_time": func() *labelled.Array {
			return labelled.Concat("time", []*labelled.Array{t2m.Isel(labelled.At("time", 1)), t2m.Isel(labelled.At("time", 3))}, nil)
		},
		"concat_stations_new": func() *labelled.Array {
			return labelled.Concat("station", []*labelled.Array{st.Sel(labelled.Label("station", "aa")), st.Sel(labelled.Label("station", "c"))}, nil)
		},
		"concat_stations_existing": func() *labelled.Array {
			return labelled.Concat("station", []*labelled.Array{st.Isel(labelled.Take("station", 0, 1)), st.Isel(labelled.Take("station", 3))}, nil)
		},
		"expand_squeeze":   func() *labelled.Array { return t2m.Isel(labelled.Range("time", 4, 5, 1)).Squeeze("time") },
		"expand_dims":      func() *labelled.Array { return field.ExpandDims("band", 0) },
		"str_sel_label":    func() *labelled.Array { return st.Sel(labelled.Label("station", "c")) },
		"str_sel_list":     func() *labelled.Array { return st.Sel(labelled.Labels("station", "dd", "aa")) },
		"str_sel_slice":    func() *labelled.Array { return st.Sel(labelled.Slice("station", "b", "dd")) },
		"str_mean_station": func() *labelled.Array { return st.Mean("station") },
		"err_str_missing":  func() *labelled.Array { return st.Sel(labelled.Label("station", "zz")) },
		"err_join_exact": func() *labelled.Array {
			return labelled.Add(t2m.Isel(labelled.At("time", 0)), b, labelled.WithJoin(labelled.JoinExact))
		},
	}
}

// TestAgainstXarray runs every fixture case of testdata/xarray_cases.json
// (made by xarray through make_fixtures.py) in tessera and compares.
func TestAgainstXarray(t *testing.T) {
	f := loadFixtures(t)
	in := map[string]*labelled.Array{}
	for n, a := range f.Inputs {
		in[n] = build(t, a)
	}
	ops := goCases(in)
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			switch c.Name {
			case "merge_ok", "err_merge_conflict":
				checkMerge(t, c, in)
				return
			}
			op, ok := ops[c.Name]
			require.Truef(t, ok, "no tessera operation for case %q", c.Name)
			got := op()
			if c.Error != "" {
				require.Error(t, got.Err(), "xarray: %s", c.Message)
				switch {
				case strings.HasPrefix(c.Name, "err_join"):
					var ae *labelled.AlignError
					require.ErrorAs(t, got.Err(), &ae)
					assert.ErrorIs(t, got.Err(), labelled.ErrAlign)
					assert.Equal(t, "lat", ae.Dim)
				default:
					var le *labelled.LabelError
					require.ErrorAs(t, got.Err(), &le)
					assert.ErrorIs(t, got.Err(), labelled.ErrNotFound)
					assert.Contains(t, c.Message, "'"+le.Dim+"'", "the dim xarray names")
					assert.Contains(t, got.Err().Error(), le.Dim)
				}
				return
			}
			checkAgainst(t, c.Result, got)
		})
	}
	// Every operation has a fixture, so none is silently skipped.
	names := map[string]bool{}
	for _, c := range f.Cases {
		names[c.Name] = true
	}
	for n := range ops {
		assert.Truef(t, names[n], "operation %q has no xarray fixture", n)
	}
}

func checkMerge(t *testing.T, c jsonCase, in map[string]*labelled.Array) {
	ds1, err := labelled.NewDataset([]*labelled.Array{in["t2m"], in["field"].WithName("f")}, nil)
	require.NoError(t, err)
	if c.Name == "merge_ok" {
		ds2, err := labelled.NewDataset([]*labelled.Array{labelled.Mul(in["field"], 3.0).WithName("g")}, nil)
		require.NoError(t, err)
		m, err := labelled.Merge(ds1, ds2)
		require.NoError(t, err)
		names := m.Names()
		sort.Strings(names)
		assert.Equal(t, c.Vars, names)
		assert.Equal(t, c.Sizes, m.Sizes())
		return
	}
	a, err := labelled.NewDataset([]*labelled.Array{in["field"].WithName("f")}, nil)
	require.NoError(t, err)
	b, err := labelled.NewDataset([]*labelled.Array{labelled.Add(in["field"], 1.0).WithName("f")}, nil)
	require.NoError(t, err)
	_, err = labelled.Merge(a, b)
	require.Error(t, err, "xarray: %s", c.Message)
	assert.ErrorIs(t, err, labelled.ErrMerge)
	assert.Contains(t, err.Error(), `"f"`)
}

// TestFixturesScript regenerates the fixtures with xarray into a temporary
// file and checks that they equal the kept ones, so the script beside them
// is the one that made them.
func TestFixturesScript(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3: cannot run the xarray fixture script")
	}
	if err := exec.Command(py, "-c", "import xarray").Run(); err != nil {
		t.Skip("python3 has no xarray: cannot run the fixture script")
	}
	out := filepath.Join(t.TempDir(), "cases.json")
	cmd := exec.Command(py, filepath.Join("testdata", "make_fixtures.py"), out)
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, string(b))
	fresh, err := os.ReadFile(out)
	require.NoError(t, err)
	kept, err := os.ReadFile(filepath.Join("testdata", "xarray_cases.json"))
	require.NoError(t, err)
	assert.JSONEq(t, string(kept), string(fresh))
}
