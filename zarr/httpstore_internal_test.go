package zarr

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHTTPDefaultClientHasTimeouts: a store made without a client does not
// use http.DefaultClient (no timeouts at all): connecting, the TLS
// handshake and the wait for headers are bounded, the whole body is not
// (large reads must not be cut off), and whole values are bounded by 1 GiB.
func TestHTTPDefaultClientHasTimeouts(t *testing.T) {
	s := NewHTTPStore("http://example.invalid/data", nil)
	require.NotSame(t, http.DefaultClient, s.client)
	tr, ok := s.client.Transport.(*http.Transport)
	require.True(t, ok, "transport %T", s.client.Transport)
	assert.Positive(t, tr.TLSHandshakeTimeout)
	assert.Positive(t, tr.ResponseHeaderTimeout)
	assert.NotNil(t, tr.DialContext)
	assert.NotNil(t, tr.Proxy)
	assert.Zero(t, s.client.Timeout, "a whole-request timeout would cut off large reads")
	assert.Equal(t, int64(1<<30), s.maxValue)
}
