package warden

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	authv1 "github.com/warden-auth/warden/clients/go/gen/warden/auth/v1"
)

// fakeAuth is an AuthService that issues numbered tokens, rotates refresh
// tokens and rejects a rotated one, like Warden.
type fakeAuth struct {
	authv1.AuthServiceClient
	ttl time.Duration

	mu          sync.Mutex
	issued      int
	session     int
	liveRefresh string
	logins      atomic.Int64
	refreshes   atomic.Int64
	loggedOut   []string
	refreshErr  error
	loginErr    error
	// gate, when set, holds every Refresh until it is closed.
	gate chan struct{}
}

func (a *fakeAuth) issueLocked() *authv1.Tokens {
	a.issued++
	a.liveRefresh = fmt.Sprintf("wrt_%d.%d", a.session, a.issued)
	return &authv1.Tokens{
		AccessToken:  fmt.Sprintf("access-%d", a.issued),
		RefreshToken: a.liveRefresh,
		TokenType:    "Bearer",
		ExpiresIn:    int64(a.ttl / time.Second),
		SessionId:    fmt.Sprintf("session-%d", a.session),
		UserId:       "user-1",
	}
}

func (a *fakeAuth) Login(_ context.Context, in *authv1.LoginRequest, _ ...grpc.CallOption) (*authv1.LoginResponse, error) {
	a.logins.Add(1)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.loginErr != nil {
		return nil, a.loginErr
	}
	if in.GetEmail() != "alice@example.com" || in.GetPassword() != "pw" {
		return nil, status.Error(codes.Unauthenticated, "invalid email or password")
	}
	a.session++
	return &authv1.LoginResponse{Tokens: a.issueLocked()}, nil
}

func (a *fakeAuth) Refresh(_ context.Context, in *authv1.RefreshRequest, _ ...grpc.CallOption) (*authv1.RefreshResponse, error) {
	a.refreshes.Add(1)
	if a.gate != nil {
		<-a.gate
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.refreshErr != nil {
		return nil, a.refreshErr
	}
	if in.GetRefreshToken() != a.liveRefresh {
		return nil, status.Error(codes.Unauthenticated, "refresh token reused")
	}
	return &authv1.RefreshResponse{Tokens: a.issueLocked()}, nil
}

func (a *fakeAuth) Logout(ctx context.Context, _ *authv1.LogoutRequest, _ ...grpc.CallOption) (*authv1.LogoutResponse, error) {
	md, _ := metadata.FromOutgoingContext(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.loggedOut = append(a.loggedOut, md.Get("authorization")...)
	a.liveRefresh = ""
	return &authv1.LogoutResponse{}, nil
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

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

func newSource(ttl time.Duration) (*TokenSource, *fakeAuth, *clock) {
	auth := &fakeAuth{ttl: ttl}
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	ts := NewTokenSource(auth, PasswordLogin("alice@example.com", "pw"))
	ts.now = clk.Now
	return ts, auth, clk
}

func mustToken(t *testing.T, ts *TokenSource) string {
	t.Helper()
	token, err := ts.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func TestTokenSourceRefreshesBeforeExpiry(t *testing.T) {
	ts, auth, clk := newSource(100 * time.Second)
	if got := mustToken(t, ts); got != "access-1" {
		t.Fatalf("first token %q", got)
	}
	if ts.UserID() != "user-1" || ts.SessionID() != "session-1" {
		t.Fatalf("identity %q %q", ts.UserID(), ts.SessionID())
	}
	// Until a fifth of the lifetime remains, the token is reused.
	clk.advance(79 * time.Second)
	if got := mustToken(t, ts); got != "access-1" {
		t.Fatalf("token %q before the refresh point; want access-1", got)
	}
	clk.advance(2 * time.Second)
	if got := mustToken(t, ts); got != "access-2" {
		t.Fatalf("token %q after the refresh point; want access-2", got)
	}
	if auth.logins.Load() != 1 || auth.refreshes.Load() != 1 {
		t.Fatalf("%d logins, %d refreshes; want 1 and 1", auth.logins.Load(), auth.refreshes.Load())
	}
	// The rotated refresh token was used: a second refresh succeeds too.
	clk.advance(81 * time.Second)
	if got := mustToken(t, ts); got != "access-3" || ts.SessionID() != "session-1" {
		t.Fatalf("token %q session %q", got, ts.SessionID())
	}
}

func TestTokenSourceRefreshMarginIsAtMost30s(t *testing.T) {
	ts, auth, clk := newSource(15 * time.Minute)
	mustToken(t, ts)
	clk.advance(15*time.Minute - 31*time.Second)
	mustToken(t, ts)
	if auth.refreshes.Load() != 0 {
		t.Fatal("refreshed with 31 s left of 15 min")
	}
	clk.advance(2 * time.Second)
	mustToken(t, ts)
	if auth.refreshes.Load() != 1 {
		t.Fatal("not refreshed with 29 s left")
	}
}

func TestConcurrentCallersShareOneRefresh(t *testing.T) {
	ts, auth, clk := newSource(10 * time.Second)
	mustToken(t, ts)
	clk.advance(9 * time.Second)
	auth.gate = make(chan struct{})

	const callers = 50
	var wg sync.WaitGroup
	tokens := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tokens[i], errs[i] = ts.Token(context.Background())
		}()
	}
	// Let every caller queue behind the one refresh, then release it.
	deadline := time.Now().Add(5 * time.Second)
	for auth.refreshes.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(auth.gate)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || tokens[i] != "access-2" {
			t.Fatalf("caller %d: %q %v", i, tokens[i], errs[i])
		}
	}
	if n := auth.refreshes.Load(); n != 1 {
		t.Fatalf("%d refreshes; want 1", n)
	}
}

func TestRejectedRefreshTokenLogsInAgain(t *testing.T) {
	ts, auth, clk := newSource(10 * time.Second)
	mustToken(t, ts)
	// The session ended on the server (logout elsewhere, reuse detection).
	auth.mu.Lock()
	auth.liveRefresh = "something else"
	auth.mu.Unlock()
	clk.advance(9 * time.Second)
	if got := mustToken(t, ts); got != "access-2" || ts.SessionID() != "session-2" {
		t.Fatalf("token %q session %q; want a new login", got, ts.SessionID())
	}
	if auth.logins.Load() != 2 {
		t.Fatalf("%d logins; want 2", auth.logins.Load())
	}
}

func TestUnreachableWardenKeepsAValidTokenAndFailsAnExpiredOne(t *testing.T) {
	ts, auth, clk := newSource(10 * time.Second)
	mustToken(t, ts)
	auth.mu.Lock()
	auth.refreshErr = status.Error(codes.Unavailable, "connection refused")
	auth.mu.Unlock()
	clk.advance(9 * time.Second)
	if got := mustToken(t, ts); got != "access-1" {
		t.Fatalf("token %q; want the still valid access-1", got)
	}
	if auth.logins.Load() != 1 {
		t.Fatal("an unreachable Warden caused a new login")
	}
	// Failed refreshes are not retried on every call.
	before := auth.refreshes.Load()
	mustToken(t, ts)
	if auth.refreshes.Load() != before {
		t.Fatal("retried a failed refresh at once")
	}
	clk.advance(2 * time.Second)
	_, err := ts.Token(context.Background())
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("expired token with Warden down: %v; want Unavailable", err)
	}
	// Warden is back: the next call refreshes.
	auth.mu.Lock()
	auth.refreshErr = nil
	auth.mu.Unlock()
	if got := mustToken(t, ts); got != "access-2" {
		t.Fatalf("token %q after recovery", got)
	}
}

func TestWrongCredentialsFailWithWardensStatus(t *testing.T) {
	auth := &fakeAuth{ttl: time.Minute}
	ts := NewTokenSource(auth, PasswordLogin("alice@example.com", "wrong"))
	_, err := ts.Token(context.Background())
	if status.Code(err) != codes.Unauthenticated {
		t.Fatalf("%v; want Unauthenticated", err)
	}
}

func TestCallerContextEndsTheWaitNotTheRefresh(t *testing.T) {
	ts, auth, clk := newSource(10 * time.Second)
	mustToken(t, ts)
	clk.advance(9 * time.Second)
	auth.gate = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ts.Token(ctx); status.Code(err) != codes.Canceled {
		t.Fatalf("%v; want Canceled", err)
	}
	close(auth.gate)
	if got := mustToken(t, ts); got != "access-2" {
		t.Fatalf("token %q; want the refresh another caller started", got)
	}
}

func TestRequestMetadata(t *testing.T) {
	ts, _, _ := newSource(time.Minute)
	ctx := credentials.NewContextWithRequestInfo(context.Background(),
		credentials.RequestInfo{Method: "/warden.session.v1.SessionService/GetCurrentSession"})
	md, err := ts.GetRequestMetadata(ctx)
	if err != nil || md["authorization"] != "Bearer access-1" {
		t.Fatalf("metadata %v, %v", md, err)
	}
	for _, open := range []string{authv1.AuthService_Login_FullMethodName, authv1.AuthService_Refresh_FullMethodName} {
		ctx := credentials.NewContextWithRequestInfo(context.Background(), credentials.RequestInfo{Method: open})
		if md, err := ts.GetRequestMetadata(ctx); err != nil || len(md) != 0 {
			t.Fatalf("%s got metadata %v, %v", open, md, err)
		}
	}
	if !ts.RequireTransportSecurity() {
		t.Fatal("transport security not required by default")
	}
	insecure := NewTokenSource(&fakeAuth{}, PasswordLogin("a", "b"), AllowInsecureTransport())
	if insecure.RequireTransportSecurity() {
		t.Fatal("AllowInsecureTransport ignored")
	}
}

func TestLogoutEndsTheSessionAndTheNextCallLogsIn(t *testing.T) {
	ts, auth, _ := newSource(time.Minute)
	mustToken(t, ts)
	if err := ts.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(auth.loggedOut) != 1 || auth.loggedOut[0] != "Bearer access-1" {
		t.Fatalf("logout sent %v", auth.loggedOut)
	}
	if got := mustToken(t, ts); got != "access-2" || ts.SessionID() != "session-2" {
		t.Fatalf("token %q session %q after logout", got, ts.SessionID())
	}
}

func TestInsecureOnlyForLoopback(t *testing.T) {
	for target, want := range map[string]bool{
		"127.0.0.1:50051":          true,
		"localhost:50051":          true,
		"[::1]:50051":              true,
		"dns:///localhost:50051":   true,
		"unix:///run/warden.sock":  true,
		"10.0.0.7:50051":           false,
		"warden.internal:50051":    false,
		"dns:///warden.prod:50051": false,
	} {
		if got := isLoopback(target); got != want {
			t.Errorf("isLoopback(%q) = %v; want %v", target, got, want)
		}
	}
	if _, err := Dial(context.Background(), "10.0.0.7:50051", Insecure()); err == nil {
		t.Fatal("Dial accepted an insecure non-loopback target")
	}
}
