#!/usr/bin/env bash
# Installs the system packages tessera's tests and benchmarks need, on Debian,
# idempotently: packages already installed are skipped, so a second run does
# nothing. Runs apt-get as root (or through sudo when not root).
set -euo pipefail

# The real peers the tests talk to: numpy/numcodecs/zarr/xarray/dask via
# Debian's /usr/bin/python3.
PACKAGES=(
  python3-numpy
  python3-numcodecs
  python3-zarr
  python3-xarray
  # xarray's NetCDF-4 backend and non-standard CF calendars
  python3-netcdf4
  python3-cftime
  python3-dask
  python3-distributed
  # GDAL (library for the cgo raster and vrt packages, gdalinfo,
  # gdalbuildvrt and gdalwarp for interop tests) and rasterio for the
  # raster benchmark
  libgdal-dev
  gdal-bin
  pkg-config
  python3-rasterio
  # headless browser for the dashboard test
  chromium
  # strace: the zarr tests observe fsync calls of real (worker) processes
  strace
  # single-node Slurm for cluster/slurm's integration tests (started by
  # scripts/slurm-up.sh below)
  slurmctld
  slurmd
  slurm-client
  munge
)

# zarrita, the JavaScript Zarr implementation, is the v3 interop peer
# (node and npm come with the machine; the versions are pinned in
# zarr/testdata/js/package.json).
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -d "$root/zarr/testdata/js/node_modules/zarrita" ] && command -v npm >/dev/null; then
  (cd "$root/zarr/testdata/js" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    SUDO="sudo"
  fi
  echo "setup: installing ${missing[*]}" >&2
  # Package scripts must not try to start services in a container.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Start munge, slurmctld and slurmd (idempotent; root only). The Slurm tests
# also run this script themselves, so plain `go test ./...` works as root.
if [ "$(id -u)" = 0 ]; then
  "$(dirname "$0")/slurm-up.sh" >/dev/null
fi
