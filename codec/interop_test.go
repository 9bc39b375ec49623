package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tessera-array/tessera/block"
)

// Interop with the real numcodecs: committed fixtures made by
// testdata/numcodecs_interop.py, and (when /usr/bin/python3 has numcodecs) a
// larger live matrix in both directions.

type fixtureArray struct {
	DType string `json:"dtype"`
	Shape []int  `json:"shape"`
	Data  []byte `json:"data"`
}

type fixtureCase struct {
	Array   string          `json:"array"`
	Config  json.RawMessage `json:"config"`
	Encoded []byte          `json:"encoded"`
	Decoded []byte          `json:"decoded"`
}

type fixtureSet struct {
	Arrays map[string]fixtureArray `json:"arrays"`
	Cases  []fixtureCase           `json:"cases"`
}

func (c fixtureCase) name() string {
	var m map[string]any
	_ = json.Unmarshal(c.Config, &m)
	s := fmt.Sprint(m["id"])
	for _, k := range []string{"cname", "clevel", "shuffle", "blocksize", "level", "acceleration", "dtype", "astype", "encode_dtype", "digits", "keepbits", "elementsize", "offset", "scale"} {
		if v, ok := m[k]; ok {
			s += fmt.Sprintf(",%s=%v", k, v)
		}
	}
	return s + "/" + c.Array
}

func loadFixtures(t testing.TB, data []byte) *fixtureSet {
	t.Helper()
	var fx fixtureSet
	if err := json.Unmarshal(data, &fx); err != nil {
		t.Fatal(err)
	}
	return &fx
}

func readFixtures(t testing.TB) *fixtureSet {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "numcodecs_fixtures.json"))
	if err != nil {
		t.Fatal(err)
	}
	return loadFixtures(t, b)
}

func (a fixtureArray) spec(t testing.TB) ChunkSpec {
	dt, err := block.ParseDType(a.DType)
	if err != nil {
		t.Fatal(err)
	}
	return ChunkSpec{DType: dt, Shape: a.Shape}
}

// interopCodec parses a numcodecs config and resolves it for spec.
func interopCodec(t testing.TB, cfg json.RawMessage, spec ChunkSpec) Codec {
	t.Helper()
	c, err := ParseNumcodecs(cfg)
	if err != nil {
		t.Fatalf("parse %s: %v", cfg, err)
	}
	if sa, ok := c.(SpecAware); ok {
		c = sa.ForSpec(spec)
	}
	return c
}

// encodeCase encodes data (of spec) with c and returns the bytes and the
// dtype of the encoded elements.
func encodeCase(c Codec, spec ChunkSpec, data []byte) ([]byte, block.DType, error) {
	switch c := c.(type) {
	case BytesCodec:
		b, err := c.Encode(nil, data)
		return b, spec.DType, err
	case ArrayCodec:
		a, err := block.FromBytes(spec.DType, data, spec.Shape...)
		if err != nil {
			return nil, 0, err
		}
		e, err := c.EncodeArray(a)
		if err != nil {
			return nil, 0, err
		}
		return append([]byte(nil), e.Bytes()...), e.DType(), nil
	}
	return nil, 0, fmt.Errorf("codec %T", c)
}

func decodeCase(c Codec, spec ChunkSpec, enc []byte) ([]byte, error) {
	switch c := c.(type) {
	case BytesCodec:
		return c.Decode(nil, enc, int(spec.Nbytes()))
	case ArrayCodec:
		es, err := c.EncodedSpec(spec)
		if err != nil {
			return nil, err
		}
		a, err := block.FromBytes(es.DType, enc, es.Shape...)
		if err != nil {
			return nil, err
		}
		d, err := c.DecodeArray(a, spec)
		if err != nil {
			return nil, err
		}
		return d.Bytes(), nil
	}
	return nil, fmt.Errorf("codec %T", c)
}

// checkFixtures runs Go against numcodecs' encodings and returns, per case,
// Go's own encoding (nil when Go cannot encode it, e.g. bz2).
func checkFixtures(t *testing.T, fx *fixtureSet) [][]byte {
	goEnc := make([][]byte, len(fx.Cases))
	for i, c := range fx.Cases {
		arr := fx.Arrays[c.Array]
		spec := arr.spec(t)
		want := c.Decoded
		if want == nil {
			want = arr.Data
		}
		t.Run(c.name(), func(t *testing.T) {
			cd := interopCodec(t, c.Config, spec)
			got, err := decodeCase(cd, spec, c.Encoded)
			if err != nil {
				t.Fatalf("decode numcodecs data: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("decode numcodecs data: %d bytes differ from numcodecs' own decoding (%d bytes) at %d", len(got), len(want), firstDiff(got, want))
			}
			enc, _, err := encodeCase(cd, spec, arr.Data)
			if errors.Is(err, ErrUnsupported) {
				return
			}
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if _, isArray := cd.(ArrayCodec); isArray && !bytes.Equal(enc, c.Encoded) {
				t.Errorf("Go encoding differs from numcodecs' (filters are deterministic)")
			}
			back, err := decodeCase(cd, spec, enc)
			if err != nil {
				t.Fatalf("decode own encoding: %v", err)
			}
			if !bytes.Equal(back, want) {
				t.Fatalf("round trip differs")
			}
			goEnc[i] = enc
		})
	}
	return goEnc
}

func TestNumcodecsFixtures(t *testing.T) {
	checkFixtures(t, readFixtures(t))
}

const python = "/usr/bin/python3"

var pythonOK = sync.OnceValue(func() bool {
	return exec.Command(python, "-c", "import numcodecs").Run() == nil
})

func runPython(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(python, append([]string{filepath.Join("testdata", "numcodecs_interop.py")}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

// TestNumcodecsLive encodes a larger matrix with numcodecs and decodes it in
// Go, then has numcodecs decode Go's encodings. Skipped without numcodecs.
func TestNumcodecsLive(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if !pythonOK() {
		t.Skip(python + " with numcodecs not available")
	}
	fx := loadFixtures(t, runPython(t, nil, "make", "--full"))
	goEnc := checkFixtures(t, fx)
	type req struct {
		Config       json.RawMessage `json:"config"`
		Encoded      []byte          `json:"encoded"`
		EncodedDType string          `json:"encoded_dtype"`
	}
	var reqs []req
	var idx []int
	for i, c := range fx.Cases {
		if goEnc[i] == nil {
			continue
		}
		arr := fx.Arrays[c.Array]
		spec := arr.spec(t)
		cd := interopCodec(t, c.Config, spec)
		ed := spec.DType
		if ac, ok := cd.(ArrayCodec); ok {
			es, _ := ac.EncodedSpec(spec)
			ed = es.DType
		}
		reqs = append(reqs, req{c.Config, goEnc[i], ed.Typestr()})
		idx = append(idx, i)
	}
	in, _ := json.Marshal(reqs)
	var res []struct {
		Decoded []byte `json:"decoded"`
		Error   string `json:"error"`
	}
	if err := json.Unmarshal(runPython(t, in, "decode"), &res); err != nil {
		t.Fatal(err)
	}
	for k, r := range res {
		c := fx.Cases[idx[k]]
		want := c.Decoded
		if want == nil {
			want = fx.Arrays[c.Array].Data
		}
		if r.Error != "" {
			t.Errorf("%s: numcodecs cannot decode Go's encoding: %s", c.name(), r.Error)
		} else if !bytes.Equal(r.Decoded, want) {
			t.Errorf("%s: numcodecs decodes Go's encoding to different values", c.name())
		}
	}
	t.Logf("%d numcodecs encodings decoded in Go, %d Go encodings decoded by numcodecs", len(fx.Cases), len(res))
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
