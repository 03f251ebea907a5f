package wardenauth_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	authv1 "github.com/warden-auth/warden/clients/go/gen/warden/auth/v1"
	authzv1 "github.com/warden-auth/warden/clients/go/gen/warden/authz/v1"
	sessionv1 "github.com/warden-auth/warden/clients/go/gen/warden/session/v1"
	"github.com/warden-auth/warden/clients/go/internal/wardentest"
	"github.com/warden-auth/warden/clients/go/warden"
	"github.com/warden-auth/warden/clients/go/wardenauth"
)

// resourceService is a small Go service protected by the interceptor: its
// GetCurrentSession answers from the AuthContext, and its LookupResources
// stream sends the caller's user id.
type resourceService struct {
	sessionv1.UnimplementedSessionServiceServer
	authzv1.UnimplementedAuthzServiceServer
}

func (resourceService) GetCurrentSession(ctx context.Context, _ *sessionv1.GetCurrentSessionRequest) (*sessionv1.GetCurrentSessionResponse, error) {
	if md, _ := metadata.FromIncomingContext(ctx); len(md.Get("x-warden-user-id")) > 0 {
		return nil, status.Error(codes.Internal, "client-sent x-warden-* metadata reached the handler")
	}
	caller, ok := wardenauth.FromContext(ctx)
	if !ok {
		return nil, status.Error(codes.Internal, "no caller in the context")
	}
	if err := wardenauth.RequireOwner(ctx, caller.Session.GetUserId()); err != nil {
		return nil, err
	}
	return &sessionv1.GetCurrentSessionResponse{Session: caller.Session}, nil
}

func (resourceService) LookupResources(_ *authzv1.LookupResourcesRequest, stream grpc.ServerStreamingServer[authzv1.LookupResourcesResponse]) error {
	caller, ok := wardenauth.FromContext(stream.Context())
	if !ok {
		return status.Error(codes.Internal, "no caller in the stream context")
	}
	return stream.Send(&authzv1.LookupResourcesResponse{ResourceObjectId: caller.UserID})
}

// ReadSchema is for administrators only: it authorizes from the session's roles.
func (resourceService) ReadSchema(ctx context.Context, _ *authzv1.ReadSchemaRequest) (*authzv1.ReadSchemaResponse, error) {
	if err := wardenauth.RequireRole(ctx, "admin"); err != nil {
		return nil, err
	}
	return &authzv1.ReadSchemaResponse{Schema: "definition user {}"}, nil
}

// serve runs the resource service behind interceptor on a free loopback port
// and returns a connection to it that sends no credentials by itself.
func serve(t *testing.T, interceptor *wardenauth.Interceptor, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := grpc.NewServer(
		grpc.UnaryInterceptor(interceptor.Unary()),
		grpc.StreamInterceptor(interceptor.Stream()),
	)
	sessionv1.RegisterSessionServiceServer(server, resourceService{})
	authzv1.RegisterAuthzServiceServer(server, resourceService{})
	go func() { _ = server.Serve(lis) }()
	t.Cleanup(server.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(),
		append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func bearer(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

// login registers a fresh user and logs it in through the warden client.
func login(t *testing.T, ctx context.Context, srv *wardentest.Server) *warden.Client {
	t.Helper()
	email := wardentest.UniqueEmail("go-interceptor")
	anon, err := warden.Dial(ctx, srv.Addr, warden.Insecure())
	if err != nil {
		t.Fatal(err)
	}
	defer anon.Close()
	if _, err := anon.Auth.Register(ctx, &authv1.RegisterRequest{Email: email, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	c, err := warden.Dial(ctx, srv.Addr, warden.Insecure(), warden.WithPassword(email, "correct horse battery"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func wantRefused(t *testing.T, err error, reason wardenauth.Reason) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want %s", reason)
	}
	if status.Code(err) != codes.Unauthenticated || wardenauth.ReasonOf(err) != reason {
		t.Fatalf("%v; want UNAUTHENTICATED %s", err, reason)
	}
}

func TestLiveInterceptor(t *testing.T) {
	srv := wardentest.Start(t, wardentest.Config{Redis: true, AMQP: true})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	wardenConn, err := grpc.NewClient(srv.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer wardenConn.Close()
	redisSessions, err := wardenauth.DialRedis(srv.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	defer redisSessions.Close()
	keys := wardenauth.NewGRPCKeySource(wardenConn)

	t.Run("end to end with the token source, a cache and the revocation feed", func(t *testing.T) {
		cache := wardenauth.NewCachedSessionSource(redisSessions, time.Hour)
		feedCtx, stopFeed := context.WithCancel(ctx)
		defer stopFeed()
		go func() { _ = cache.FollowRevocations(feedCtx, srv.AMQPURL) }()
		waitFor(t, 10*time.Second, "revocation feed up", cache.FeedUp)

		user := login(t, ctx, srv)
		conn := serve(t, wardenauth.New("warden", "warden", keys, cache), grpc.WithPerRPCCredentials(user.Tokens))
		sessions := sessionv1.NewSessionServiceClient(conn)

		// x-warden-* metadata from the client never reaches the handler.
		resp, err := sessions.GetCurrentSession(
			metadata.AppendToOutgoingContext(ctx, "x-warden-user-id", "admin"), &sessionv1.GetCurrentSessionRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetSession().GetUserId() != user.Tokens.UserID() || resp.GetSession().GetSessionId() != user.Tokens.SessionID() {
			t.Fatalf("session %v; want user %s session %s", resp.GetSession(), user.Tokens.UserID(), user.Tokens.SessionID())
		}
		stream, err := authzv1.NewAuthzServiceClient(conn).LookupResources(ctx, &authzv1.LookupResourcesRequest{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := stream.Recv()
		if err != nil || got.GetResourceObjectId() != user.Tokens.UserID() {
			t.Fatalf("stream: %v %v", got, err)
		}
		// Enrichment's SessionUpdated evicts the session once, just after
		// login: the next call caches it again, enriched, and then only an
		// event of its own evicts it.
		waitFor(t, 10*time.Second, "the enriched session cached", func() bool {
			resp, err := sessions.GetCurrentSession(ctx, &sessionv1.GetCurrentSessionRequest{})
			if err != nil {
				t.Fatal(err)
			}
			return resp.GetSession().GetEnrichedAt() != nil && cache.Len() == 1
		})

		// Logout: SessionRevoked on warden.events evicts the cached session
		// (its max age is an hour, so only the event can).
		oldToken, err := user.Tokens.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := user.Tokens.Logout(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 5*time.Second, "the revocation event to evict the session", func() bool { return cache.Len() == 0 })
		if !cache.FeedUp() {
			t.Fatal("the feed went down: the eviction proves nothing")
		}
		// The same service, through a connection without the token source.
		plain := sessionv1.NewSessionServiceClient(serve(t, wardenauth.New("warden", "warden", keys, cache)))
		_, err = plain.GetCurrentSession(bearer(ctx, oldToken), &sessionv1.GetCurrentSessionRequest{})
		wantRefused(t, err, wardenauth.ReasonSessionRevoked)
		_, err = plain.GetCurrentSession(ctx, &sessionv1.GetCurrentSessionRequest{})
		wantRefused(t, err, wardenauth.ReasonMissingToken)
		// The token source logged in again: calls through it go on working.
		if _, err := sessions.GetCurrentSession(ctx, &sessionv1.GetCurrentSessionRequest{}); err != nil {
			t.Fatalf("after logout, the token source's new session: %v", err)
		}
	})

	t.Run("a logged-out session is refused at once (Redis)", func(t *testing.T) {
		user := login(t, ctx, srv)
		sessions := sessionv1.NewSessionServiceClient(serve(t, wardenauth.New("warden", "warden", keys, redisSessions)))
		token, err := user.Tokens.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sessions.GetCurrentSession(bearer(ctx, token), &sessionv1.GetCurrentSessionRequest{}); err != nil {
			t.Fatal(err)
		}
		if err := user.Tokens.Logout(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = sessions.GetCurrentSession(bearer(ctx, token), &sessionv1.GetCurrentSessionRequest{})
		wantRefused(t, err, wardenauth.ReasonSessionRevoked)
	})

	t.Run("keys over HTTP, sessions from SessionService", func(t *testing.T) {
		user := login(t, ctx, srv)
		interceptor := wardenauth.New("warden", "warden",
			wardenauth.NewHTTPKeySource(srv.JWKSURL(), nil), wardenauth.NewGRPCSessionSource(wardenConn))
		sessions := sessionv1.NewSessionServiceClient(serve(t, interceptor))
		token, err := user.Tokens.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := sessions.GetCurrentSession(bearer(ctx, token), &sessionv1.GetCurrentSessionRequest{})
		if err != nil || resp.GetSession().GetUserId() != user.Tokens.UserID() {
			t.Fatalf("%v %v", resp, err)
		}
		if err := user.Tokens.Logout(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = sessions.GetCurrentSession(bearer(ctx, token), &sessionv1.GetCurrentSessionRequest{})
		wantRefused(t, err, wardenauth.ReasonSessionRevoked)
	})

	t.Run("RequireRole reads the roles of the enriched session", func(t *testing.T) {
		cache := wardenauth.NewCachedSessionSource(redisSessions, time.Hour)
		feedCtx, stopFeed := context.WithCancel(ctx)
		defer stopFeed()
		go func() { _ = cache.FollowRevocations(feedCtx, srv.AMQPURL) }()
		waitFor(t, 10*time.Second, "revocation feed up", cache.FeedUp)

		anon, err := warden.Dial(ctx, srv.Addr, warden.Insecure())
		if err != nil {
			t.Fatal(err)
		}
		defer anon.Close()
		adminPassword := "admin password for the Go tests"
		if _, err := anon.Auth.Register(ctx, &authv1.RegisterRequest{Email: wardentest.AdminEmail, Password: adminPassword}); err != nil {
			t.Fatal(err)
		}
		admin, err := warden.Dial(ctx, srv.Addr, warden.Insecure(), warden.WithPassword(wardentest.AdminEmail, adminPassword))
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		user := login(t, ctx, srv)

		service := serve(t, wardenauth.New("warden", "warden", keys, cache))
		asAdmin := authzv1.NewAuthzServiceClient(service)
		// Enrichment follows SessionCreated; the interceptor waits (bounded)
		// for it, and answers SESSION_NOT_READY if it takes longer: never a
		// PERMISSION_DENIED for roles not known yet.
		waitFor(t, 10*time.Second, "the admin session to carry the admin role", func() bool {
			token, err := admin.Tokens.Token(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, err = asAdmin.ReadSchema(bearer(ctx, token), &authzv1.ReadSchemaRequest{})
			if err != nil && wardenauth.ReasonOf(err) != wardenauth.ReasonSessionNotReady {
				t.Fatalf("admin: %v", err)
			}
			return err == nil
		})
		token, err := user.Tokens.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = asAdmin.ReadSchema(bearer(ctx, token), &authzv1.ReadSchemaRequest{})
		if status.Code(err) != codes.PermissionDenied || wardenauth.ReasonOf(err) != wardenauth.ReasonPermissionDenied {
			t.Fatalf("a user without the role: %v; want PERMISSION_DENIED", err)
		}
	})

	t.Run("reject paths", func(t *testing.T) {
		rejectPaths(t, ctx, srv, keys, redisSessions)
	})
}

// rejectPaths mirrors tests/tests/reject_paths.rs against the Go interceptor:
// tokens forged with the server's own key, with one thing wrong each.
func rejectPaths(t *testing.T, ctx context.Context, srv *wardentest.Server, keys wardenauth.KeySource, sessions wardenauth.SessionSource) {
	email := wardentest.UniqueEmail("go-reject")
	anon, err := warden.Dial(ctx, srv.Addr, warden.Insecure())
	if err != nil {
		t.Fatal(err)
	}
	defer anon.Close()
	if _, err := anon.Auth.Register(ctx, &authv1.RegisterRequest{Email: email, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	loggedIn, err := anon.Auth.Login(ctx, &authv1.LoginRequest{Email: email, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	tokens := loggedIn.GetTokens()
	userID, sessionID := tokens.GetUserId(), tokens.GetSessionId()
	jwks, err := anon.Auth.GetJwks(ctx, &authv1.GetJwksRequest{})
	if err != nil {
		t.Fatal(err)
	}
	kid := jwks.GetKeys()[0].GetKid()
	apiKey, err := anon.Auth.CreateApiKey(bearer(ctx, tokens.GetAccessToken()), &authv1.CreateApiKeyRequest{Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}

	now := time.Now().Unix()
	claims := func(over map[string]any) map[string]any {
		c := map[string]any{
			"iss": "warden", "aud": "warden", "sub": userID, "sid": sessionID,
			"iat": now, "nbf": now, "exp": now + 600, "jti": "forged",
		}
		for k, v := range over {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		return c
	}
	forge := func(header, over map[string]any) string {
		token, err := srv.SignWithServerKey(header, claims(over))
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	enc := base64.RawURLEncoding
	b64 := func(v any) string {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return enc.EncodeToString(data)
	}
	hs256 := func(secret []byte) string {
		input := b64(map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": kid}) + "." + b64(claims(nil))
		sig, err := jwt.SigningMethodHS256.Sign(input, secret)
		if err != nil {
			t.Fatal(err)
		}
		return input + "." + enc.EncodeToString(sig)
	}
	parts := strings.Split(tokens.GetAccessToken(), ".")
	var payload map[string]any
	raw, _ := enc.DecodeString(parts[1])
	if err := json.Unmarshal(raw, &payload); err != nil {
		t.Fatal(err)
	}
	payload["sub"] = "someone-else"
	tampered := parts[0] + "." + b64(payload) + "." + parts[2]
	publicKey, err := enc.DecodeString(jwks.GetKeys()[0].GetX())
	if err != nil {
		t.Fatal(err)
	}
	_, ownKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	input := b64(map[string]any{"alg": "EdDSA", "typ": "at+jwt", "kid": kid}) + "." + b64(claims(nil))
	otherKeySameKid := input + "." + enc.EncodeToString(ed25519.Sign(ownKey, []byte(input)))

	client := sessionv1.NewSessionServiceClient(serve(t, wardenauth.New("warden", "warden", keys, sessions)))
	good := forge(nil, nil)
	if _, err := client.GetCurrentSession(bearer(ctx, good), &sessionv1.GetCurrentSessionRequest{}); err != nil {
		t.Fatalf("a well-formed forged token is refused, so the cases below prove nothing: %v", err)
	}
	cases := []struct {
		name, token string
		want        wardenauth.Reason
	}{
		{"no token", "", wardenauth.ReasonMissingToken},
		{"garbage", "garbage", wardenauth.ReasonMalformedToken},
		{"alg none", b64(map[string]any{"alg": "none", "typ": "at+jwt", "kid": kid}) + "." + parts[1] + ".", wardenauth.ReasonUnsupportedAlgorithm},
		{"HS256 keyed with the public key", hs256(publicKey), wardenauth.ReasonUnsupportedAlgorithm},
		{"HS256 keyed with the JWKS text", hs256([]byte(jwks.GetJwksJson())), wardenauth.ReasonUnsupportedAlgorithm},
		{"unknown kid", forge(map[string]any{"kid": "not-a-published-key"}, nil), wardenauth.ReasonUnknownKey},
		{"no kid", forge(map[string]any{"kid": nil}, nil), wardenauth.ReasonUnknownKey},
		{"tampered payload", tampered, wardenauth.ReasonInvalidSignature},
		{"signed by another key under the published kid", otherKeySameKid, wardenauth.ReasonInvalidSignature},
		{"expired", forge(nil, map[string]any{"exp": now - 120, "iat": now - 700, "nbf": now - 700}), wardenauth.ReasonTokenExpired},
		{"not yet valid", forge(nil, map[string]any{"nbf": now + 300}), wardenauth.ReasonTokenNotYetValid},
		{"wrong iss", forge(nil, map[string]any{"iss": "evil"}), wardenauth.ReasonInvalidIssuer},
		{"wrong aud", forge(nil, map[string]any{"aud": "other"}), wardenauth.ReasonInvalidAudience},
		{"wrong typ", forge(map[string]any{"typ": "JWT"}, nil), wardenauth.ReasonInvalidTokenType},
		{"missing sid", forge(nil, map[string]any{"sid": nil}), wardenauth.ReasonMalformedToken},
		{"unknown session", forge(nil, map[string]any{"sid": strings.Repeat("0", 32)}), wardenauth.ReasonSessionRevoked},
		{"session of another user", forge(nil, map[string]any{"sub": "someone-else"}), wardenauth.ReasonSessionRevoked},
		{"refresh token as access token", tokens.GetRefreshToken(), wardenauth.ReasonMalformedToken},
		{"api key as access token", apiKey.GetApiKey(), wardenauth.ReasonMalformedToken},
		{"64 KiB metadata value", strings.Repeat("a", 64*1024), wardenauth.ReasonMalformedToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			callCtx := ctx
			if c.token != "" {
				callCtx = bearer(ctx, c.token)
			}
			_, err := client.GetCurrentSession(callCtx, &sessionv1.GetCurrentSessionRequest{})
			wantRefused(t, err, c.want)
		})
	}
	// Still serving, and a 64 KiB value elsewhere does not break a valid call.
	padded := metadata.AppendToOutgoingContext(bearer(ctx, tokens.GetAccessToken()), "x-padding", strings.Repeat("p", 64*1024))
	resp, err := client.GetCurrentSession(padded, &sessionv1.GetCurrentSessionRequest{})
	if err != nil || resp.GetSession().GetUserId() != userID {
		t.Fatalf("valid call after the reject paths: %v %v", resp, err)
	}
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
