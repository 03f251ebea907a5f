package wardenauth

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	authv1 "github.com/warden-auth/warden/clients/go/gen/warden/auth/v1"
)

type verifierFixture struct {
	clock    *clock
	source   *keySource
	key      *testKey
	verifier *Verifier
}

func newVerifierFixture(t *testing.T, opts ...Option) *verifierFixture {
	t.Helper()
	f := &verifierFixture{clock: newClock(), source: &keySource{}, key: newKey(t, "EdDSA", "k1")}
	f.source.set(f.key.jwk)
	opts = append([]Option{withClock(f.clock.Now)}, opts...)
	f.verifier = NewVerifier("warden", "warden", f.source, opts...)
	return f
}

func TestVerifierAcceptsEveryAlgorithmWardenSignsWith(t *testing.T) {
	for _, alg := range []string{"EdDSA", "ES256", "RS256"} {
		t.Run(alg, func(t *testing.T) {
			clk := newClock()
			key := newKey(t, alg, "kid-"+alg)
			v := NewVerifier("warden", "warden", &keySource{keys: []*authv1.Jwk{key.jwk}}, withClock(clk.Now))
			claims, err := v.Verify(context.Background(), key.sign(t, nil, claimsAt(clk.Now())))
			if err != nil {
				t.Fatal(err)
			}
			want := Claims{
				Issuer: "warden", Audience: "warden", Subject: "user-1", SessionID: "session-1",
				IssuedAt: uint64(clk.Now().Unix()), NotBefore: uint64(clk.Now().Unix()),
				Expiry: uint64(clk.Now().Unix() + 600), TokenID: "jti-1",
			}
			if *claims != want {
				t.Fatalf("claims %+v; want %+v", *claims, want)
			}
		})
	}
}

// TestVerifierRejectPaths mirrors the reject-path list of Warden's own
// verification layer (tests/tests/reject_paths.rs), plus the parsing edges.
func TestVerifierRejectPaths(t *testing.T) {
	f := newVerifierFixture(t)
	now := f.clock.Now()
	t0 := now.Unix()
	good := claimsAt(now)
	valid := f.key.sign(t, nil, good)
	parts := strings.Split(valid, ".")
	jwksJSON, err := protojson.Marshal(&authv1.GetJwksResponse{Keys: []*authv1.Jwk{f.key.jwk}})
	if err != nil {
		t.Fatal(err)
	}
	publicKey, err := enc.DecodeString(f.key.jwk.GetX())
	if err != nil {
		t.Fatal(err)
	}
	unpublished := newKey(t, "EdDSA", "not-a-published-key")
	impostor := newKey(t, "EdDSA", "k1") // same kid, other key
	es256 := newKey(t, "ES256", "k1")

	cases := []struct {
		name  string
		token string
		want  Reason
	}{
		{"empty", "", ReasonMalformedToken},
		{"garbage", "garbage", ReasonMalformedToken},
		{"two segments", parts[0] + "." + parts[1], ReasonMalformedToken},
		{"four segments", valid + ".x", ReasonMalformedToken},
		{"oversized", strings.Repeat("a", MaxTokenBytes+1), ReasonMalformedToken},
		{"padded base64", parts[0] + "=." + parts[1] + "." + parts[2], ReasonMalformedToken},
		{"non-url base64", parts[0] + "+." + parts[1] + "." + parts[2], ReasonMalformedToken},
		{"header not JSON", enc.EncodeToString([]byte("{nope")) + "." + parts[1] + "." + parts[2], ReasonMalformedToken},
		{"header without alg", b64JSON(t, fields{"kid": "k1", "typ": "at+jwt"}) + "." + parts[1] + "." + parts[2], ReasonMalformedToken},
		{"refresh token", "wrt_0123456789abcdef.c2VjcmV0", ReasonMalformedToken},
		{"api key", "wdn_0123456789abcdef_secret", ReasonMalformedToken},
		{"no kid", f.key.sign(t, fields{"kid": nil}, good), ReasonUnknownKey},
		{"unknown kid", unpublished.sign(t, nil, good), ReasonUnknownKey},
		{"alg none", b64JSON(t, fields{"alg": "none", "typ": "at+jwt", "kid": "k1"}) + "." + parts[1] + ".", ReasonUnsupportedAlgorithm},
		{"HS256 keyed with the public key", hs256(t, fields{"kid": "k1"}, good, publicKey), ReasonUnsupportedAlgorithm},
		{"HS256 keyed with the JWKS text", hs256(t, fields{"kid": "k1"}, good, jwksJSON), ReasonUnsupportedAlgorithm},
		{"ES256 header on an EdDSA key", es256.sign(t, nil, good), ReasonUnsupportedAlgorithm},
		{"lower-case alg", f.key.sign(t, fields{"alg": "eddsa"}, good), ReasonUnsupportedAlgorithm},
		{"other key, published kid", impostor.sign(t, nil, good), ReasonInvalidSignature},
		{"tampered payload", parts[0] + "." + b64JSON(t, good.with(fields{"sub": "someone-else"})) + "." + parts[2], ReasonInvalidSignature},
		{"tampered signature", tamperSignature(valid), ReasonInvalidSignature},
		{"empty signature", parts[0] + "." + parts[1] + ".", ReasonInvalidSignature},
		{"signature not base64url", parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-1] + "=", ReasonMalformedToken},
		{"expired", f.key.sign(t, nil, good.with(fields{"exp": t0 - 120, "iat": t0 - 700, "nbf": t0 - 700})), ReasonTokenExpired},
		{"not yet valid", f.key.sign(t, nil, good.with(fields{"nbf": t0 + 300})), ReasonTokenNotYetValid},
		{"wrong iss", f.key.sign(t, nil, good.with(fields{"iss": "evil"})), ReasonInvalidIssuer},
		{"wrong aud", f.key.sign(t, nil, good.with(fields{"aud": "other"})), ReasonInvalidAudience},
		{"aud as a list", f.key.sign(t, nil, good.with(fields{"aud": []string{"warden"}})), ReasonMalformedToken},
		{"wrong typ", f.key.sign(t, fields{"typ": "JWT"}, good), ReasonInvalidTokenType},
		{"no typ", f.key.sign(t, fields{"typ": nil}, good), ReasonInvalidTokenType},
		{"missing sid", f.key.sign(t, nil, good.with(fields{"sid": nil})), ReasonMalformedToken},
		{"missing exp", f.key.sign(t, nil, good.with(fields{"exp": nil})), ReasonMalformedToken},
		{"null sub", f.key.sign(t, nil, good.with(fields{"sub": json.RawMessage("null")})), ReasonMalformedToken},
		{"exp as a string", f.key.sign(t, nil, good.with(fields{"exp": "9999999999"})), ReasonMalformedToken},
		{"negative nbf", f.key.sign(t, nil, good.with(fields{"nbf": -1})), ReasonMalformedToken},
		{"payload not JSON", signRaw(t, f.key, "not json"), ReasonMalformedToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.verifier.Verify(context.Background(), c.token)
			wantReason(t, err, c.want)
			if status.Code(err) != codes.Unauthenticated {
				t.Fatalf("code %s; want Unauthenticated", status.Code(err))
			}
		})
	}
	if _, err := f.verifier.Verify(context.Background(), valid); err != nil {
		t.Fatalf("the valid token was refused after the reject paths: %v", err)
	}
}

func TestVerifierLeewayOnExpAndNbf(t *testing.T) {
	f := newVerifierFixture(t, WithLeeway(30*time.Second))
	t0 := f.clock.Now().Unix()
	good := claimsAt(f.clock.Now())
	ok := []fields{
		{"exp": t0 - 30},
		{"nbf": t0 + 30},
	}
	for _, over := range ok {
		if _, err := f.verifier.Verify(context.Background(), f.key.sign(t, nil, good.with(over))); err != nil {
			t.Fatalf("%v within the leeway refused: %v", over, err)
		}
	}
	_, err := f.verifier.Verify(context.Background(), f.key.sign(t, nil, good.with(fields{"exp": t0 - 31})))
	wantReason(t, err, ReasonTokenExpired)
	_, err = f.verifier.Verify(context.Background(), f.key.sign(t, nil, good.with(fields{"nbf": t0 + 31})))
	wantReason(t, err, ReasonTokenNotYetValid)
}

func TestVerifiedTokensAreRememberedUntilExpiryOrKeySetChange(t *testing.T) {
	f := newVerifierFixture(t, WithLeeway(5*time.Second), WithKeyRefreshInterval(0))
	ctx := context.Background()
	good := f.key.sign(t, nil, claimsAt(f.clock.Now()).with(fields{"exp": f.clock.Now().Unix() + 60}))
	if _, err := f.verifier.Verify(ctx, good); err != nil {
		t.Fatal(err)
	}
	if n := f.verifier.Remembered(); n != 1 {
		t.Fatalf("remembered %d tokens; want 1", n)
	}
	claims, err := f.verifier.Verify(ctx, good)
	if err != nil || claims.SessionID != "session-1" {
		t.Fatalf("answered from memory: %v %v", claims, err)
	}

	// A tampered token is never remembered, even next to a remembered one.
	_, err = f.verifier.Verify(ctx, tamperSignature(good))
	wantReason(t, err, ReasonInvalidSignature)
	if n := f.verifier.Remembered(); n != 1 {
		t.Fatalf("remembered %d tokens; want 1", n)
	}

	// A remembered token still expires.
	f.clock.advance(66 * time.Second)
	_, err = f.verifier.Verify(ctx, good)
	wantReason(t, err, ReasonTokenExpired)

	// A remembered token is forgotten when its key is withdrawn.
	fresh := f.key.sign(t, nil, claimsAt(f.clock.Now()))
	if _, err := f.verifier.Verify(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	f.source.set(newKey(t, "EdDSA", "k2").jwk)
	if err := f.verifier.RefreshKeys(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = f.verifier.Verify(ctx, fresh)
	wantReason(t, err, ReasonUnknownKey)
	if n := f.verifier.Remembered(); n != 0 {
		t.Fatalf("remembered %d tokens after the key set changed; want 0", n)
	}
}

func TestUnknownKidReloadsTheKeySetAtMostOncePerInterval(t *testing.T) {
	f := newVerifierFixture(t, WithKeyRefreshInterval(5*time.Second))
	ctx := context.Background()
	if _, err := f.verifier.Verify(ctx, f.key.sign(t, nil, claimsAt(f.clock.Now()))); err != nil {
		t.Fatal(err)
	}
	reads := f.source.reads.Load()

	rotated := newKey(t, "ES256", "k2")
	token := rotated.sign(t, nil, claimsAt(f.clock.Now()))
	_, err := f.verifier.Verify(ctx, token)
	wantReason(t, err, ReasonUnknownKey)
	if got := f.source.reads.Load(); got != reads {
		t.Fatalf("reloaded within the interval (%d reads, had %d)", got, reads)
	}

	// The new key is published: after the interval, the unknown kid reloads once.
	f.source.set(f.key.jwk, rotated.jwk)
	f.clock.advance(6 * time.Second)
	if _, err := f.verifier.Verify(ctx, rotated.sign(t, nil, claimsAt(f.clock.Now()))); err != nil {
		t.Fatalf("rotated key refused: %v", err)
	}
	if got := f.source.reads.Load(); got != reads+1 {
		t.Fatalf("%d reads; want %d", got, reads+1)
	}
}

func TestStaleKeySetReloadsInTheBackground(t *testing.T) {
	f := newVerifierFixture(t, WithKeyMaxAge(time.Minute))
	ctx := context.Background()
	if _, err := f.verifier.Verify(ctx, f.key.sign(t, nil, claimsAt(f.clock.Now()))); err != nil {
		t.Fatal(err)
	}
	// The key is withdrawn; a minute later the set reloads without an unknown kid.
	f.source.set(newKey(t, "EdDSA", "k2").jwk)
	f.clock.advance(61 * time.Second)
	token := f.key.sign(t, nil, claimsAt(f.clock.Now()))
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := f.verifier.Verify(ctx, token)
		if ReasonOf(err) == ReasonUnknownKey {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("withdrawn key still verifies after the max age: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestKeySourceDownIsUnavailableNeverAnAllow(t *testing.T) {
	f := newVerifierFixture(t)
	f.source.err = errors.New("connection refused by 10.1.2.3")
	_, err := f.verifier.Verify(context.Background(), f.key.sign(t, nil, claimsAt(f.clock.Now())))
	wantReason(t, err, ReasonBackendUnavailable)
	st := status.Convert(err)
	if st.Code() != codes.Unavailable || strings.Contains(st.Message(), "10.1.2.3") {
		t.Fatalf("status %v; want UNAVAILABLE without the backend detail", st)
	}
}

func TestPinIgnoresKeysOfOtherTypes(t *testing.T) {
	ed := newKey(t, "EdDSA", "a").jwk
	cases := []*authv1.Jwk{
		{Kid: "hmac", Kty: "oct", Alg: "HS256", X: ed.GetX()},
		{Kid: "mismatch", Kty: "EC", Alg: "EdDSA", Crv: "Ed25519", X: ed.GetX()},
		{Kid: "short", Kty: "OKP", Alg: "EdDSA", Crv: "Ed25519", X: ed.GetX()[:10]},
		{Kid: "off-curve", Kty: "EC", Alg: "ES256", Crv: "P-256", X: enc.EncodeToString(make([]byte, 32)), Y: enc.EncodeToString(make([]byte, 32))},
		{Kid: "rsa-even-e", Kty: "RSA", Alg: "RS256", N: enc.EncodeToString([]byte{0xc0, 0x01}), E: enc.EncodeToString([]byte{2})},
	}
	for _, jwk := range cases {
		if _, ok := pin(jwk); ok {
			t.Errorf("%s: pinned; want ignored", jwk.GetKid())
		}
	}
}

func TestVerifierRefusesACritHeaderBeforeLookingUpTheKey(t *testing.T) {
	f := newVerifierFixture(t)
	ctx := context.Background()
	good := claimsAt(f.clock.Now())
	// Correctly signed by the published key: only crit is wrong. Warden
	// understands no extension, so any crit member is refused (RFC 7515, 4.1.11).
	for _, crit := range []any{[]string{"exp"}, []string{"b64"}, []string{}, "b64", json.RawMessage("null")} {
		_, err := f.verifier.Verify(ctx, f.key.sign(t, fields{"crit": crit}, good))
		wantReason(t, err, ReasonMalformedToken)
	}
	// Refused before the key lookup: a crit header naming an unknown kid
	// reloads nothing.
	_, err := f.verifier.Verify(ctx, newKey(t, "EdDSA", "k9").sign(t, fields{"crit": []string{"exp"}}, good))
	wantReason(t, err, ReasonMalformedToken)
	if n := f.source.reads.Load(); n != 0 {
		t.Fatalf("%d key-source reads for crit headers; want 0", n)
	}
	if n := f.verifier.Remembered(); n != 0 {
		t.Fatalf("remembered %d tokens with a crit header", n)
	}
	if _, err := f.verifier.Verify(ctx, f.key.sign(t, nil, good)); err != nil {
		t.Fatalf("the same token without crit: %v", err)
	}
}

func TestVerifierRefusesATokenIssuedInTheFuture(t *testing.T) {
	f := newVerifierFixture(t, WithLeeway(30*time.Second))
	ctx := context.Background()
	t0 := f.clock.Now().Unix()
	good := claimsAt(f.clock.Now())
	// nbf is now: only iat says the token comes from a clock ahead of ours.
	for _, iat := range []int64{t0 + 3600, t0 + 31} {
		_, err := f.verifier.Verify(ctx, f.key.sign(t, nil, good.with(fields{"iat": iat})))
		wantReason(t, err, ReasonTokenNotYetValid)
	}
	// Checked after the signature and the other claims.
	_, err := f.verifier.Verify(ctx, f.key.sign(t, nil, good.with(fields{"iat": t0 + 3600, "iss": "evil"})))
	wantReason(t, err, ReasonInvalidIssuer)
	_, err = f.verifier.Verify(ctx, f.key.sign(t, fields{"typ": "JWT"}, good.with(fields{"iat": t0 + 3600})))
	wantReason(t, err, ReasonInvalidTokenType)
	// Within the leeway it passes: clocks differ by that much.
	if _, err := f.verifier.Verify(ctx, f.key.sign(t, nil, good.with(fields{"iat": t0 + 30}))); err != nil {
		t.Fatalf("iat within the leeway refused: %v", err)
	}
}

func TestKeysPublishedForAnotherUseVerifyNothing(t *testing.T) {
	f := newVerifierFixture(t)
	ctx := context.Background()
	encryption := newKey(t, "EdDSA", "k-enc")
	encryption.jwk.Use = "enc"
	bare := newKey(t, "EdDSA", "k-bare")
	bare.jwk.Use = "" // no use: a signing key, as RFC 7517 allows
	f.source.set(f.key.jwk, encryption.jwk, bare.jwk)
	if _, ok := pin(encryption.jwk); ok {
		t.Fatal("a JWK with use enc was pinned")
	}
	_, err := f.verifier.Verify(ctx, encryption.sign(t, nil, claimsAt(f.clock.Now())))
	wantReason(t, err, ReasonUnknownKey)
	if _, err := f.verifier.Verify(ctx, bare.sign(t, nil, claimsAt(f.clock.Now()))); err != nil {
		t.Fatalf("a JWK without use: %v", err)
	}
}
