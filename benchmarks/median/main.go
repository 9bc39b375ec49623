// Command median benchmarks tessera's exact per-pixel median of a
// (time, y, x) float32 stack against dask's (Debian's /usr/bin/python3),
// each side in a process of its own on the same pinned cores, on the same
// raw float32 file read in its stored chunking, and prints times, the
// ratio and each side's peak RSS.
//
//	go run ./benchmarks/median          # 64 x 2048 x 2048 float32 (1 GiB), chunks (8, 512, 512)
//	go run ./benchmarks/median -quick   # 16 x 128 x 128, chunks (4, 64, 64)
//
// tessera: stats.Median(x, QuantileAxis(0)) over a lazy array whose
// blocks are read from a read-only mapping of the file by a registered
// block function; one selection task per spatial tile reads the column of
// its 8 time blocks (no rechunk) and selects each pixel's two middle
// values by a branchless quickselect. dask: da.from_array over np.memmap
// of the file, x.rechunk({0: -1}), da.median(axis=0). Both results are
// written to files and must be equal element for element.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"
	"unsafe"

	"github.com/tessera-array/tessera/benchmarks/internal/child"
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/stats"
)

// config is the stack's shape and stored chunks.
type config struct {
	Shape  [3]int `json:"shape"`
	Chunks [3]int `json:"chunks"`
}

func fullConfig() config  { return config{Shape: [3]int{64, 2048, 2048}, Chunks: [3]int{8, 512, 512}} }
func quickConfig() config { return config{Shape: [3]int{16, 128, 128}, Chunks: [3]int{4, 64, 64}} }

type measurement struct {
	Seconds float64 `json:"seconds"`
	MaxRSS  float64 `json:"maxrss_mb"`
}

func main() {
	quick := flag.Bool("quick", false, "small sizes (a smoke run)")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "tessera-median-bench"), "directory holding the stack (made once, reused)")
	cores := flag.Int("cores", min(2, runtime.NumCPU()), "cores for each side")
	pin := flag.Bool("pin", true, "bind both sides to the same CPUs with taskset when available")
	childData := flag.String("child", "", "internal: run the tessera side on this file and print JSON")
	out := flag.String("out", "", "internal: result file for -child")
	cfgJSON := flag.String("config", "", "internal: config for -child")
	cpuprofile := flag.String("cpuprofile", "", "with -child: write a CPU profile to this file")
	flag.Parse()
	if *childData != "" {
		var cfg config
		if err := json.Unmarshal([]byte(*cfgJSON), &cfg); err != nil {
			fatal(fmt.Errorf("-config: %w", err))
		}
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				fatal(err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				fatal(err)
			}
		}
		m, err := runTessera(context.Background(), *childData, *out, cfg, *cores)
		if *cpuprofile != "" {
			pprof.StopCPUProfile()
		}
		if err != nil {
			fatal(err)
		}
		m.MaxRSS = float64(child.SelfMaxRSS()) / 1024
		_ = json.NewEncoder(os.Stdout).Encode(m)
		return
	}
	cfg := fullConfig()
	if *quick {
		cfg = quickConfig()
	}
	if err := run(context.Background(), cfg, *dir, *cores, *pin); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "median bench:", err)
	os.Exit(1)
}

func dataPath(cfg config, dir string) string {
	return filepath.Join(dir, fmt.Sprintf("stack-%dx%dx%d.f32", cfg.Shape[0], cfg.Shape[1], cfg.Shape[2]))
}

func run(ctx context.Context, cfg config, dir string, cores int, pin bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data := dataPath(cfg, dir)
	if err := ensureData(ctx, data, cfg); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cj, _ := json.Marshal(cfg)
	tOut, dOut := filepath.Join(dir, "tessera.f32"), filepath.Join(dir, "dask.f32")
	var tm measurement
	if _, err := child.Run(&tm, pin, cores, exe, "-child", data, "-out", tOut, "-config", string(cj), "-cores", strconv.Itoa(cores)); err != nil {
		return fmt.Errorf("tessera side: %w", err)
	}
	fmt.Printf("median of %v float32 chunked %v on %d cores\n", cfg.Shape, cfg.Chunks, cores)
	fmt.Printf("tessera  %7.2f s  peak RSS %6.0f MB\n", tm.Seconds, tm.MaxRSS)
	script := findScript()
	if script == "" {
		fmt.Println("dask     skipped (no /usr/bin/python3 with dask)")
		return nil
	}
	dm, err := runDask(script, data, dOut, cfg, cores, pin)
	if err != nil {
		return err
	}
	fmt.Printf("dask     %7.2f s  peak RSS %6.0f MB\n", dm.Seconds, dm.MaxRSS)
	fmt.Printf("ratio    %7.2fx (dask / tessera; target >= 3x)\n", dm.Seconds/tm.Seconds)
	d, err := maxAbsDiff(tOut, dOut)
	if err != nil {
		return err
	}
	fmt.Printf("max |tessera - dask| = %g\n", d)
	if d != 0 {
		return fmt.Errorf("results differ by up to %g", d)
	}
	return nil
}

// findScript locates dask_bench.py beside this source and checks
// that Debian's python has dask and numpy.
func findScript() string {
	return child.FindScript("benchmarks/median", "dask_bench.py", "dask", "numpy")
}

func runDask(script, data, out string, cfg config, cores int, pin bool) (measurement, error) {
	var m measurement
	args := []string{script, data, out}
	for _, v := range append(cfg.Shape[:], cfg.Chunks[:]...) {
		args = append(args, strconv.Itoa(v))
	}
	args = append(args, strconv.Itoa(cores))
	if _, err := child.Run(&m, pin, cores, "/usr/bin/python3", args...); err != nil {
		return m, fmt.Errorf("dask side: %w", err)
	}
	return m, nil
}

// readParams locate one stored block in the raw file.
type readParams struct {
	Path  string
	Shape [3]int
}

func init() {
	ndarray.RegisterBlockFunc("benchmarks/median.read", readBlock)
}

// readBlock reads block info.Box of the raw little-endian float32 stack:
// from a read-only mapping of the byte range the block spans when the
// platform maps files (as dask's side reads np.memmap), else one pread of
// each contiguous row run; rows are copied straight into the block.
func readBlock(ctx context.Context, _ []*block.Dense, p readParams, info ndarray.BlockInfo) (*block.Dense, error) {
	box := info.Box
	shape := box.Shape()
	if len(shape) != 3 || p.Shape[1] <= 0 || p.Shape[2] <= 0 {
		return nil, fmt.Errorf("%s: box %v of a stack of shape %v", p.Path, box, p.Shape)
	}
	f, err := os.Open(p.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := ndarray.Alloc(ctx, block.Float32, shape...)
	if err != nil {
		return nil, err
	}
	dst := d.Data().([]float32)
	off := func(t, y int) int64 {
		return ((int64(t)*int64(p.Shape[1])+int64(y))*int64(p.Shape[2]) + int64(box.Lo[2])) * 4
	}
	rowBytes := 4 * shape[2]
	lo, hi := off(box.Lo[0], box.Lo[1]), off(box.Hi[0]-1, box.Hi[1]-1)+int64(rowBytes)
	if m, base, err := mapRange(f, lo, hi); err == nil {
		defer unmap(m)
		i := 0
		for t := box.Lo[0]; t < box.Hi[0]; t++ {
			for y := box.Lo[1]; y < box.Hi[1]; y++ {
				o := off(t, y) - base
				decodeRow(dst[i:i+shape[2]], m[o:o+int64(rowBytes)])
				i += shape[2]
			}
		}
		return d, nil
	}
	row := make([]byte, rowBytes)
	i := 0
	for t := box.Lo[0]; t < box.Hi[0]; t++ {
		for y := box.Lo[1]; y < box.Hi[1]; y++ {
			if _, err := f.ReadAt(row, off(t, y)); err != nil {
				return nil, fmt.Errorf("%s at %v: %w", p.Path, box, err)
			}
			decodeRow(dst[i:i+shape[2]], row)
			i += shape[2]
		}
	}
	return d, nil
}

// littleEndian says the host stores float32 as the file does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// decodeRow decodes little-endian float32 src into dst: a plain copy on a
// little-endian host.
func decodeRow(dst []float32, src []byte) {
	if littleEndian {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(dst))), 4*len(dst)), src)
		return
	}
	for x := range dst {
		dst[x] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*x:]))
	}
}

// stack is the lazy stack read from path in its stored chunks.
func stack(path string, cfg config) *ndarray.Array {
	chunks := make([][]int, 3)
	for a := range 3 {
		for lo := 0; lo < cfg.Shape[a]; lo += cfg.Chunks[a] {
			chunks[a] = append(chunks[a], min(cfg.Chunks[a], cfg.Shape[a]-lo))
		}
	}
	return ndarray.MapBlocks("benchmarks/median.read", nil, block.Float32, chunks, readParams{Path: path, Shape: cfg.Shape})
}

func runTessera(ctx context.Context, data, out string, cfg config, cores int) (measurement, error) {
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: cores})
	t0 := time.Now()
	med := stats.Median(stack(data, cfg), stats.QuantileAxis(0))
	d, err := med.Compute(ctx, ndarray.WithExecutor(ex))
	if err != nil {
		return measurement{}, err
	}
	m := measurement{Seconds: time.Since(t0).Seconds()}
	return m, writeF32(out, d.Data().([]float32))
}

// ensureData writes the stack once (uniform random float32, a fixed
// seed), one time step at a time, and reuses a file of the right size.
func ensureData(ctx context.Context, path string, cfg config) error {
	n := int64(cfg.Shape[0]) * int64(cfg.Shape[1]) * int64(cfg.Shape[2]) * 4
	if st, err := os.Stat(path); err == nil && st.Size() == n {
		return nil
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	src := ndarray.Random(cfg.Shape[:], chunk.PerAxis(1, cfg.Shape[1], cfg.Shape[2]), 64).AsType(block.Float32, block.OverflowError)
	for t := range cfg.Shape[0] {
		d, err := src.Index(ndarray.At(t)).Compute(ctx)
		if err != nil {
			f.Close()
			return err
		}
		if err := writeTo(f, d.Data().([]float32)); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func writeTo(f *os.File, v []float32) error {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	_, err := f.Write(b)
	return err
}

func writeF32(path string, v []float32) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := writeTo(f, v); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// maxAbsDiff compares two little-endian float32 files of equal length.
func maxAbsDiff(a, b string) (float64, error) {
	x, err := os.ReadFile(a)
	if err != nil {
		return 0, err
	}
	y, err := os.ReadFile(b)
	if err != nil {
		return 0, err
	}
	if len(x) != len(y) {
		return 0, errors.New("result files differ in length")
	}
	var d float64
	for i := 0; i < len(x); i += 4 {
		u := float64(math.Float32frombits(binary.LittleEndian.Uint32(x[i:])))
		v := float64(math.Float32frombits(binary.LittleEndian.Uint32(y[i:])))
		d = max(d, math.Abs(u-v))
	}
	return d, nil
}
