package labelled

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// String prints the array as xarray prints a dask-backed DataArray, without
// computing anything: a header with the name, dims and sizes and the data's
// bytes, the lazy data's one-line repr (shape, dtype, chunk shape, chunks and
// task count), the coordinates (marked * when they index a dim) with their
// dims, dtype, bytes and first and last values, and the attrs:
//
//	<labelled.Array 't2m' (time: 4, lat: 3)> Size: 96B
//	ndarray.Array<…, shape=[4 3], dtype=float64, chunksize=[4 3], chunks=1, tasks=1>
//	Coordinates:
//	  * time     (time) int64 32B 0 1 2 3
//	  * lat      (lat) float64 24B 60.0 45.0 30.0
//	Attributes:
//	    units:    K
//
// An errored array prints "<labelled.Array error: …>".
func (a *Array) String() string {
	if err := a.Err(); err != nil {
		return fmt.Sprintf("<labelled.Array error: %v>", err)
	}
	var b strings.Builder
	b.WriteString("<labelled.Array")
	if a.name != "" {
		fmt.Fprintf(&b, " %s", quote(a.name))
	}
	fmt.Fprintf(&b, " (%s)> Size: %s\n", dimSizes(a.v.dims, a.v.data.Shape()), bytesText(a.v.data.Nbytes()))
	fmt.Fprintf(&b, "%#v\n", a.v.data)
	writeCoords(&b, a.coords)
	writeAttrs(&b, a.v.attrs)
	return strings.TrimRight(b.String(), "\n")
}

// String prints the dataset as xarray prints a Dataset: dims and sizes,
// coordinates with first and last values, each data variable with its dims,
// dtype, bytes and its lazy data's chunk shape and task count, and attrs.
func (ds *Dataset) String() string {
	var b strings.Builder
	var total int64
	for _, n := range ds.names {
		total += ds.vars[n].data.Nbytes()
	}
	for _, c := range ds.coords {
		total += coordBytes(c)
	}
	fmt.Fprintf(&b, "<labelled.Dataset> Size: %s\n", bytesText(total))
	shape := make([]int, len(ds.dims))
	for i, d := range ds.dims {
		shape[i] = ds.sizes[d]
	}
	fmt.Fprintf(&b, "Dimensions:  (%s)\n", dimSizes(ds.dims, shape))
	writeCoords(&b, ds.coords)
	b.WriteString("Data variables:\n")
	if len(ds.names) == 0 {
		b.WriteString("    *empty*\n")
	}
	for _, n := range ds.names {
		v := ds.vars[n]
		grid := v.data.Grid()
		chunks := make([]int, v.data.Rank())
		nchunks := int64(1)
		for i := range chunks {
			ax := grid.Axes()[i]
			chunks[i] = ax.MaxSize()
			nchunks *= int64(ax.NumChunks())
		}
		fmt.Fprintf(&b, "    %-8s (%s) %s %s ndarray.Array<chunksize=%v, chunks=%d, tasks=%d>\n",
			n, strings.Join(v.dims, ", "), v.data.DType(), bytesText(v.data.Nbytes()), chunks, nchunks, v.data.Tasks())
	}
	writeAttrs(&b, ds.attrs)
	return strings.TrimRight(b.String(), "\n")
}

func quote(s string) string { return "'" + s + "'" }

func dimSizes(dims []string, shape []int) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = d + ": " + strconv.Itoa(shape[i])
	}
	return strings.Join(parts, ", ")
}

// bytesText prints a byte count as xarray's repr does (decimal units).
func bytesText(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	f := float64(n)
	u := 0
	for f >= 1000 && u < len(units)-1 {
		f /= 1000
		u++
	}
	if u == 0 {
		return strconv.FormatInt(n, 10) + "B"
	}
	if f < 10 {
		return strconv.FormatFloat(f, 'f', 1, 64) + units[u]
	}
	return strconv.FormatFloat(f, 'f', 0, 64) + units[u]
}

func itemBytes(ix Index) int64 {
	dt := ix.DType()
	switch {
	case strings.HasPrefix(dt, "<U"):
		n, _ := strconv.Atoi(dt[2:])
		return 4 * int64(n)
	case strings.HasSuffix(dt, "32"):
		return 4
	case strings.HasSuffix(dt, "16"):
		return 2
	case strings.HasSuffix(dt, "8") && !strings.HasSuffix(dt, "128"):
		return 1
	}
	return 8
}

func coordBytes(c *Coord) int64 { return itemBytes(c.values) * int64(c.values.Len()) }

// labelsText is the first and last labels: all of them up to four, else
// the first two, "...", the last.
func labelsText(ix Index) string {
	n := ix.Len()
	if n <= 4 {
		parts := make([]string, n)
		for i := range n {
			parts[i] = ix.Format(i)
		}
		return strings.Join(parts, " ")
	}
	return ix.Format(0) + " " + ix.Format(1) + " ... " + ix.Format(n-1)
}

func writeCoords(b *strings.Builder, coords []*Coord) {
	if len(coords) == 0 {
		return
	}
	b.WriteString("Coordinates:\n")
	for _, c := range coords {
		mark := " "
		if c.IsIndex() {
			mark = "*"
		}
		dims := ""
		if len(c.dims) > 0 {
			dims = "(" + strings.Join(c.dims, ", ") + ") "
		}
		fmt.Fprintf(b, "  %s %-8s %s%s %s %s\n", mark, c.name, dims, c.values.DType(), bytesText(coordBytes(c)), labelsText(c.values))
	}
}

func writeAttrs(b *strings.Builder, attrs map[string]any) {
	if len(attrs) == 0 {
		return
	}
	b.WriteString("Attributes:\n")
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "    %-9s %v\n", k+":", attrs[k])
	}
}
