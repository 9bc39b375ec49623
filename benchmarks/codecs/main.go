// Command codecs compares tessera's pure-Go codecs with numcodecs (the C
// libraries zstd, lz4, zlib and c-blosc) on identical data, one core each:
// encode and decode MB/s (decoded bytes per second) and compressed sizes.
//
//	go run ./benchmarks/codecs [-time 0.5] [-python /usr/bin/python3]
//
// The data are a smooth float32 field plus noise and int16 reflectance, 1 MiB
// each. Blosc in numcodecs runs with one thread (set_nthreads(1),
// use_threads=False); the Go side runs with GOMAXPROCS=1.
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/codec"
)

type dataset struct {
	Name  string
	DType block.DType
	Shape []int
	Data  []byte
}

// field is a smooth float32 field plus Gaussian noise, 512×512.
func field() dataset {
	r := rand.New(rand.NewPCG(7, 11))
	ny, nx := 512, 512
	b := make([]byte, 4*ny*nx)
	for y := 0; y < ny; y++ {
		for x := 0; x < nx; x++ {
			v := 250 + 40*math.Sin(float64(x)/37)*math.Cos(float64(y)/53) + 10*math.Sin(float64(x+y)/11) + r.NormFloat64()*0.3
			binary.LittleEndian.PutUint32(b[4*(y*nx+x):], math.Float32bits(float32(v)))
		}
	}
	return dataset{"field_f4", block.Float32, []int{ny, nx}, b}
}

// reflectance is int16 surface reflectance ×10000 (0..10000), 1024×512.
func reflectance() dataset {
	r := rand.New(rand.NewPCG(3, 5))
	ny, nx := 1024, 512
	b := make([]byte, 2*ny*nx)
	for y := 0; y < ny; y++ {
		for x := 0; x < nx; x++ {
			v := 1800 + 900*math.Sin(float64(x)/23)*math.Cos(float64(y)/31) + 300*math.Sin(float64(x*y)/5000) + r.NormFloat64()*40
			binary.LittleEndian.PutUint16(b[2*(y*nx+x):], uint16(int16(max(0, min(10000, math.Round(v))))))
		}
	}
	return dataset{"refl_i2", block.Int16, []int{ny, nx}, b}
}

var configs = []struct{ name, cfg string }{
	{"zstd-1", `{"id":"zstd","level":1}`},
	{"zstd-3", `{"id":"zstd","level":3}`},
	{"lz4", `{"id":"lz4","acceleration":1}`},
	{"zlib-5", `{"id":"zlib","level":5}`},
	{"gzip-5", `{"id":"gzip","level":5}`},
	{"blosc-lz4-shuffle-5", `{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0}`},
	{"blosc-lz4-bitshuffle-5", `{"id":"blosc","cname":"lz4","clevel":5,"shuffle":2,"blocksize":0}`},
	{"blosc-blosclz-shuffle-5", `{"id":"blosc","cname":"blosclz","clevel":5,"shuffle":1,"blocksize":0}`},
	{"blosc-zstd-shuffle-5", `{"id":"blosc","cname":"zstd","clevel":5,"shuffle":1,"blocksize":0}`},
	{"blosc-zlib-shuffle-5", `{"id":"blosc","cname":"zlib","clevel":5,"shuffle":1,"blocksize":0}`},
	{"blosc-lz4hc-shuffle-5", `{"id":"blosc","cname":"lz4hc","clevel":5,"shuffle":1,"blocksize":0}`},
}

type result struct {
	Name   string  `json:"name"`
	EncMBs float64 `json:"enc_mbs"`
	DecMBs float64 `json:"dec_mbs"`
	Size   int     `json:"size"`
}

// rate runs fn repeatedly for about minSec (best of 3 rounds) and returns
// MB/s of n bytes per call.
func rate(fn func(), n int, minSec float64) float64 {
	fn()
	best := 0.0
	for round := 0; round < 3; round++ {
		k, t0 := 0, time.Now()
		for {
			fn()
			k++
			if time.Since(t0).Seconds() >= minSec/3 {
				break
			}
		}
		best = max(best, float64(n)*float64(k)/time.Since(t0).Seconds()/1e6)
	}
	return best
}

func main() {
	minSec := flag.Float64("time", 0.6, "seconds of timing per codec and direction")
	python := flag.String("python", "/usr/bin/python3", "Python with numcodecs")
	flag.Parse()
	runtime.GOMAXPROCS(1)
	sets := []dataset{field(), reflectance()}
	dir, err := os.MkdirTemp("", "codecbench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	type pyCase struct {
		Name   string          `json:"name"`
		Data   string          `json:"data"`
		Config json.RawMessage `json:"config"`
	}
	var cases []pyCase
	var goRes []result
	for _, ds := range sets {
		meta, _ := json.Marshal(map[string]any{"dtype": ds.DType.Typestr(), "shape": ds.Shape})
		must(os.WriteFile(filepath.Join(dir, ds.Name+".json"), meta, 0o644))
		must(os.WriteFile(filepath.Join(dir, ds.Name+".raw"), ds.Data, 0o644))
		spec := codec.ChunkSpec{DType: ds.DType, Shape: ds.Shape}
		for _, c := range configs {
			name := c.name + "/" + ds.Name
			cases = append(cases, pyCase{name, ds.Name, json.RawMessage(c.cfg)})
			cd, err := codec.ParseNumcodecs([]byte(c.cfg))
			must(err)
			if sa, ok := cd.(codec.SpecAware); ok {
				cd = sa.ForSpec(spec)
			}
			bc := cd.(codec.BytesCodec)
			enc, err := bc.Encode(nil, ds.Data)
			must(err)
			encBuf := make([]byte, 0, 2*len(ds.Data)+1024)
			decBuf := make([]byte, 0, len(ds.Data))
			out, err := bc.Decode(decBuf, enc, len(ds.Data))
			must(err)
			if string(out) != string(ds.Data) {
				log.Fatalf("%s: round trip differs", name)
			}
			r := result{Name: name, Size: len(enc)}
			r.EncMBs = rate(func() { _, _ = bc.Encode(encBuf[:0], ds.Data) }, len(ds.Data), *minSec)
			r.DecMBs = rate(func() { _, _ = bc.Decode(decBuf[:0], enc, len(ds.Data)) }, len(ds.Data), *minSec)
			goRes = append(goRes, r)
		}
	}
	cb, _ := json.Marshal(cases)
	must(os.WriteFile(filepath.Join(dir, "configs.json"), cb, 0o644))
	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "numcodecs_bench.py")
	cmd := exec.Command(*python, script, dir, fmt.Sprint(*minSec))
	cmd.Stderr = os.Stderr
	pyOut, err := cmd.Output()
	if err != nil {
		log.Fatalf("numcodecs side (%s): %v", *python, err)
	}
	var pyRes []result
	must(json.Unmarshal(pyOut, &pyRes))
	py := map[string]result{}
	for _, r := range pyRes {
		py[r.Name] = r
	}
	fmt.Printf("%-40s %9s %9s %6s   %9s %9s %6s   %9s %9s %6s\n", "codec/data", "Go enc", "C enc", "ratio", "Go dec", "C dec", "ratio", "Go size", "C size", "ratio")
	for _, g := range goRes {
		c := py[g.Name]
		fmt.Printf("%-40s %9.0f %9.0f %6.2f   %9.0f %9.0f %6.2f   %9d %9d %6.3f\n", g.Name,
			g.EncMBs, c.EncMBs, g.EncMBs/c.EncMBs, g.DecMBs, c.DecMBs, g.DecMBs/c.DecMBs, g.Size, c.Size, float64(g.Size)/float64(c.Size))
	}
	fmt.Println("MB/s of decoded bytes, one core; ratio = Go / numcodecs (C); sizes in bytes of 1 MiB input.")
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
