package wardenauth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	sessionv1 "github.com/warden-auth/warden/clients/go/gen/warden/session/v1"
)

// sessionSource is a SessionSource over a map the test changes.
type sessionSource struct {
	sessions map[string]*sessionv1.Session
	err      error
}

func (s *sessionSource) Session(_ context.Context, id, _ string) (*sessionv1.Session, error) {
	return s.sessions[id], s.err
}

type interceptorFixture struct {
	*verifierFixture
	sessions    *sessionSource
	interceptor *Interceptor
}

func newInterceptorFixture(t *testing.T, opts ...Option) *interceptorFixture {
	f := &interceptorFixture{verifierFixture: newVerifierFixture(t)}
	f.sessions = &sessionSource{sessions: map[string]*sessionv1.Session{
		"session-1": {
			SessionId: "session-1", UserId: "user-1",
			ExpiresAt:  timestamppb.New(f.clock.Now().Add(time.Hour)),
			EnrichedAt: timestamppb.New(f.clock.Now()),
		},
	}}
	opts = append([]Option{withClock(f.clock.Now)}, opts...)
	f.interceptor = New("warden", "warden", f.source, f.sessions, opts...)
	return f
}

func incoming(pairs ...string) context.Context {
	return metadata.NewIncomingContext(context.Background(), metadata.Pairs(pairs...))
}

// call runs the unary interceptor and returns what the handler saw.
func (f *interceptorFixture) call(ctx context.Context, method string) (context.Context, error) {
	var seen context.Context
	_, err := f.interceptor.Unary()(ctx, "request", &grpc.UnaryServerInfo{FullMethod: method},
		func(ctx context.Context, _ any) (any, error) {
			seen = ctx
			return "response", nil
		})
	return seen, err
}

const method = "/acme.docs.v1.Docs/Get"

func TestInterceptorAdmitsAValidTokenAndExposesTheCaller(t *testing.T) {
	f := newInterceptorFixture(t)
	token := f.key.sign(t, nil, claimsAt(f.clock.Now()))
	seen, err := f.call(incoming("authorization", "Bearer "+token, "x-warden-user-id", "admin"), method)
	if err != nil {
		t.Fatal(err)
	}
	ac, ok := FromContext(seen)
	if !ok || ac.UserID != "user-1" || ac.SessionID != "session-1" || ac.Session.GetUserId() != "user-1" || ac.Claims.TokenID != "jti-1" {
		t.Fatalf("auth context %+v, %v", ac, ok)
	}
	md, _ := metadata.FromIncomingContext(seen)
	if got := md.Get("x-warden-user-id"); len(got) != 0 {
		t.Fatalf("client-sent x-warden-user-id reached the handler: %v", got)
	}
	if err := RequireOwner(seen, "user-1"); err != nil {
		t.Fatal(err)
	}
	wantReason(t, RequireOwner(seen, "user-2"), ReasonPermissionDenied)

	// The scheme is case-insensitive.
	if _, err := f.call(incoming("authorization", "bearer "+token), method); err != nil {
		t.Fatalf("lower-case scheme: %v", err)
	}
}

func TestInterceptorRefusals(t *testing.T) {
	f := newInterceptorFixture(t)
	now := f.clock.Now()
	sign := func(over fields) string { return f.key.sign(t, nil, claimsAt(now).with(over)) }
	f.sessions.sessions["other-user"] = &sessionv1.Session{SessionId: "other-user", UserId: "user-2"}
	f.sessions.sessions["ended"] = &sessionv1.Session{
		SessionId: "ended", UserId: "user-1", ExpiresAt: timestamppb.New(now.Add(-time.Second)),
	}
	cases := []struct {
		name string
		md   []string
		want Reason
		code codes.Code
	}{
		{"no metadata", nil, ReasonMissingToken, codes.Unauthenticated},
		{"basic scheme", []string{"authorization", "Basic dXNlcjpwdw=="}, ReasonMissingToken, codes.Unauthenticated},
		{"no scheme", []string{"authorization", sign(nil)}, ReasonMissingToken, codes.Unauthenticated},
		{"64 KiB value", []string{"authorization", "Bearer " + strings.Repeat("a", 64*1024)}, ReasonMalformedToken, codes.Unauthenticated},
		{"garbage", []string{"authorization", "Bearer garbage"}, ReasonMalformedToken, codes.Unauthenticated},
		{"unknown session", []string{"authorization", "Bearer " + sign(fields{"sid": strings.Repeat("0", 32)})}, ReasonSessionRevoked, codes.Unauthenticated},
		{"session of another user", []string{"authorization", "Bearer " + sign(fields{"sid": "other-user"})}, ReasonSessionRevoked, codes.Unauthenticated},
		{"session past its lifetime", []string{"authorization", "Bearer " + sign(fields{"sid": "ended"})}, ReasonSessionExpired, codes.Unauthenticated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			if c.md != nil {
				ctx = incoming(c.md...)
			}
			seen, err := f.call(ctx, method)
			if seen != nil {
				t.Fatal("handler ran")
			}
			wantReason(t, err, c.want)
			if status.Code(err) != c.code {
				t.Fatalf("code %s; want %s", status.Code(err), c.code)
			}
		})
	}
}

func TestInterceptorSessionBackendDownIsUnavailable(t *testing.T) {
	f := newInterceptorFixture(t)
	token := f.key.sign(t, nil, claimsAt(f.clock.Now()))
	f.sessions.err = errors.New("dial tcp 10.1.2.3:6379: connection refused")
	_, err := f.call(incoming("authorization", "Bearer "+token), method)
	wantReason(t, err, ReasonBackendUnavailable)
	st := status.Convert(err)
	if st.Code() != codes.Unavailable || strings.Contains(st.Message(), "10.1.2.3") {
		t.Fatalf("status %v; want UNAVAILABLE without the backend detail", st)
	}
}

func TestRedisDownIsUnavailable(t *testing.T) {
	f := newVerifierFixture(t)
	// Nothing listens on port 1.
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: time.Second, MaxRetries: -1})
	defer client.Close()
	interceptor := New("warden", "warden", f.source, NewRedisSessionSource(client), withClock(f.clock.Now))
	token := f.key.sign(t, nil, claimsAt(f.clock.Now()))
	_, err := interceptor.Unary()(incoming("authorization", "Bearer "+token), nil,
		&grpc.UnaryServerInfo{FullMethod: method},
		func(context.Context, any) (any, error) { return nil, errors.New("handler ran") })
	wantReason(t, err, ReasonBackendUnavailable)
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("code %s; want Unavailable", status.Code(err))
	}
}

func TestOpenMethodsPassWithoutACaller(t *testing.T) {
	f := newInterceptorFixture(t,
		WithOpenService("grpc.health.v1.Health"),
		WithOpenMethod("/acme.docs.v1.Docs/List"))
	// An identity placed in the context upstream never reaches the handler.
	forged := NewContext(incoming("x-warden-session-id", "s"), &AuthContext{UserID: "admin"})
	for _, m := range []string{"/grpc.health.v1.Health/Check", "/acme.docs.v1.Docs/List"} {
		seen, err := f.call(forged, m)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if _, ok := FromContext(seen); ok {
			t.Fatalf("%s: open method got a caller", m)
		}
		if md, _ := metadata.FromIncomingContext(seen); len(md.Get("x-warden-session-id")) != 0 {
			t.Fatalf("%s: x-warden-* metadata not stripped", m)
		}
	}
	_, err := f.call(forged, "/acme.docs.v1.Docs/ListAll")
	wantReason(t, err, ReasonMissingToken)
}

// fakeStream is a server stream with a context.
type fakeStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *fakeStream) Context() context.Context { return s.ctx }

func TestStreamInterceptor(t *testing.T) {
	f := newInterceptorFixture(t)
	token := f.key.sign(t, nil, claimsAt(f.clock.Now()))
	var caller *AuthContext
	handler := func(_ any, ss grpc.ServerStream) error {
		caller, _ = FromContext(ss.Context())
		return nil
	}
	info := &grpc.StreamServerInfo{FullMethod: "/acme.docs.v1.Docs/Watch", IsServerStream: true}
	err := f.interceptor.Stream()(nil, &fakeStream{ctx: incoming("authorization", "Bearer "+token)}, info, handler)
	if err != nil || caller == nil || caller.UserID != "user-1" {
		t.Fatalf("stream: caller %+v, err %v", caller, err)
	}
	caller = nil
	err = f.interceptor.Stream()(nil, &fakeStream{ctx: context.Background()}, info, handler)
	wantReason(t, err, ReasonMissingToken)
	if caller != nil {
		t.Fatal("handler ran without a token")
	}
}

func TestRequireRoleAndPermissionNeedAnEnrichedSession(t *testing.T) {
	ac := &AuthContext{UserID: "u", Session: &sessionv1.Session{
		UserId: "u", Roles: []string{"editor"}, Permissions: []string{"docs.write"},
	}}
	ctx := NewContext(context.Background(), ac)
	// Roles not known yet are not "no roles": the caller is told to retry.
	for _, err := range []error{RequireRole(ctx, "editor"), RequirePermission(ctx, "docs.write"), RequireRole(ctx, "admin")} {
		wantReason(t, err, ReasonSessionNotReady)
		if status.Code(err) != codes.Unavailable {
			t.Fatalf("%v; want Unavailable", err)
		}
	}

	ac.Session.EnrichedAt = timestamppb.Now()
	if err := RequireRole(ctx, "editor"); err != nil {
		t.Fatal(err)
	}
	if err := RequirePermission(ctx, "docs.write"); err != nil {
		t.Fatal(err)
	}
	wantReason(t, RequireRole(ctx, "admin"), ReasonPermissionDenied)
	wantReason(t, RequirePermission(ctx, "docs.delete"), ReasonPermissionDenied)
	if status.Code(RequireRole(ctx, "admin")) != codes.PermissionDenied {
		t.Fatal("want PermissionDenied")
	}
	wantReason(t, RequireRole(context.Background(), "editor"), ReasonMissingToken)
	wantReason(t, RequireOwner(context.Background(), "u"), ReasonMissingToken)
	wantReason(t, RequirePermission(context.Background(), "docs.write"), ReasonMissingToken)
}

// enrichingSource serves a session without enriched_at for its first
// `plainReads` reads, then the same session with its roles.
type enrichingSource struct {
	mu         sync.Mutex
	reads      int
	plainReads int
}

func (s *enrichingSource) Session(_ context.Context, id, _ string) (*sessionv1.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	session := &sessionv1.Session{SessionId: id, UserId: "user-1", Roles: []string{"editor"}}
	if s.reads > s.plainReads {
		session.EnrichedAt = timestamppb.Now()
	}
	return session, nil
}

func (s *enrichingSource) readCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

func TestInterceptorWaitsBoundedForEnrichment(t *testing.T) {
	f := newInterceptorFixture(t)
	token := f.key.sign(t, nil, claimsAt(f.clock.Now()))
	ctx := incoming("authorization", "Bearer "+token)
	admit := func(source SessionSource, opts ...Option) (context.Context, error) {
		f.interceptor = New("warden", "warden", f.source, source, append([]Option{withClock(f.clock.Now)}, opts...)...)
		return f.call(ctx, method)
	}

	// Enriched on the third read: the call waits for it and sees the roles.
	late := &enrichingSource{plainReads: 2}
	seen, err := admit(late, WithEnrichmentWait(2*time.Second))
	if err != nil {
		t.Fatalf("enriched during the wait: %v", err)
	}
	caller, _ := FromContext(seen)
	if caller.Session.GetEnrichedAt() == nil || caller.RequireRole("editor") != nil {
		t.Fatalf("the handler got session %v", caller.Session)
	}
	if late.readCount() != 3 {
		t.Fatalf("%d session reads; want 3", late.readCount())
	}

	// Never enriched: UNAVAILABLE / SESSION_NOT_READY once the wait ran out,
	// and the handler never runs.
	never := &enrichingSource{plainReads: 1 << 30}
	start := time.Now()
	seen, err = admit(never, WithEnrichmentWait(150*time.Millisecond))
	wantReason(t, err, ReasonSessionNotReady)
	if status.Code(err) != codes.Unavailable || seen != nil {
		t.Fatalf("%v (handler ran: %v); want Unavailable before the handler", err, seen != nil)
	}
	if waited := time.Since(start); waited < 150*time.Millisecond || waited > 2*time.Second {
		t.Fatalf("waited %v; want about 150 ms", waited)
	}
	if never.readCount() < 3 {
		t.Fatalf("%d session reads; the wait must re-read the source", never.readCount())
	}

	// The default waits too (not "no roles" at once).
	if New("warden", "warden", f.source, never).enrichmentWait != DefaultEnrichmentWait {
		t.Fatal("no enrichment wait by default")
	}

	// Without the wait the call is admitted; the Require helpers refuse it.
	seen, err = admit(&enrichingSource{plainReads: 1 << 30}, WithEnrichmentWait(0))
	if err != nil {
		t.Fatal(err)
	}
	wantReason(t, RequireRole(seen, "editor"), ReasonSessionNotReady)
}

func TestErrorsCarryErrorInfoAndHideBackendDetails(t *testing.T) {
	reasons := []Reason{
		ReasonMissingToken, ReasonMalformedToken, ReasonUnsupportedAlgorithm, ReasonUnknownKey,
		ReasonInvalidSignature, ReasonInvalidTokenType, ReasonTokenExpired, ReasonTokenNotYetValid,
		ReasonInvalidIssuer, ReasonInvalidAudience, ReasonSessionRevoked, ReasonSessionExpired,
		ReasonPermissionDenied, ReasonBackendUnavailable, ReasonSessionNotReady,
	}
	for _, r := range reasons {
		e := &Error{Reason: r, Detail: "redis 10.1.2.3 refused"}
		if r == ReasonPermissionDenied {
			e.Detail = "role admin"
		}
		st := e.GRPCStatus()
		want := codes.Unauthenticated
		switch r {
		case ReasonPermissionDenied:
			want = codes.PermissionDenied
		case ReasonBackendUnavailable, ReasonSessionNotReady:
			want = codes.Unavailable
		}
		if st.Code() != want {
			t.Errorf("%s: code %s; want %s", r, st.Code(), want)
		}
		if len(st.Details()) != 1 {
			t.Fatalf("%s: details %v", r, st.Details())
		}
		info, ok := st.Details()[0].(*errdetails.ErrorInfo)
		if !ok || info.GetDomain() != "warden" || info.GetReason() != string(r) {
			t.Errorf("%s: ErrorInfo %v", r, st.Details()[0])
		}
		if strings.Contains(st.Message(), "10.1.2.3") {
			t.Errorf("%s: message %q leaks the backend detail", r, st.Message())
		}
		if ReasonOf(st.Err()) != r {
			t.Errorf("%s: ReasonOf(status) = %q", r, ReasonOf(st.Err()))
		}
	}
}

func TestInterceptorRefusesTwoAuthorizationValues(t *testing.T) {
	f := newInterceptorFixture(t)
	token := f.key.sign(t, nil, claimsAt(f.clock.Now()))
	// Which of two different credentials a proxy on the way checked is
	// unknown: neither is taken.
	for _, second := range []string{"Basic dXNlcjpwdw==", "Bearer garbage", "bearer " + token} {
		seen, err := f.call(incoming("authorization", "Bearer "+token, "authorization", second), method)
		if seen != nil {
			t.Fatalf("%q: handler ran", second)
		}
		wantReason(t, err, ReasonMalformedToken)
		if status.Code(err) != codes.Unauthenticated {
			t.Fatalf("code %s; want Unauthenticated", status.Code(err))
		}
	}
	// Refused before anything is parsed: no token was verified.
	if n := f.source.reads.Load(); n != 0 {
		t.Fatalf("%d key-source reads; want 0", n)
	}
	// The same credential twice (a channel and a call that both add it) is one.
	seen, err := f.call(incoming("authorization", "Bearer "+token, "authorization", "Bearer "+token), method)
	if err != nil || seen == nil {
		t.Fatalf("the same token twice: %v", err)
	}
}

func TestInterceptorGoneSessionOfATokenPastItsExpIsExpired(t *testing.T) {
	f := newInterceptorFixture(t) // 30 s leeway
	t0 := f.clock.Now().Unix()
	f.sessions.sessions["other-user"] = &sessionv1.Session{SessionId: "other-user", UserId: "user-2"}
	sign := func(sid string, exp int64) string {
		return f.key.sign(t, nil, claimsAt(f.clock.Now()).with(fields{"sid": sid, "exp": exp, "iat": t0 - 600, "nbf": t0 - 600}))
	}
	cases := []struct {
		name  string
		token string
		want  Reason
	}{
		// Warden never signs a token past its session's end: a session gone
		// while its token is in the leeway after exp ran out.
		{"gone, token past exp", sign("gone", t0-10), ReasonSessionExpired},
		{"gone, token at exp", sign("gone", t0), ReasonSessionExpired},
		{"gone, token before exp", sign("gone", t0+1), ReasonSessionRevoked},
		{"another user's session, token past exp", sign("other-user", t0-10), ReasonSessionRevoked},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			seen, err := f.call(incoming("authorization", "Bearer "+c.token), method)
			if seen != nil {
				t.Fatal("handler ran")
			}
			wantReason(t, err, c.want)
		})
	}
}
