package remote

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"google.golang.org/grpc/credentials"
)

// serverName is the DNS name in every cluster certificate. Peers verify the
// chain to the cluster's own CA and this name, not host addresses, so
// workers may listen on any interface.
const serverName = "tessera-cluster"

// Credentials secure one cluster: a CA generated when the cluster starts,
// one certificate signed by it that every member (scheduler and workers)
// presents for mutual TLS, and a shared token sent with every call. A
// process holding a certificate from another CA, or the wrong token, is
// refused. Credentials are secrets: WriteFile stores them with mode 0600.
type Credentials struct {
	CACert []byte `json:"ca_cert"` // PEM
	Cert   []byte `json:"cert"`    // PEM, signed by CACert
	Key    []byte `json:"key"`     // PEM (PKCS#8)
	Token  string `json:"token"`
}

// ErrBadCredentials reports credentials that do not parse.
var ErrBadCredentials = errors.New("remote: bad cluster credentials")

// NewCredentials makes a fresh per-cluster CA, a member certificate valid
// for validFor (a year when 0) and a random 256-bit token. The CA's private
// key is discarded: no further certificate can be issued for the cluster.
func NewCredentials(validFor time.Duration) (*Credentials, error) {
	if validFor <= 0 {
		validFor = 365 * 24 * time.Hour
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now().Add(-time.Hour)
	serial := func() *big.Int { n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120)); return n }
	ca := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "tessera cluster CA"},
		NotBefore: now, NotAfter: now.Add(validFor),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leaf := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: serverName},
		DNSNames:  []string{serverName},
		NotBefore: now, NotAfter: now.Add(validFor),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	tok := make([]byte, 32)
	if _, err := rand.Read(tok); err != nil {
		return nil, err
	}
	return &Credentials{
		CACert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		Cert:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Key:    pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}),
		Token:  hex.EncodeToString(tok),
	}, nil
}

// ErrUnsafeDirectory reports a directory in which a secret cannot be
// written safely: others may write to it and it lacks the sticky bit, so
// anyone could rename or replace the file before the workers read it.
var ErrUnsafeDirectory = errors.New("remote: directory writable by others without the sticky bit")

// WriteFile stores the credentials as JSON at path, readable and writable
// by the owner only (mode 0600, whatever was at path before). The file is
// written under a fresh random name in path's directory, created
// exclusively (so a file or symlink planted at any name is never reused
// or followed), fsynced, and renamed over path (a symlink at path is
// replaced, not followed); a crash leaves the old file or the new one. A
// directory writable by others without the sticky bit is refused with an
// *os.PathError wrapping ErrUnsafeDirectory. WriteFile may be called
// concurrently with other writers of the same path; the last rename wins.
func (c *Credentials) WriteFile(path string) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return writeSecretFile(path, b)
}

// writeSecretFile writes b atomically to path with mode 0600 (see
// Credentials.WriteFile).
func writeSecretFile(path string, b []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	dir = filepath.Clean(dir)
	if err := checkPrivateDir(dir); err != nil {
		return err
	}
	// os.CreateTemp opens O_RDWR|O_CREATE|O_EXCL with mode 0600 under a
	// random name, retrying on collisions: O_EXCL fails on an existing name,
	// symlinks included, so nothing planted is followed.
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("remote: write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil { // CreateTemp's mode, made explicit
		return fmt.Errorf("remote: write %s: %w", path, err)
	}
	if _, err = f.Write(b); err != nil {
		return fmt.Errorf("remote: write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("remote: write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("remote: write %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("remote: write %s: %w", path, err)
	}
	// Make the rename durable; not every file system can sync a directory.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// checkPrivateDir refuses a directory that others may write to unless it
// has the sticky bit (then only an entry's owner may rename or remove it).
func checkPrivateDir(dir string) error {
	if runtime.GOOS == "windows" { // no Unix permission bits
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("remote: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("remote: %w", &os.PathError{Op: "write secret", Path: dir, Err: syscall.ENOTDIR})
	}
	if fi.Mode().Perm()&0o002 != 0 && fi.Mode()&os.ModeSticky == 0 {
		return fmt.Errorf("remote: %w", &os.PathError{Op: "write secret", Path: dir, Err: ErrUnsafeDirectory})
	}
	return nil
}

// ReadCredentials reads a file written by WriteFile.
func ReadCredentials(path string) (*Credentials, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Credentials
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadCredentials, path, err)
	}
	if _, err := c.tlsBase(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}

func (c *Credentials) tlsBase() (*tls.Config, error) {
	if c == nil || c.Token == "" {
		return nil, fmt.Errorf("%w: missing token", ErrBadCredentials)
	}
	cert, err := tls.X509KeyPair(c.Cert, c.Key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadCredentials, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(c.CACert) {
		return nil, fmt.Errorf("%w: no CA certificate", ErrBadCredentials)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		RootCAs:      pool,
		ClientCAs:    pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ServerName:   serverName,
		MinVersion:   tls.VersionTLS13,
	}, nil
}

func (c *Credentials) serverTLS() (credentials.TransportCredentials, error) {
	t, err := c.tlsBase()
	if err != nil {
		return nil, err
	}
	return credentials.NewTLS(t), nil
}

func (c *Credentials) clientTLS() (credentials.TransportCredentials, error) {
	t, err := c.tlsBase()
	if err != nil {
		return nil, err
	}
	return credentials.NewTLS(t), nil
}
