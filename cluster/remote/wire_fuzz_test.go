package remote

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/cluster"
)

// FuzzFrameUnmarshal feeds arbitrary bytes to the frame codec: it must
// return an error or a frame, never panic, and a frame it accepts must
// survive a round trip (including the input sizes a run frame carries for
// the worker's admission).
func FuzzFrameUnmarshal(f *testing.F) {
	var c frameCodec
	for _, fr := range []*frame{
		{H: header{Op: opRegister, Worker: "w", Addr: "127.0.0.1:1", Threads: 2, Memory: 1 << 30}},
		{H: header{Op: opRun, Key: "k", Task: json.RawMessage(`{"key":"k","kind":"x"}`),
			Where: []location{{Key: "a", Addr: "h:1", Nbytes: 1 << 20}, {Key: "b", Nbytes: -1}}}},
		{H: header{Op: opDone, Key: "k", Nbytes: 8}, Body: []byte("body")},
		{H: header{Op: opRelease, Keys: []cluster.Key{"a", "b"}}},
	} {
		b, err := c.Marshal(fr)
		require.NoError(f, err)
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<20 {
			return
		}
		var fr frame
		if err := c.Unmarshal(b, &fr); err != nil {
			return
		}
		again, err := c.Marshal(&fr)
		require.NoError(t, err)
		var back frame
		require.NoError(t, c.Unmarshal(again, &back))
		h1, _ := json.Marshal(fr.H)
		h2, _ := json.Marshal(back.H)
		require.JSONEq(t, string(h1), string(h2))
		require.Equal(t, fr.Body, back.Body)
	})
}
