package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/quicklook"
	"github.com/tessera-array/tessera/zarr"
)

func init() {
	register("info", "describe a Zarr store (tree, shapes, dtypes, chunks, codecs, sizes) or rasters (size, bands, dtype, blocks, CRS, bounds, nodata, scale/offset)", info)
	register("convert", "copy a Zarr store between v2 and v3 (with sharding), in parallel", zarrConvert)
}

// isZarr reports whether path holds Zarr metadata at its root.
func isZarr(ctx context.Context, s zarr.Store) bool {
	for _, k := range []string{"zarr.json", ".zgroup", ".zarray", ".zmetadata"} {
		if _, err := s.Get(ctx, k); err == nil {
			return true
		}
	}
	return false
}

func openZarr(ctx context.Context, path string) (zarr.Store, error) {
	if !strings.Contains(path, "://") {
		if _, err := os.Stat(path); err != nil {
			return nil, err // never create a directory just to look at it
		}
	}
	s, err := zarr.OpenStore(path)
	if err != nil {
		return nil, err
	}
	if !isZarr(ctx, s) {
		return nil, fmt.Errorf("%s: %w (no zarr.json, .zgroup, .zarray or .zmetadata)", path, zarr.ErrNotFound)
	}
	if cs, err := zarr.OpenConsolidated(ctx, s, ""); err == nil {
		if _, ok := s.(zarr.Lister); !ok {
			return cs, nil
		}
	}
	return s, nil
}

func humanBytes(n int64) string {
	f := float64(n)
	for _, u := range []string{"B", "KiB", "MiB", "GiB", "TiB"} {
		if f < 1024 || u == "TiB" {
			if u == "B" {
				return fmt.Sprintf("%d B", n)
			}
			return fmt.Sprintf("%.1f %s", f, u)
		}
		f /= 1024
	}
	return ""
}

func codecSummary(m *zarr.ArrayMeta) string {
	var parts []string
	add := func(raw json.RawMessage) {
		var h map[string]any
		if json.Unmarshal(raw, &h) != nil {
			parts = append(parts, string(raw))
			return
		}
		name, _ := h["name"].(string)
		if name == "" {
			name, _ = h["id"].(string)
			delete(h, "id")
		}
		if c, ok := h["configuration"].(map[string]any); ok {
			h = c
		} else {
			delete(h, "name")
		}
		if name == "sharding_indexed" {
			inner, _ := json.Marshal(h["chunk_shape"])
			name = "sharding(inner " + string(inner) + ")"
			h = nil
		}
		var kv []string
		for k, v := range h {
			kv = append(kv, fmt.Sprintf("%s=%v", k, v))
		}
		sort.Strings(kv)
		if len(kv) > 0 {
			name += "(" + strings.Join(kv, ",") + ")"
		}
		parts = append(parts, name)
	}
	for _, f := range m.Filters {
		add(f)
	}
	if m.Compressor != nil {
		add(m.Compressor)
	}
	for _, c := range m.Codecs {
		add(c)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " | ")
}

func storedBytes(ctx context.Context, s zarr.Store, prefix string) (int64, int, bool) {
	l, ok := s.(zarr.Lister)
	if !ok {
		return 0, 0, false
	}
	var total int64
	n := 0
	for k, err := range l.List(ctx, prefix) {
		if err != nil {
			return 0, 0, false
		}
		base := k[strings.LastIndex(k, "/")+1:]
		if strings.HasPrefix(base, ".z") || base == "zarr.json" {
			continue
		}
		rest := strings.TrimPrefix(k, prefix)
		if prefix != "" && strings.Count(rest, "/") > 0 && !strings.HasPrefix(rest, "c/") && !strings.HasPrefix(rest, "c.") && !isChunkKey(rest) {
			continue // belongs to a child node
		}
		if sz, ok := s.(interface {
			Size(ctx context.Context, key string) (int64, error)
		}); ok {
			if b, err := sz.Size(ctx, k); err == nil {
				total += b
				n++
				continue
			}
		}
		if b, err := s.Get(ctx, k); err == nil {
			total += int64(len(b))
			n++
		}
	}
	return total, n, true
}

func isChunkKey(rest string) bool {
	for _, part := range strings.FieldsFunc(rest, func(r rune) bool { return r == '/' || r == '.' }) {
		if _, err := strconv.Atoi(part); err != nil {
			return false
		}
	}
	return true
}

// info describes a Zarr store, or hands rasters (any GDAL dataset) to
// rasterInfo.
func info(ctx context.Context, w io.Writer, args []string) error {
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if s, err := zarr.OpenStore(a); err == nil && (strings.Contains(a, "://") || isDir(a)) && isZarr(ctx, s) {
			return zarrInfo(ctx, w, args)
		}
		break
	}
	return rasterInfo(ctx, args, w)
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func zarrInfo(ctx context.Context, w io.Writer, args []string) error {
	fl := flag.NewFlagSet("info", flag.ContinueOnError)
	fl.SetOutput(w)
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		return errors.New("usage: tessera info PATH")
	}
	s, err := openZarr(ctx, fl.Arg(0))
	if err != nil {
		return err
	}
	bad := 0
	if err := printNode(ctx, w, s, "", 0, &bad); err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%w: %d array(s) could not be opened (see above)", errBadArrays, bad)
	}
	return nil
}

// errBadArrays reports that info listed arrays it could not open; the
// rest of the tree was still printed.
var errBadArrays = errors.New("invalid arrays")

// logicalBytes is the byte size of an array of shape, saturating.
func logicalBytes(shape []int, dt block.DType) int64 {
	n, es := chunk.Size(shape), int64(dt.Size())
	if n < 0 || (es != 0 && n > math.MaxInt64/es) {
		return math.MaxInt64
	}
	return n * es
}

// printNode prints the node at path and, for a group, its members. An
// array whose metadata cannot be opened is printed with its error and
// counted in bad, so the rest of the group is still listed. A group lists
// its dims and sizes; a coordinate variable (a 1-D array named as its
// dim, or one named by a member's "coordinates" attribute) lists its
// count and its decoded first and last values.
func printNode(ctx context.Context, w io.Writer, s zarr.Store, path string, depth int, bad *int) error {
	return printNodeIn(ctx, w, s, path, depth, bad, nil)
}

func printNodeIn(ctx context.Context, w io.Writer, s zarr.Store, path string, depth int, bad *int, coords map[string]bool) error {
	indent := strings.Repeat("  ", depth)
	name := path
	if name == "" {
		name = "/"
	} else {
		name = name[strings.LastIndex(name, "/")+1:]
	}
	if a, err := zarr.OpenArray(ctx, s, path); err == nil {
		m := a.Meta()
		logical := logicalBytes(m.Shape, m.DType)
		fmt.Fprintf(w, "%s%s  array v%d  %s  shape %v  chunks %v  %s\n", indent, name, m.Format, m.DType, m.Shape, m.Chunks, codecSummary(m))
		if m.DimensionNames != nil {
			fmt.Fprintf(w, "%s    dims %v\n", indent, m.DimensionNames)
		}
		if coords[name] {
			fmt.Fprintf(w, "%s    coord %s\n", indent, coordSummary(ctx, a))
		}
		if st, n, ok := storedBytes(ctx, s, strings.TrimSuffix(path+"/", "/")+map[bool]string{true: "", false: "/"}[path == ""]); ok {
			ratio := ""
			if st > 0 {
				ratio = fmt.Sprintf("  ratio %.2f", float64(logical)/float64(st))
			}
			fmt.Fprintf(w, "%s    %s logical, %s stored in %d objects%s\n", indent, humanBytes(logical), humanBytes(st), n, ratio)
		}
		return nil
	} else if !errors.Is(err, zarr.ErrNotFound) {
		if depth == 0 || !errors.Is(err, zarr.ErrMetadata) {
			return err
		}
		if errors.Is(err, zarr.ErrDType) {
			// a dtype tessera cannot read is not a broken store: list it
			// and go on (xarray stores hold dtypes tessera may lack)
			fmt.Fprintf(w, "%s%s  array  unsupported dtype: %v\n", indent, name, err)
			return nil
		}
		fmt.Fprintf(w, "%s%s  array  error: %v\n", indent, name, err)
		*bad++
		return nil
	}
	g, err := zarr.OpenGroup(ctx, s, path)
	if err != nil {
		return err
	}
	attrs := ""
	if len(g.Attributes) > 0 {
		b, _ := json.Marshal(g.Attributes)
		if len(b) > 80 {
			b = append(b[:77], "..."...)
		}
		attrs = "  " + string(b)
	}
	fmt.Fprintf(w, "%s%s  group v%d%s\n", indent, name, g.Format, attrs)
	ms, err := g.Members(ctx)
	if err != nil {
		return err
	}
	dims, sub := groupDims(ctx, s, ms)
	if len(dims) > 0 {
		fmt.Fprintf(w, "%s  dims %s\n", indent, strings.Join(dims, " "))
	}
	for _, m := range ms {
		if err := printNodeIn(ctx, w, s, m.Path, depth+1, bad, sub); err != nil {
			return err
		}
	}
	return nil
}

// groupDims opens the arrays among ms (skipping those that do not open)
// and returns their dims as "name=size" in first-seen order (a dim seen
// with two sizes shows both) and the names of the coordinate variables.
func groupDims(ctx context.Context, s zarr.Store, ms []zarr.Member) ([]string, map[string]bool) {
	var order []string
	sizes := map[string][]int{}
	coords := map[string]bool{}
	for _, m := range ms {
		if !m.IsArray {
			continue
		}
		a, err := zarr.OpenArray(ctx, s, m.Path)
		if err != nil {
			continue
		}
		meta := a.Meta()
		for i, d := range meta.DimensionNames {
			if i >= len(meta.Shape) {
				break
			}
			if _, ok := sizes[d]; !ok {
				order = append(order, d)
			}
			if !slices.Contains(sizes[d], meta.Shape[i]) {
				sizes[d] = append(sizes[d], meta.Shape[i])
			}
		}
		if len(meta.DimensionNames) == 1 && meta.DimensionNames[0] == m.Name {
			coords[m.Name] = true
		}
		if c, ok := meta.Attributes["coordinates"].(string); ok {
			for _, n := range strings.Fields(c) {
				coords[n] = true
			}
		}
	}
	out := make([]string, 0, len(order))
	for _, d := range order {
		ss := make([]string, len(sizes[d]))
		for i, n := range sizes[d] {
			ss[i] = strconv.Itoa(n)
		}
		out = append(out, d+"="+strings.Join(ss, "|"))
	}
	return out, coords
}

// coordSummary is "N values  first F  last L" for a coordinate array,
// decoded as xarray decodes it (fill value as NaN/NaT, scale_factor and
// add_offset, CF time units); only the first and last elements are read.
// A read error is shown in place of the values.
func coordSummary(ctx context.Context, a *zarr.Array) string {
	m := a.Meta()
	n := chunk.Size(m.Shape)
	if n <= 0 {
		return "0 values"
	}
	first, err := elementAt(ctx, a, 0)
	if err != nil {
		return fmt.Sprintf("%d values  error: %v", n, err)
	}
	last, err := elementAt(ctx, a, n-1)
	if err != nil {
		return fmt.Sprintf("%d values  error: %v", n, err)
	}
	return fmt.Sprintf("%d values  first %s  last %s", n, decodeValue(m, first), decodeValue(m, last))
}

// elementAt reads element i (C order) of a as a one-element block.
func elementAt(ctx context.Context, a *zarr.Array, i int64) (*block.Dense, error) {
	shape := a.Shape()
	lo, hi := make([]int, len(shape)), make([]int, len(shape))
	for ax := len(shape) - 1; ax >= 0; ax-- {
		lo[ax] = int(i % int64(shape[ax]))
		i /= int64(shape[ax])
		hi[ax] = lo[ax] + 1
	}
	return a.Read(ctx, chunk.Box{Lo: lo, Hi: hi})
}

// decodeValue formats one stored element of an array (a one-element block)
// as xarray would show it decoded: strings quoted, datetime64 and CF time
// units ("days since …", in the "calendar" attribute's calendar, through
// package cftime) as dates, fill values as NaN/NaT, scale_factor and
// add_offset applied, other numbers with their units.
func decodeValue(m *zarr.ArrayMeta, d *block.Dense) string {
	dt := d.DType()
	switch {
	case dt.IsString():
		return strconv.Quote(block.Values[string](d)[0])
	case dt.IsDateTime():
		v := block.Values[int64](d)[0]
		if v == math.MinInt64 {
			return "NaT"
		}
		tu, _ := dt.Unit()
		u, err := cftime.ParseUnits(tu.String()+" since 1970-01-01", cftime.ProlepticGregorian)
		if err != nil {
			return fmt.Sprintf("%d (%s)", v, dt)
		}
		t, err := u.Decode(float64(v))
		if err != nil {
			return fmt.Sprintf("%d (%s)", v, dt)
		}
		return formatTime(t)
	case !dt.IsNumeric() || dt.IsComplex():
		return fmt.Sprint(d.Data())
	}
	v := d.Float64(0)
	fill, _ := zarr.FillForFormat(m, 2)
	units, _ := m.Attributes["units"].(string)
	cal, _ := m.Attributes["calendar"].(string)
	var tu cftime.Units
	isTime := false
	if c, err := cftime.ParseCalendar(cal); err == nil && strings.Contains(strings.ToLower(units), " since ") {
		if u, err := cftime.ParseUnits(units, c); err == nil {
			tu, isTime = u, true
		}
	}
	if fill != nil && (v == *fill || (math.IsNaN(v) && math.IsNaN(*fill))) {
		if isTime {
			return "NaT"
		}
		return "NaN"
	}
	if sf, ok := m.Attributes["scale_factor"].(float64); ok {
		v *= sf
	}
	if ao, ok := m.Attributes["add_offset"].(float64); ok {
		v += ao
	}
	if isTime {
		if t, err := tu.Decode(v); err == nil {
			return formatTime(t)
		}
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if units != "" && !isTime {
		s += " " + units
	}
	return s
}

// formatTime is a date alone at midnight, else the ISO date and time.
func formatTime(t cftime.Time) string {
	if h, mi, sec := t.Clock(); h == 0 && mi == 0 && sec == 0 && t.Nanosecond() == 0 {
		return t.ISO()[:strings.IndexByte(t.ISO(), 'T')]
	}
	return t.ISO()
}

// compressor turns -compressor text into v2 and v3 forms.
func compressor(spec string, format int) (json.RawMessage, []json.RawMessage, error) {
	name, arg, _ := strings.Cut(spec, ":")
	level := 1
	if arg != "" {
		l, err := strconv.Atoi(arg)
		if err != nil {
			return nil, nil, fmt.Errorf("compressor %q: bad level", spec)
		}
		level = l
	}
	bytesCodec := json.RawMessage(`{"name":"bytes","configuration":{"endian":"little"}}`)
	switch name {
	case "zstd":
		return json.RawMessage(fmt.Sprintf(`{"id":"zstd","level":%d}`, level)),
			[]json.RawMessage{bytesCodec, json.RawMessage(fmt.Sprintf(`{"name":"zstd","configuration":{"level":%d,"checksum":false}}`, level))}, nil
	case "gzip":
		return json.RawMessage(fmt.Sprintf(`{"id":"gzip","level":%d}`, level)),
			[]json.RawMessage{bytesCodec, json.RawMessage(fmt.Sprintf(`{"name":"gzip","configuration":{"level":%d}}`, level))}, nil
	case "blosc-lz4":
		return json.RawMessage(`{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0}`),
			[]json.RawMessage{bytesCodec, json.RawMessage(`{"name":"blosc","configuration":{"cname":"lz4","clevel":5,"shuffle":"shuffle","typesize":TYPESIZE,"blocksize":0}}`)}, nil
	case "none":
		return zarr.NoCompressor, []json.RawMessage{bytesCodec}, nil
	}
	return nil, nil, fmt.Errorf("unknown compressor %q (zstd[:level], gzip[:level], blosc-lz4, none)", spec)
}

func parseInts(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q: want positive integers separated by commas", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func zarrConvert(ctx context.Context, w io.Writer, args []string) error {
	fl := flag.NewFlagSet("convert", flag.ContinueOnError)
	fl.SetOutput(w)
	format := fl.Int("format", 3, "target Zarr format: 2 or 3")
	shardFactor := fl.String("shards", "", "v3: shard shape in chunks per axis, e.g. 4,4,1 (all arrays of that rank)")
	comp := fl.String("compressor", "zstd:1", "zstd[:level], gzip[:level], blosc-lz4 or none")
	workers := fl.Int("workers", 0, "tasks at once (0: GOMAXPROCS)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() != 2 {
		return errors.New("usage: tessera convert [flags] SRC DST")
	}
	if *format != 2 && *format != 3 {
		return fmt.Errorf("-format %d: want 2 or 3", *format)
	}
	factor, err := parseInts(*shardFactor)
	if err != nil {
		return fmt.Errorf("-shards %w", err)
	}
	if factor != nil && *format != 3 {
		return errors.New("-shards needs -format 3")
	}
	src, err := openZarr(ctx, fl.Arg(0))
	if err != nil {
		return err
	}
	dst, err := zarr.NewDirectoryStore(fl.Arg(1))
	if err != nil {
		return err
	}
	if isZarr(ctx, dst) {
		return fmt.Errorf("%s: %w", fl.Arg(1), zarr.ErrExists)
	}
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: *workers})
	var walk func(path string) error
	walk = func(path string) error {
		a, err := zarr.OpenArray(ctx, src, path)
		if err == nil {
			return convertArray(ctx, w, a, dst, path, *format, factor, *comp, ex)
		}
		if !errors.Is(err, zarr.ErrNotFound) {
			return fmt.Errorf("/%s: %w", path, err)
		}
		g, err := zarr.OpenGroup(ctx, src, path)
		if err != nil {
			return err
		}
		if _, err := zarr.CreateGroup(ctx, dst, path, *format, g.Attributes); err != nil {
			return err
		}
		ms, err := g.Members(ctx)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := walk(m.Path); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(""); err != nil {
		return err
	}
	return zarr.Consolidate(ctx, dst)
}

func convertArray(ctx context.Context, w io.Writer, a *zarr.Array, dst zarr.Store, path string, format int, factor []int, comp string, ex cluster.Executor) error {
	m := a.Meta()
	v2c, v3c, err := compressor(comp, format)
	if err != nil {
		return err
	}
	for i, c := range v3c {
		v3c[i] = json.RawMessage(strings.ReplaceAll(string(c), "TYPESIZE", strconv.Itoa(m.DType.Size())))
	}
	inner := m.Chunks
	if a.Meta().Format == 3 && len(m.Codecs) == 1 && strings.Contains(string(m.Codecs[0]), "sharding_indexed") {
		var sh struct {
			Configuration struct {
				ChunkShape []int `json:"chunk_shape"`
			} `json:"configuration"`
		}
		if json.Unmarshal(m.Codecs[0], &sh) == nil && len(sh.Configuration.ChunkShape) == len(m.Shape) {
			inner = sh.Configuration.ChunkShape
		}
	}
	// The fill value xarray reads (v2 fill_value, v3 _FillValue) moves to
	// the target format's place for it; an undefined one stays undefined.
	fill, attrs := zarr.FillForFormat(m, format)
	o := zarr.CreateOptions{Format: format, Shape: m.Shape, DType: m.DType, Chunks: inner, DimensionNames: m.DimensionNames, Attributes: attrs, FillValue: fill}
	if format == 2 {
		o.Compressor = v2c
	} else {
		o.Codecs = v3c
	}
	lazyChunks := inner
	if factor != nil && len(m.Shape) > 0 {
		if len(factor) != len(m.Shape) {
			return fmt.Errorf("%s: -shards has %d entries for rank %d", path, len(factor), len(m.Shape))
		}
		o.Shards = make([]int, len(inner))
		for i := range inner {
			if factor[i] > math.MaxInt/inner[i] {
				return fmt.Errorf("%s: -shards %v times chunks %v overflows", path, factor, inner)
			}
			o.Shards[i] = inner[i] * factor[i]
		}
		lazyChunks = o.Shards
	}
	x := a.Lazy(chunk.PerAxis(lazyChunks...))
	out, err := zarr.Create(ctx, dst, path, o)
	if err != nil {
		return err
	}
	snk, err := out.Sink()
	if err != nil {
		return err
	}
	n, err := ndarray.Store(ctx, x, snk, ndarray.WithExecutor(ex))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintf(w, "%s: %v %s -> v%d, %s written\n", "/"+path, m.Shape, m.DType, format, humanBytes(n))
	return nil
}

func init() {
	register("quicklook", "render a 2-D Zarr array (or one band/slice of it) to PNG", quicklookCmd)
}

func quicklookCmd(ctx context.Context, w io.Writer, args []string) error {
	fl := flag.NewFlagSet("quicklook", flag.ContinueOnError)
	fl.SetOutput(w)
	out := fl.String("o", "quicklook.png", "output PNG")
	cmap := fl.String("cmap", "viridis", "colormap: viridis or greys")
	index := fl.Int("index", 0, "for 3-D arrays: the index along the first axis (band or time)")
	size := fl.Int("size", 1024, "largest side of the picture")
	nodata := fl.String("nodata", "", "value drawn transparent (NaN always is)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	o := quicklook.Options{Colormap: *cmap, MaxSize: *size}
	if *nodata != "" {
		v, err := strconv.ParseFloat(*nodata, 64)
		if err != nil {
			return fmt.Errorf("-nodata %q: %w", *nodata, err)
		}
		o.NoData = &v
	}
	if fl.NArg() == 1 { // a raster: one band, nodata from the file
		d, err := rasterBand(ctx, fl.Arg(0), *index+1)
		if err != nil {
			return err
		}
		return writeQuicklook(w, *out, d, o)
	}
	if fl.NArg() != 2 {
		return errors.New("usage: tessera quicklook [flags] RASTER | STORE ARRAY_PATH")
	}
	s, err := openZarr(ctx, fl.Arg(0))
	if err != nil {
		return err
	}
	a, err := zarr.OpenArray(ctx, s, fl.Arg(1))
	if err != nil {
		return err
	}
	var d *block.Dense
	switch len(a.Shape()) {
	case 2:
		d, err = a.ReadAll(ctx)
	case 3:
		sh := a.Shape()
		if *index < 0 || *index >= sh[0] {
			return fmt.Errorf("-index %d outside 0..%d", *index, sh[0]-1)
		}
		d, err = a.Read(ctx, chunk.Box{Lo: []int{*index, 0, 0}, Hi: []int{*index + 1, sh[1], sh[2]}})
		if err == nil {
			d, err = d.Reshape(sh[1], sh[2])
		}
	default:
		return fmt.Errorf("array %q has shape %v: quicklook needs 2-D or 3-D", fl.Arg(1), a.Shape())
	}
	if err != nil {
		return err
	}
	if o.NoData == nil && a.Meta().FillValue.Defined && !a.DType().IsFloat() {
		v := a.Meta().FillValue.Value
		o.NoData = &v
	}
	return writeQuicklook(w, *out, d, o)
}

// writeQuicklook renders d and writes the PNG atomically.
func writeQuicklook(w io.Writer, out string, d *block.Dense, o quicklook.Options) error {
	img, err := quicklook.RenderDense(d, o)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".tmp-quicklook-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := quicklook.WritePNG(f, img); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: %dx%d %s\n", out, img.Bounds().Dx(), img.Bounds().Dy(), o.Colormap)
	return nil
}
