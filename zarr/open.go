package zarr

import "context"

// OpenStore opens a store by URL: file:///path (or a plain path), zip:///path
// (read-only), http:// and https:// (read-only), mem://… (a MemoryStore of
// this process) or a scheme added with RegisterScheme. It opens with
// default options; tasks reopen stores from a StoreSpec (OpenSpec), which
// carries them.
func OpenStore(u string) (Store, error) {
	return OpenSpec(context.Background(), StoreSpec{URL: u})
}
