//go:build unix

package main

import (
	"os"
	"syscall"
)

// mapRange maps bytes [lo, hi) of f read-only; the mapping starts at the
// page holding lo, at file offset base.
func mapRange(f *os.File, lo, hi int64) (m []byte, base int64, err error) {
	page := int64(os.Getpagesize())
	base = lo / page * page
	m, err = syscall.Mmap(int(f.Fd()), base, int(hi-base), syscall.PROT_READ, syscall.MAP_SHARED)
	return m, base, err
}

func unmap(m []byte) { _ = syscall.Munmap(m) }
