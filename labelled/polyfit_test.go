package labelled_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/linalg"
	"github.com/tessera-array/tessera/ndarray"
)

// nanList is a JSON list of numbers where null stands for NaN.
type nanList []float64

func (n *nanList) UnmarshalJSON(b []byte) error {
	var p []*float64
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*n = make(nanList, len(p))
	for i, v := range p {
		(*n)[i] = math.NaN()
		if v != nil {
			(*n)[i] = *v
		}
	}
	return nil
}

// TestPolyfitXarray compares Array.Polyfit with xarray's
// polyfit(full=True, skipna=True) over a datetime64 and a cftime noleap
// time coordinate (testdata/gen_polyfit.py): x in nanoseconds since
// 1970-01-01 of the calendar, NaN pixels skipped, names, dims and the
// degree coordinate as xarray's.
func TestPolyfitXarray(t *testing.T) {
	var cases []struct {
		Calendar  string   `json:"calendar"`
		Days      []int64  `json:"days"`
		Shape     []int    `json:"shape"`
		Data      nanList  `json:"data"`
		Coef      nanList  `json:"coef"`
		Degree    []int64  `json:"degree"`
		Residuals nanList  `json:"residuals"`
		Names     []string `json:"names"`
	}
	b, err := os.ReadFile("testdata/polyfit_golden.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &cases))
	require.NotEmpty(t, cases)
	for _, c := range cases {
		t.Run(c.Calendar, func(t *testing.T) {
			cal := cftime.Standard
			if c.Calendar == "noleap" {
				cal = cftime.NoLeap
			}
			ts, err := cftime.NewTimes(cftime.MustDate(cal, 2000, 1, 1, 0, 0, 0, 0), cftime.Day, c.Days)
			require.NoError(t, err)
			d, err := block.FromSlice(append([]float64(nil), c.Data...), c.Shape...)
			require.NoError(t, err)
			a := labelled.New(ndarray.FromDense(d, chunk.PerAxis(5, 2, 3)), []string{"time", "y", "x"}, labelled.Name("t2m"),
				labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(ts)),
					labelled.IndexCoord("y", labelled.Float64Index{10, 20, 30}),
					labelled.IndexCoord("x", labelled.Int64Index{1, 2, 3, 4})))
			ds, err := a.Polyfit("time", 2, labelled.PolyfitOptions{SkipNaN: true})
			require.NoError(t, err)
			assert.Subset(t, c.Names, ds.Names())
			coef := ds.Var("polyfit_coefficients")
			assert.Equal(t, []string{"degree", "y", "x"}, coef.Dims())
			assert.Equal(t, labelled.Int64Index(c.Degree), coef.Index("degree"))
			assert.NotNil(t, coef.Coord("y"))
			cd, err := coef.Compute(t.Context())
			require.NoError(t, err)
			got := cd.Float64s()
			per := len(got) / 3
			for deg := range 3 {
				for i := range per {
					w, g := c.Coef[deg*per+i], got[deg*per+i]
					if math.IsNaN(w) {
						assert.True(t, math.IsNaN(g), "degree %d pixel %d: got %v, want NaN", deg, i, g)
						continue
					}
					assert.InEpsilon(t, w, g, 1e-6, "degree %d pixel %d", deg, i)
				}
			}
			res := ds.Var("polyfit_residuals")
			assert.Equal(t, []string{"y", "x"}, res.Dims())
			rd, err := res.Compute(t.Context())
			require.NoError(t, err)
			for i, w := range c.Residuals {
				g := rd.Float64s()[i]
				if math.IsNaN(w) {
					assert.True(t, math.IsNaN(g), "residual %d: got %v, want NaN", i, g)
					continue
				}
				assert.InEpsilon(t, w, g, 1e-6, "residual %d", i)
			}
		})
	}
}

func TestPolyfitLabelledErrors(t *testing.T) {
	data := ndarray.Zeros(block.Float64, []int{4, 2}, chunk.Auto())
	a := labelled.New(data, []string{"time", "x"},
		labelled.Coords(labelled.IndexCoord("time", labelled.StringIndex{"a", "b", "c", "d"})))
	_, err := a.Polyfit("time", 1, labelled.PolyfitOptions{})
	assert.ErrorIs(t, err, labelled.ErrLabelType)
	assert.Contains(t, err.Error(), `labels of "time"`)
	_, err = a.Polyfit("lat", 1, labelled.PolyfitOptions{})
	assert.ErrorIs(t, err, labelled.ErrDim)
	// no coordinate: x is 0…n-1
	b := labelled.New(ndarray.Arange(0, 8, 1, chunk.Auto()).Reshape([]int{4, 2}), []string{"x", "y"})
	ds, err := b.Polyfit("y", 1, labelled.PolyfitOptions{})
	require.NoError(t, err)
	d, err := ds.Var("polyfit_coefficients").Compute(t.Context())
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float64{1, 1, 1, 1, 0, 2, 4, 6}, d.Float64s(), 1e-12)
	_, err = b.Polyfit("x", -1, labelled.PolyfitOptions{})
	assert.ErrorIs(t, err, linalg.ErrDegree)
}
