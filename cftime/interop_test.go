package cftime

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const python = "/usr/bin/python3"

// needPeer skips when the peer (python3 with the named modules) is missing.
func needPeer(t *testing.T, modules ...string) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Skipf("peer missing: %s not found", python)
	}
	for _, m := range modules {
		if err := exec.Command(python, "-c", "import "+m).Run(); err != nil {
			t.Skipf("peer missing: python module %s not importable: %v", m, err)
		}
	}
}

// TestEncodeReadByXarray encodes axes in every calendar with Encode and
// has the real xarray decode the units and values it wrote: each time
// comes back as the same date.
func TestEncodeReadByXarray(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python")
	}
	needPeer(t, "xarray", "cftime")
	type jcase struct {
		Calendar string `json:"calendar"`
		Units    string `json:"units"`
		Values   []any  `json:"values"`
	}
	var cases []jcase
	var want [][]string
	var lossy []int // cases Encode refused without AllowLossy
	for _, cal := range fuzzCalendars {
		for _, axis := range [][]Time{
			{MustDate(cal, 2000, 1, 1, 0, 0, 0, 0), MustDate(cal, 2000, 2, 28, 0, 0, 0, 0), MustDate(cal, 2000, 3, 1, 0, 0, 0, 0)},
			{MustDate(cal, 1850, 1, 1, 12, 0, 0, 0), MustDate(cal, 1850, 1, 2, 18, 0, 0, 0), MustDate(cal, 2100, 12, 1, 6, 0, 0, 0)},
			{MustDate(cal, 1, 1, 1, 0, 0, 0, 0), MustDate(cal, 1582, 10, 4, 0, 0, 0, 0), MustDate(cal, 1582, 10, 15, 0, 0, 0, 0)},
			{MustDate(cal, 2000, 1, 1, 0, 0, 1, 500_000_000), MustDate(cal, 2000, 1, 1, 0, 0, 2, 0)},
			{MustDate(cal, 2020, 6, 1, 0, 0, 0, 0), MustDate(cal, 2019, 6, 1, 0, 0, 0, 0)},
		} {
			ts, err := TimesOf(axis)
			require.NoError(t, err)
			// (xarray applies a one-digit zone hour, "-6:00", only on its
			// pandas path; cftime ignores it, so only "-06:00" means the
			// same to both.)
			for _, units := range []string{"", "days since 1970-01-01", "hours since 1900-01-01 00:00:00 -06:00"} {
				opts := EncodeOptions{}
				if units != "" {
					u, err := ParseUnits(units, cal)
					require.NoError(t, err)
					opts.Units = &u
				}
				enc, err := Encode(ts, opts)
				if errors.Is(err, ErrPrecision) {
					// Refused as lossy; check that xarray indeed does not
					// read the lossy floats back as these times.
					opts.AllowLossy = true
					enc, err = Encode(ts, opts)
					require.NoError(t, err)
					lossy = append(lossy, len(cases))
				}
				require.NoError(t, err, "%v %v", cal, axis)
				c := jcase{Calendar: cal.String(), Units: enc.Units.String()}
				if units != "" {
					c.Units = units // the string as given, zone and all
				}
				for i := range axis {
					if enc.Ints != nil {
						c.Values = append(c.Values, enc.Ints[i])
					} else {
						c.Values = append(c.Values, enc.Floats[i])
					}
				}
				cases = append(cases, c)
				w := make([]string, len(axis))
				for i, tm := range axis {
					w[i] = tm.ISO()
				}
				want = append(want, w)
			}
		}
	}
	in, err := json.Marshal(cases)
	require.NoError(t, err)
	cmd := exec.Command(python, filepath.Join("testdata", "decode_with_xarray.py"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	var got [][]string
	require.NoError(t, json.Unmarshal(out, &got))
	require.Len(t, got, len(want))
	refused := map[int]bool{}
	for _, i := range lossy {
		refused[i] = true
	}
	for i := range want {
		if refused[i] {
			assert.NotEqual(t, want[i], got[i], "Encode refused %s %q %v, which xarray reads exactly", cases[i].Calendar, cases[i].Units, cases[i].Values)
			continue
		}
		assert.Equal(t, want[i], got[i], "%s %q %v", cases[i].Calendar, cases[i].Units, cases[i].Values)
	}
	assert.NotEmpty(t, lossy)
}

// TestFixturesAreThePeers regenerates the fixture tables with their
// scripts and the real cftime and xarray, and checks the committed ones
// are what the peers give today.
func TestFixturesAreThePeers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python")
	}
	needPeer(t, "xarray", "cftime")
	out, err := exec.Command(python, filepath.Join("testdata", "make_xarray_fixtures.py")).Output()
	require.NoError(t, err)
	committed, err := os.ReadFile(filepath.Join("testdata", "xarray_table.json"))
	require.NoError(t, err)
	assert.JSONEq(t, string(committed), string(out))

	out, err = exec.Command(python, filepath.Join("testdata", "make_fixtures.py")).Output()
	require.NoError(t, err)
	var fresh, old any
	require.NoError(t, json.Unmarshal(out, &fresh))
	rows := loadTableJSON(t)
	require.NoError(t, json.Unmarshal(rows, &old))
	assert.Equal(t, old, fresh)
}
