#!/usr/bin/env bash
# The README's test command: installs what the tests need, then vets and runs
# every test (unit, interop against the real peers, examples, fuzz seeds),
# under the race detector.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
go vet ./...
go test -race -count=1 -timeout 25m ./...
# Peak-RSS bounds are meaningless under the race detector's shadow memory,
# so the memory tests run once more without it.
go test -count=1 -run 'PeakRSS' ./benchmarks/memory
