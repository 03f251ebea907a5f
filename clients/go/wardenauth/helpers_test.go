package wardenauth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	authv1 "github.com/warden-auth/warden/clients/go/gen/warden/auth/v1"
)

var enc = base64.RawURLEncoding

// testKey is a locally generated signing key and its published JWK.
type testKey struct {
	method jwt.SigningMethod
	priv   crypto.Signer
	jwk    *authv1.Jwk
}

func newKey(t testing.TB, alg, kid string) *testKey {
	t.Helper()
	switch alg {
	case "EdDSA":
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return &testKey{jwt.SigningMethodEdDSA, priv, &authv1.Jwk{
			Kid: kid, Kty: "OKP", Alg: "EdDSA", Use: "sig", Crv: "Ed25519", X: enc.EncodeToString(pub),
		}}
	case "ES256":
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		point, err := priv.PublicKey.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		return &testKey{jwt.SigningMethodES256, priv, &authv1.Jwk{
			Kid: kid, Kty: "EC", Alg: "ES256", Use: "sig", Crv: "P-256",
			X: enc.EncodeToString(point[1:33]), Y: enc.EncodeToString(point[33:]),
		}}
	case "RS256":
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		return &testKey{jwt.SigningMethodRS256, priv, &authv1.Jwk{
			Kid: kid, Kty: "RSA", Alg: "RS256", Use: "sig",
			N: enc.EncodeToString(priv.N.Bytes()),
			E: enc.EncodeToString(big.NewInt(int64(priv.E)).Bytes()),
		}}
	}
	t.Fatalf("no algorithm %s", alg)
	return nil
}

// fields is a JSON object under construction.
type fields map[string]any

func (f fields) with(over fields) fields {
	out := fields{}
	for k, v := range f {
		out[k] = v
	}
	for k, v := range over {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func b64JSON(t testing.TB, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return enc.EncodeToString(data)
}

// sign makes a compact JWS of header and claims signed by k (header alg
// defaults to k's algorithm, kid to k's kid, typ to at+jwt).
func (k *testKey) sign(t testing.TB, header, claims fields) string {
	t.Helper()
	h := fields{"alg": k.method.Alg(), "kid": k.jwk.GetKid(), "typ": "at+jwt"}.with(header)
	input := b64JSON(t, h) + "." + b64JSON(t, claims)
	sig, err := k.method.Sign(input, k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + enc.EncodeToString(sig)
}

// hs256 makes an HS256 token keyed with secret (the algorithm-confusion attack).
func hs256(t testing.TB, header, claims fields, secret []byte) string {
	t.Helper()
	input := b64JSON(t, fields{"alg": "HS256", "typ": "at+jwt"}.with(header)) + "." + b64JSON(t, claims)
	sig, err := jwt.SigningMethodHS256.Sign(input, secret)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + enc.EncodeToString(sig)
}

// keySource is a KeySource over a list the test changes; it counts reads.
type keySource struct {
	mu    sync.Mutex
	keys  []*authv1.Jwk
	err   error
	reads atomic.Int64
}

func (s *keySource) Keys(context.Context) ([]*authv1.Jwk, error) {
	s.reads.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys, s.err
}

func (s *keySource) set(keys ...*authv1.Jwk) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = keys
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Unix(1_800_000_000, 0)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// claimsAt are valid claims for a token issued at now.
func claimsAt(now time.Time) fields {
	t := now.Unix()
	return fields{
		"iss": "warden", "aud": "warden", "sub": "user-1", "sid": "session-1",
		"iat": t, "nbf": t, "exp": t + 600, "jti": "jti-1",
	}
}

func wantReason(t testing.TB, err error, want Reason) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want %s", want)
	}
	if got := ReasonOf(err); got != want {
		t.Fatalf("reason %q (%v); want %s", got, err, want)
	}
}

// signRaw signs an arbitrary payload text with k under a valid header.
func signRaw(t testing.TB, k *testKey, payload string) string {
	t.Helper()
	input := b64JSON(t, fields{"alg": k.method.Alg(), "kid": k.jwk.GetKid(), "typ": "at+jwt"}) +
		"." + enc.EncodeToString([]byte(payload))
	sig, err := k.method.Sign(input, k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + enc.EncodeToString(sig)
}

// tamperSignature changes the first character of a token's signature (the
// last one may only carry padding bits, which strict base64url refuses).
func tamperSignature(token string) string {
	i := strings.LastIndexByte(token, '.') + 1
	repl := byte('A')
	if token[i] == 'A' {
		repl = 'B'
	}
	return token[:i] + string(repl) + token[i+1:]
}
