package zarr

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// decodeBox decodes piece p of a Read straight into out when the chunk is
// stored and its codecs can decode a part of it (codec.Pipeline.DecodeBox:
// Blosc decompresses only the blocks holding the piece, and no chunk-sized
// buffer exists). It reports false when the caller must read the chunk
// whole.
func (a *Array) decodeBox(ctx context.Context, out *block.Dense, p chunk.Piece) (bool, error) {
	if a.shard != nil || !a.pipe.DecodesBoxes() {
		return false, nil
	}
	key := a.ChunkKey(p.Block)
	b, release, err := a.getRaw(ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer release()
	done, err := a.pipe.DecodeBox(out, p.Dst, b, p.Src)
	if err != nil {
		return true, fmt.Errorf("zarr: chunk %q: %w", key, err)
	}
	return done, nil
}
