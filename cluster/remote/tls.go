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

// WriteFile stores the credentials as JSON, readable by the owner only.
func (c *Credentials) WriteFile(path string) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
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
