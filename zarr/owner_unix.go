//go:build unix

package zarr

import (
	"io/fs"
	"os"
	"syscall"
)

// ownedByCurrentUser reports whether fi's file belongs to the process's
// effective user.
func ownedByCurrentUser(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}
