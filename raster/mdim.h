/* C helpers of raster's multidimensional layer (mdim_cgo.go, mdim.go). */
#ifndef TESSERA_MDIM_H
#define TESSERA_MDIM_H
#include <stdlib.h>
#include <stdint.h>
#include <dlfcn.h>
#include <string.h>
#include <gdal.h>
#include <cpl_error.h>
#include <cpl_string.h>

typedef struct { int failed; char msg[2048]; } tsrErr;

static void CPL_STDCALL tsrHandler(CPLErr cls, CPLErrorNum no, const char *msg) {
    tsrErr *e = (tsrErr *)CPLGetErrorHandlerUserData();
    if (e == NULL || cls < CE_Failure) return;
    e->failed = 1;
    size_t used = strlen(e->msg);
    if (used > 0 && used + 2 < sizeof(e->msg)) { strcat(e->msg, "; "); used += 2; }
    if (msg != NULL && used + 1 < sizeof(e->msg)) strncat(e->msg, msg, sizeof(e->msg) - used - 1);
}
/* libnetcdf switches HDF5's automatic error printing off on the thread that
   initialises it only (HDF5 keeps that setting per thread in thread-safe
   builds, as Debian's is), so reads on other threads print HDF5-DIAG stacks
   to stderr for attributes netCDF merely probes. Switch it off on this
   thread when libhdf5 is loaded (looked up, so tessera does not link it). */
static inline void tsrQuietHDF5(void) {
    typedef int (*setauto)(int64_t, void *, void *);
    setauto f = (setauto)dlsym(RTLD_DEFAULT, "H5Eset_auto2");
    if (f != NULL) f(0 /* H5E_DEFAULT */, NULL, NULL);
}
static inline void tsrPush(tsrErr *e) { tsrQuietHDF5(); e->failed = 0; e->msg[0] = 0; CPLPushErrorHandlerEx(tsrHandler, e); }
static inline void tsrPop(void) { CPLPopErrorHandler(); }

static inline GDALDatasetH tsrOpenMD(const char *path) {
    return GDALOpenEx(path, GDAL_OF_MULTIDIM_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL, NULL, NULL);
}
static inline const char *tsrIdentify(const char *path) {
    GDALDriverH d = GDALIdentifyDriverEx(path, GDAL_OF_MULTIDIM_RASTER, NULL, NULL);
    return d == NULL ? "" : GDALGetDriverShortName(d);
}
static inline GDALAttributeH *tsrArrayAttrs(GDALMDArrayH a, size_t *n) {
    char *opts[] = {"SHOW_ALL=YES", NULL};
    return GDALMDArrayGetAttributes(a, n, opts);
}
static inline GDALAttributeH *tsrGroupAttrs(GDALGroupH g, size_t *n) {
    char *opts[] = {"SHOW_ALL=YES", NULL};
    return GDALGroupGetAttributes(g, n, opts);
}
/* SHOW_ALL: the netCDF driver otherwise hides zero-dimension variables
   (grid mappings such as crs or spatial_ref) and others it deems
   uninteresting. */
static inline char **tsrArrayNames(GDALGroupH g) {
    char *opts[] = {"SHOW_ALL=YES", NULL};
    return GDALGroupGetMDArrayNames(g, opts);
}
static inline int tsrRead(GDALMDArrayH a, size_t rank, const GUInt64 *start, const size_t *count, GDALDataType t, void *buf) {
    GDALExtendedDataTypeH edt = GDALExtendedDataTypeCreate(t);
    if (edt == NULL) return 0;
    GUInt64 zero = 0; size_t one = 1;
    int ok = GDALMDArrayRead(a, rank ? start : &zero, rank ? count : &one, NULL, NULL, edt, buf, NULL, 0);
    GDALExtendedDataTypeRelease(edt);
    return ok;
}
static inline int tsrReadStrings(GDALMDArrayH a, size_t rank, const GUInt64 *start, const size_t *count, char **out) {
    GDALExtendedDataTypeH edt = GDALExtendedDataTypeCreateString(0);
    if (edt == NULL) return 0;
    GUInt64 zero = 0; size_t one = 1;
    int ok = GDALMDArrayRead(a, rank ? start : &zero, rank ? count : &one, NULL, NULL, edt, out, NULL, 0);
    GDALExtendedDataTypeRelease(edt);
    return ok;
}
static inline char *tsrStringAt(char **p, size_t i) { return p[i]; }
static inline GDALAttributeH tsrAttrAt(GDALAttributeH *p, size_t i) { return p[i]; }
static inline GDALDimensionH tsrDimAt(GDALDimensionH *p, size_t i) { return p[i]; }
static inline GDALMDArrayH tsrArrayAt(GDALMDArrayH *p, size_t i) { return p[i]; }
#endif
