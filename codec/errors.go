package codec

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error from this package wraps exactly one of them
// (inside a *Error that names the codec).
var (
	// ErrUnknownCodec: the registry has no codec of that name or id.
	ErrUnknownCodec = errors.New("unknown codec")
	// ErrConfig: a configuration is malformed or names impossible settings.
	ErrConfig = errors.New("invalid codec configuration")
	// ErrCorrupt: encoded data is truncated or malformed.
	ErrCorrupt = errors.New("corrupt encoded data")
	// ErrTooLarge: decoded data would exceed the caller's maxLen (a
	// decompression bomb, or a chunk larger than its array allows).
	ErrTooLarge = errors.New("decoded data exceeds limit")
	// ErrChecksum: a stored checksum does not match the data.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrUnsupported: a valid feature this implementation does not provide
	// (bz2 encoding, a Blosc compressor it cannot encode with).
	ErrUnsupported = errors.New("unsupported")
	// ErrSpec: an array does not fit the codec (wrong dtype, shape or size).
	ErrSpec = errors.New("array does not fit codec")
)

// Error reports a failure of one codec.
type Error struct {
	Codec string // registry name, e.g. "blosc", "zstd"
	Op    string // "encode", "decode", "parse"
	Err   error  // wraps one of the sentinels
}

// Error formats the failure as "codec CODEC: OP: ERR", e.g. "codec zstd:
// decode: corrupt encoded data: DETAIL".
func (e *Error) Error() string { return "codec " + e.Codec + ": " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// errf builds a *Error wrapping sentinel with a formatted detail.
func errf(codec, op string, sentinel error, format string, args ...any) error {
	if format == "" {
		return &Error{Codec: codec, Op: op, Err: sentinel}
	}
	return &Error{Codec: codec, Op: op, Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}

// wrapErr wraps a foreign error (from a decompressor) as ErrCorrupt unless it
// already is one of ours.
func wrapErr(codec, op string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	sentinel := ErrCorrupt
	if op == "encode" {
		return &Error{Codec: codec, Op: op, Err: err}
	}
	return &Error{Codec: codec, Op: op, Err: fmt.Errorf("%w: %v", sentinel, err)}
}

// checkMaxLen validates the maxLen argument of Decode.
func checkMaxLen(codec string, maxLen int) error {
	if maxLen < 0 {
		return errf(codec, "decode", ErrTooLarge, "negative maxLen %d", maxLen)
	}
	return nil
}
