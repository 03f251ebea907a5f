package warden

import (
	"context"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	authv1 "github.com/warden-auth/warden/clients/go/gen/warden/auth/v1"
)

// LoginFunc starts a session and returns its tokens.
type LoginFunc func(ctx context.Context, auth authv1.AuthServiceClient) (*authv1.Tokens, error)

// PasswordLogin logs in with an email and a password (AuthService.Login).
func PasswordLogin(email, password string) LoginFunc {
	return func(ctx context.Context, auth authv1.AuthServiceClient) (*authv1.Tokens, error) {
		resp, err := auth.Login(ctx, &authv1.LoginRequest{Email: email, Password: password})
		if err != nil {
			return nil, err
		}
		return resp.GetTokens(), nil
	}
}

// APIKeyLogin logs in with an API key (AuthService.LoginWithApiKey).
func APIKeyLogin(apiKey string) LoginFunc {
	return func(ctx context.Context, auth authv1.AuthServiceClient) (*authv1.Tokens, error) {
		resp, err := auth.LoginWithApiKey(ctx, &authv1.LoginWithApiKeyRequest{ApiKey: apiKey})
		if err != nil {
			return nil, err
		}
		return resp.GetTokens(), nil
	}
}

// openMethods are the Warden RPCs that take no access token; the token
// source never attaches one to them (so it can share a connection with the
// calls it authenticates without logging in to log in).
var openMethods = map[string]bool{
	authv1.AuthService_Register_FullMethodName:        true,
	authv1.AuthService_Login_FullMethodName:           true,
	authv1.AuthService_LoginWithApiKey_FullMethodName: true,
	authv1.AuthService_Refresh_FullMethodName:         true,
	authv1.AuthService_GetJwks_FullMethodName:         true,
	"/grpc.health.v1.Health/Check":                    true,
	"/grpc.health.v1.Health/Watch":                    true,
}

const (
	// maxRefreshMargin caps how long before expiry a token is refreshed.
	maxRefreshMargin = 30 * time.Second
	// retryDelay is how long a failed refresh is not retried while the
	// current token is still valid.
	retryDelay = time.Second
	// renewTimeout bounds one login or refresh.
	renewTimeout = 15 * time.Second
)

// TokenSource logs in and keeps an access token fresh: it refreshes the
// token when less than a fifth of its lifetime (at most 30 s) remains,
// rotating the refresh token, and logs in again when Warden rejects the
// refresh token (session ended, token reused). Concurrent callers share one
// login or refresh. It is a credentials.PerRPCCredentials, safe for
// concurrent use.
type TokenSource struct {
	auth          authv1.AuthServiceClient
	login         LoginFunc
	allowInsecure bool
	now           func() time.Time

	mu         sync.Mutex
	tokens     *authv1.Tokens
	expiry     time.Time
	refreshAt  time.Time
	retryAfter time.Time
	inflight   *flight
}

// flight is one login or refresh that concurrent callers wait for.
type flight struct {
	done chan struct{}
	err  error
}

var _ credentials.PerRPCCredentials = (*TokenSource)(nil)

// TokenSourceOption configures a TokenSource.
type TokenSourceOption func(*TokenSource)

// AllowInsecureTransport lets the token travel on a connection without
// transport security (a loopback connection, or one secured by a sidecar).
func AllowInsecureTransport() TokenSourceOption {
	return func(s *TokenSource) { s.allowInsecure = true }
}

// NewTokenSource logs in through auth with login on first use.
func NewTokenSource(auth authv1.AuthServiceClient, login LoginFunc, opts ...TokenSourceOption) *TokenSource {
	s := &TokenSource{auth: auth, login: login, now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Token returns a valid access token, logging in or refreshing first when
// needed. Errors are gRPC status errors from Warden (or the context's).
func (s *TokenSource) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	now := s.now()
	if s.tokens != nil && (now.Before(s.refreshAt) || (now.Before(s.retryAfter) && now.Before(s.expiry))) {
		token := s.tokens.GetAccessToken()
		s.mu.Unlock()
		return token, nil
	}
	f := s.inflight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		s.inflight = f
		go s.renew(f)
	}
	s.mu.Unlock()

	select {
	case <-f.done:
	case <-ctx.Done():
		return "", status.FromContextError(ctx.Err()).Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.err == nil || (s.tokens != nil && s.now().Before(s.expiry)) {
		// Refreshed, or a failed refresh left a token that is still valid.
		return s.tokens.GetAccessToken(), nil
	}
	return "", f.err
}

// renew refreshes the tokens (or logs in) for every caller waiting on f. It
// does not run under any caller's context: one caller giving up does not
// fail the others.
func (s *TokenSource) renew(f *flight) {
	ctx, cancel := context.WithTimeout(context.Background(), renewTimeout)
	defer cancel()
	s.mu.Lock()
	current := s.tokens
	s.mu.Unlock()

	var tokens *authv1.Tokens
	var err error
	if current.GetRefreshToken() != "" {
		var resp *authv1.RefreshResponse
		resp, err = s.auth.Refresh(ctx, &authv1.RefreshRequest{RefreshToken: current.GetRefreshToken()})
		if err == nil {
			tokens = resp.GetTokens()
		} else if refreshRejected(err) {
			tokens, err = s.login(ctx, s.auth)
		}
	} else {
		tokens, err = s.login(ctx, s.auth)
	}
	if err == nil && tokens.GetAccessToken() == "" {
		err = status.Error(codes.Internal, "warden: the server returned no access token")
	}

	s.mu.Lock()
	if err == nil {
		s.setLocked(tokens)
	} else {
		s.retryAfter = s.now().Add(retryDelay)
	}
	f.err = err
	s.inflight = nil
	s.mu.Unlock()
	close(f.done)
}

// refreshRejected reports whether Warden refused the refresh token itself
// (rather than being unreachable): then only a new login helps.
func refreshRejected(err error) bool {
	switch status.Code(err) {
	case codes.Unauthenticated, codes.InvalidArgument, codes.NotFound:
		return true
	default:
		return false
	}
}

func (s *TokenSource) setLocked(tokens *authv1.Tokens) {
	now := s.now()
	lifetime := time.Duration(tokens.GetExpiresIn()) * time.Second
	s.tokens = tokens
	s.expiry = now.Add(lifetime)
	s.refreshAt = s.expiry.Add(-min(lifetime/5, maxRefreshMargin))
	s.retryAfter = time.Time{}
}

// UserID is the user of the current tokens ("" before the first login).
func (s *TokenSource) UserID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens.GetUserId()
}

// SessionID is the session of the current tokens ("" before the first login).
func (s *TokenSource) SessionID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens.GetSessionId()
}

// Logout ends the current session (AuthService.Logout) and forgets its
// tokens; the next Token logs in again.
func (s *TokenSource) Logout(ctx context.Context) error {
	s.mu.Lock()
	token := s.tokens.GetAccessToken()
	s.mu.Unlock()
	if token == "" {
		return nil
	}
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	if _, err := s.auth.Logout(ctx, &authv1.LogoutRequest{}); err != nil {
		return err
	}
	s.mu.Lock()
	if s.tokens.GetAccessToken() == token {
		s.tokens = nil
	}
	s.mu.Unlock()
	return nil
}

// GetRequestMetadata implements credentials.PerRPCCredentials: it attaches
// "authorization: Bearer <token>" to every call but Warden's open RPCs and
// calls that set their own.
func (s *TokenSource) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	if info, ok := credentials.RequestInfoFromContext(ctx); ok && openMethods[info.Method] {
		return nil, nil
	}
	// A call that carries its own authorization keeps it (Logout names the
	// token whose session it ends): Warden refuses two values.
	if md, ok := metadata.FromOutgoingContext(ctx); ok && len(md.Get("authorization")) > 0 {
		return nil, nil
	}
	token, err := s.Token(ctx)
	if err != nil {
		return nil, err
	}
	return map[string]string{"authorization": "Bearer " + token}, nil
}

// RequireTransportSecurity implements credentials.PerRPCCredentials: true
// unless AllowInsecureTransport was given.
func (s *TokenSource) RequireTransportSecurity() bool {
	return !s.allowInsecure
}
