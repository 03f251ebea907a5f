package wardenauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"

	authv1 "github.com/warden-auth/warden/clients/go/gen/warden/auth/v1"
)

// KeySource returns the public keys that verify access tokens (Warden's JWKS).
// An error means the source cannot be reached; return an *Error with
// ReasonBackendUnavailable (other errors are wrapped into one).
type KeySource interface {
	Keys(ctx context.Context) ([]*authv1.Jwk, error)
}

// GRPCKeySource reads the keys with AuthService.GetJwks.
type GRPCKeySource struct {
	client authv1.AuthServiceClient
}

// NewGRPCKeySource reads the keys over a connection to Warden.
func NewGRPCKeySource(conn grpc.ClientConnInterface) *GRPCKeySource {
	return &GRPCKeySource{client: authv1.NewAuthServiceClient(conn)}
}

// Keys implements KeySource.
func (s *GRPCKeySource) Keys(ctx context.Context) ([]*authv1.Jwk, error) {
	resp, err := s.client.GetJwks(ctx, &authv1.GetJwksRequest{})
	if err != nil {
		return nil, unavailable("GetJwks: " + err.Error())
	}
	return resp.GetKeys(), nil
}

// HTTPKeySource reads the keys from Warden's JWKS document
// (http://<http-listen>/.well-known/jwks.json).
type HTTPKeySource struct {
	url    string
	client *http.Client
}

// NewHTTPKeySource reads the JWKS at url with client (http.DefaultClient
// with a 5 s timeout when nil).
func NewHTTPKeySource(url string, client *http.Client) *HTTPKeySource {
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	return &HTTPKeySource{url: url, client: client}
}

// maxJWKSBytes bounds the JWKS document read from the network.
const maxJWKSBytes = 1 << 20

// Keys implements KeySource.
func (s *HTTPKeySource) Keys(ctx context.Context) ([]*authv1.Jwk, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, unavailable("jwks request: " + err.Error())
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, unavailable("jwks: " + err.Error())
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, unavailable("jwks: HTTP " + resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes))
	if err != nil {
		return nil, unavailable("jwks: " + err.Error())
	}
	var doc authv1.GetJwksResponse
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(body, &doc); err != nil {
		return nil, unavailable("jwks: " + err.Error())
	}
	return doc.GetKeys(), nil
}

// pinnedKey is one published key with the only algorithm it verifies.
type pinnedKey struct {
	method jwt.SigningMethod
	key    any
}

var b64 = base64.RawURLEncoding.Strict()

// pin builds a pinned key from a JWK; false for anything but the three
// asymmetric algorithms Warden signs with, a JWK whose fields do not fit, or
// one published for another use than signatures (use absent or "sig").
func pin(jwk *authv1.Jwk) (pinnedKey, bool) {
	if use := jwk.GetUse(); use != "" && use != "sig" {
		return pinnedKey{}, false
	}
	switch {
	case jwk.GetAlg() == "EdDSA" && jwk.GetKty() == "OKP" && jwk.GetCrv() == "Ed25519":
		x, err := b64.DecodeString(jwk.GetX())
		if err != nil || len(x) != ed25519.PublicKeySize {
			return pinnedKey{}, false
		}
		return pinnedKey{method: jwt.SigningMethodEdDSA, key: ed25519.PublicKey(x)}, true
	case jwk.GetAlg() == "ES256" && jwk.GetKty() == "EC" && jwk.GetCrv() == "P-256":
		x, errX := b64.DecodeString(jwk.GetX())
		y, errY := b64.DecodeString(jwk.GetY())
		if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
			return pinnedKey{}, false
		}
		point := append(append([]byte{4}, x...), y...)
		key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
		if err != nil {
			return pinnedKey{}, false
		}
		return pinnedKey{method: jwt.SigningMethodES256, key: key}, true
	case jwk.GetAlg() == "RS256" && jwk.GetKty() == "RSA":
		n, errN := b64.DecodeString(jwk.GetN())
		e, errE := b64.DecodeString(jwk.GetE())
		if errN != nil || errE != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
			return pinnedKey{}, false
		}
		exponent := new(big.Int).SetBytes(e).Int64()
		if exponent < 3 || exponent%2 == 0 {
			return pinnedKey{}, false
		}
		key := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exponent)}
		return pinnedKey{method: jwt.SigningMethodRS256, key: key}, true
	default:
		return pinnedKey{}, false
	}
}

// keySet holds the verification keys by kid, reloaded from a KeySource when a
// token names an unknown kid (at most once per minInterval), and in the
// background when the loaded set is older than maxAge.
type keySet struct {
	source      KeySource
	minInterval time.Duration
	maxAge      time.Duration
	now         func() time.Time

	mu   sync.RWMutex
	keys map[string]pinnedKey

	// generation changes whenever the set of kids changes.
	generation atomic.Uint64

	refreshMu   sync.Mutex
	lastRefresh time.Time

	background atomic.Bool
	loadedAt   atomic.Int64
}

func (s *keySet) snapshot() map[string]pinnedKey {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.keys
}

// refresh reloads the key set, unless (without force) it was reloaded less
// than minInterval ago.
func (s *keySet) refresh(ctx context.Context, force bool) error {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	if !force && !s.lastRefresh.IsZero() && s.now().Sub(s.lastRefresh) < s.minInterval {
		return nil
	}
	jwks, err := s.source.Keys(ctx)
	if err != nil {
		var refusal *Error
		if errors.As(err, &refusal) {
			return refusal
		}
		return unavailable(fmt.Sprintf("key source: %v", err))
	}
	next := make(map[string]pinnedKey, len(jwks))
	for _, jwk := range jwks {
		if k, ok := pin(jwk); ok {
			next[jwk.GetKid()] = k
		}
	}
	s.mu.Lock()
	old := sortedKids(s.keys)
	// Only a change of a loaded set can invalidate remembered tokens.
	if len(old) > 0 && !slices.Equal(old, sortedKids(next)) {
		s.generation.Add(1)
	}
	s.keys = next
	s.mu.Unlock()
	s.lastRefresh = s.now()
	s.loadedAt.Store(s.lastRefresh.UnixNano())
	return nil
}

func sortedKids(keys map[string]pinnedKey) []string {
	kids := make([]string, 0, len(keys))
	for kid := range keys {
		kids = append(kids, kid)
	}
	slices.Sort(kids)
	return kids
}

// refreshIfStale starts a background reload when the loaded set is older
// than maxAge (so a withdrawn key stops verifying within about maxAge).
func (s *keySet) refreshIfStale() {
	loaded := s.loadedAt.Load()
	if s.maxAge <= 0 || loaded == 0 || s.now().Sub(time.Unix(0, loaded)) < s.maxAge {
		return
	}
	if !s.background.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer s.background.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.refresh(ctx, true); err != nil {
			// Keep the loaded set and retry after minInterval, not on every call.
			retry := s.now().Add(-s.maxAge).Add(s.minInterval)
			s.loadedAt.Store(retry.UnixNano())
		}
	}()
}

// key returns the key named kid, reloading the set once when it is unknown.
func (s *keySet) key(ctx context.Context, kid string) (pinnedKey, error) {
	if k, ok := s.snapshot()[kid]; ok {
		return k, nil
	}
	if err := s.refresh(ctx, false); err != nil {
		return pinnedKey{}, err
	}
	if k, ok := s.snapshot()[kid]; ok {
		return k, nil
	}
	return pinnedKey{}, refuse(ReasonUnknownKey)
}
