package wardenauth

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"
)

// MaxTokenBytes is the longest access token accepted; anything longer is
// refused unparsed.
const MaxTokenBytes = 8 * 1024

// maxRemembered bounds the verified tokens remembered at once; past it,
// expired ones are dropped first and then everything.
const maxRemembered = 100_000

// Claims are the claims of a verified Warden access token.
type Claims struct {
	Issuer    string `json:"iss"`
	Audience  string `json:"aud"`
	Subject   string `json:"sub"`
	SessionID string `json:"sid"`
	IssuedAt  uint64 `json:"iat"`
	NotBefore uint64 `json:"nbf"`
	Expiry    uint64 `json:"exp"`
	TokenID   string `json:"jti"`
}

// rawClaims tells a missing or null claim apart from an empty one: every
// claim is required.
type rawClaims struct {
	Iss *string `json:"iss"`
	Aud *string `json:"aud"`
	Sub *string `json:"sub"`
	Sid *string `json:"sid"`
	Iat *uint64 `json:"iat"`
	Nbf *uint64 `json:"nbf"`
	Exp *uint64 `json:"exp"`
	Jti *string `json:"jti"`
}

func (r *rawClaims) claims() (*Claims, bool) {
	if r.Iss == nil || r.Aud == nil || r.Sub == nil || r.Sid == nil ||
		r.Iat == nil || r.Nbf == nil || r.Exp == nil || r.Jti == nil {
		return nil, false
	}
	return &Claims{
		Issuer: *r.Iss, Audience: *r.Aud, Subject: *r.Sub, SessionID: *r.Sid,
		IssuedAt: *r.Iat, NotBefore: *r.Nbf, Expiry: *r.Exp, TokenID: *r.Jti,
	}, true
}

type header struct {
	Alg *string `json:"alg"`
	Kid *string `json:"kid"`
	Typ *string `json:"typ"`
	// Crit lists extensions the signer says a verifier must understand.
	// Warden signs with none and understands none, so any crit member (even
	// null) is refused (RFC 7515, 4.1.11).
	Crit json.RawMessage `json:"crit"`
}

// Verifier checks Warden access tokens locally: the signature with the key
// named by kid and that key's algorithm only (EdDSA, ES256 or RS256; never
// none or HMAC), then exp and nbf (with leeway), iss, aud, typ "at+jwt" and
// an iat no later than now (with leeway). A header with crit is refused.
// A token that verified is remembered by its exact text until its exp, and
// forgotten when the set of published keys changes. It is safe for
// concurrent use.
type Verifier struct {
	keys     *keySet
	issuer   string
	audience string
	leeway   time.Duration
	now      func() time.Time

	mu          sync.RWMutex
	verified    map[string]*Claims
	verifiedGen uint64
}

// NewVerifier verifies tokens issued by issuer for audience against the keys
// of source. Options that concern sessions or methods are ignored.
func NewVerifier(issuer, audience string, source KeySource, opts ...Option) *Verifier {
	o := buildOptions(opts)
	return newVerifier(issuer, audience, source, o)
}

func newVerifier(issuer, audience string, source KeySource, o *options) *Verifier {
	return &Verifier{
		keys: &keySet{
			source:      source,
			minInterval: o.keyRefreshInterval,
			maxAge:      o.keyMaxAge,
			now:         o.now,
			keys:        map[string]pinnedKey{},
		},
		issuer:   issuer,
		audience: audience,
		leeway:   o.leeway,
		now:      o.now,
		verified: map[string]*Claims{},
	}
}

// RefreshKeys reloads the key set now (after a key rotation). A changed set
// forgets every remembered token.
func (v *Verifier) RefreshKeys(ctx context.Context) error {
	return v.keys.refresh(ctx, true)
}

// Remembered is the number of tokens remembered as verified.
func (v *Verifier) Remembered() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.verified)
}

// expired reports whether exp is more than leeway before now.
func (v *Verifier) expired(c *Claims, now uint64) bool {
	leeway := uint64(v.leeway / time.Second)
	return now > leeway && c.Expiry < now-leeway
}

// premature reports whether nbf is more than leeway after now.
func (v *Verifier) premature(c *Claims, now uint64) bool {
	return c.NotBefore > now+uint64(v.leeway/time.Second)
}

// inTime reports whether claims are within exp and nbf at now, with leeway.
func (v *Verifier) inTime(c *Claims, now uint64) bool {
	return !v.expired(c, now) && !v.premature(c, now)
}

func (v *Verifier) unixNow() uint64 {
	secs := v.now().Unix()
	if secs < 0 {
		return 0
	}
	return uint64(secs)
}

// Verify checks a token and returns its claims, answering from the
// remembered tokens when it verified before (under the same key set) and is
// still within its lifetime. Refusals are *Error values.
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	v.keys.refreshIfStale()
	now := v.unixNow()
	generation := v.keys.generation.Load()

	v.mu.RLock()
	stale := v.verifiedGen != generation
	claims, ok := v.verified[token]
	v.mu.RUnlock()
	if stale {
		v.mu.Lock()
		if v.verifiedGen != generation {
			clear(v.verified)
			v.verifiedGen = generation
		}
		v.mu.Unlock()
	} else if ok && v.inTime(claims, now) {
		return claims, nil
	}

	claims, err := v.verify(ctx, token)
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.keys.generation.Load() != generation || v.verifiedGen != generation {
		// The key set changed while verifying: do not remember under the old set.
		return claims, nil
	}
	if len(v.verified) >= maxRemembered {
		for t, c := range v.verified {
			if !v.inTime(c, now) {
				delete(v.verified, t)
			}
		}
		if len(v.verified) >= maxRemembered {
			clear(v.verified)
		}
	}
	v.verified[token] = claims
	return claims, nil
}

// tokenAlphabet reports whether s holds only base64url characters and dots.
func tokenAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// verify checks a compact JWS in an order that reads no claim before the
// signature verified.
func (v *Verifier) verify(ctx context.Context, token string) (*Claims, error) {
	if len(token) > MaxTokenBytes || !tokenAlphabet(token) {
		return nil, refuse(ReasonMalformedToken)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, refuse(ReasonMalformedToken)
	}
	headerJSON, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, refuse(ReasonMalformedToken)
	}
	var h header
	if err := json.Unmarshal(headerJSON, &h); err != nil || h.Alg == nil {
		return nil, refuse(ReasonMalformedToken)
	}
	if h.Crit != nil {
		return nil, refuse(ReasonMalformedToken)
	}
	if h.Kid == nil {
		return nil, refuse(ReasonUnknownKey)
	}
	key, err := v.keys.key(ctx, *h.Kid)
	if err != nil {
		return nil, err
	}
	// The algorithm comes from the key; the header must merely agree.
	if *h.Alg != key.method.Alg() {
		return nil, refuse(ReasonUnsupportedAlgorithm)
	}
	signature, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, refuse(ReasonMalformedToken)
	}
	if err := key.method.Verify(parts[0]+"."+parts[1], signature, key.key); err != nil {
		return nil, refuse(ReasonInvalidSignature)
	}
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, refuse(ReasonMalformedToken)
	}
	var raw rawClaims
	if err := json.Unmarshal(payload, &raw); err != nil {
		return nil, refuse(ReasonMalformedToken)
	}
	claims, ok := raw.claims()
	if !ok {
		return nil, refuse(ReasonMalformedToken)
	}
	now := v.unixNow()
	if v.expired(claims, now) {
		return nil, refuse(ReasonTokenExpired)
	}
	if v.premature(claims, now) {
		return nil, refuse(ReasonTokenNotYetValid)
	}
	if claims.Issuer != v.issuer {
		return nil, refuse(ReasonInvalidIssuer)
	}
	if claims.Audience != v.audience {
		return nil, refuse(ReasonInvalidAudience)
	}
	// The header is authenticated now: it must declare an access token.
	if h.Typ == nil || *h.Typ != "at+jwt" {
		return nil, refuse(ReasonInvalidTokenType)
	}
	// Issued in the future (beyond the skew tolerated): not a token this
	// issuer's clock made.
	if claims.IssuedAt > now+uint64(v.leeway/time.Second) {
		return nil, refuse(ReasonTokenNotYetValid)
	}
	return claims, nil
}
