package raster

// #cgo pkg-config: gdal
// #include <cpl_error.h>
// static void tesseraQuietGDAL(void) { CPLSetErrorHandler(CPLQuietErrorHandler); }
import "C"

// silenceGDAL replaces GDAL's process-wide default error handler (which
// prints to stderr) with its quiet one. Every call this package makes
// pushes a handler of its own that turns failures into Go errors; the
// default handler only ever saw messages from calls that have no error
// return (simple getters), which GDAL would otherwise print.
func silenceGDAL() { C.tesseraQuietGDAL() }
