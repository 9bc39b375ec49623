package raster

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The driver is identified before opening, so that reads through the
// non-thread-safe netCDF library are serialised from the open on.
func TestIdentifyDriver(t *testing.T) {
	for path, want := range map[string]string{
		"testdata/pr4.nc": "netCDF", "testdata/classic.nc": "netCDF", "testdata/strings.nc": "netCDF",
		"testdata/missing.nc": "", "testdata/huge-2p31.vrt": "VRT",
	} {
		assert.Equal(t, want, identify(path), path)
	}
	_, locked := driverLocks[identify("testdata/pr4.nc")]
	assert.True(t, locked)
}
