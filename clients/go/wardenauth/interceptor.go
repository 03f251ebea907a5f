package wardenauth

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	sessionv1 "github.com/warden-auth/warden/clients/go/gen/warden/session/v1"
)

// ReservedMetadataPrefix is the metadata prefix only Warden may set;
// client-sent keys with it are removed before anything else.
const ReservedMetadataPrefix = "x-warden-"

// AuthContext is the authenticated caller, put into the context of every call
// that passed the interceptor.
type AuthContext struct {
	// UserID is the user (the sub claim).
	UserID string
	// SessionID is the session (the sid claim).
	SessionID string
	// Session is the session as loaded for this call.
	Session *sessionv1.Session
	// Claims are the verified claims of the access token.
	Claims *Claims
}

type authContextKey struct{}

// NewContext returns ctx carrying ac (the interceptor does this; tests of
// handlers can too).
func NewContext(ctx context.Context, ac *AuthContext) context.Context {
	return context.WithValue(ctx, authContextKey{}, ac)
}

// FromContext returns the caller of a call that passed the interceptor; false
// when the method was left open or the interceptor is missing.
func FromContext(ctx context.Context) (*AuthContext, bool) {
	ac, ok := ctx.Value(authContextKey{}).(*AuthContext)
	return ac, ok && ac != nil
}

// RequireOwner fails with PERMISSION_DENIED unless the caller is userID.
func (ac *AuthContext) RequireOwner(userID string) error {
	if ac.UserID != userID {
		return &Error{Reason: ReasonPermissionDenied, Detail: "not the owner"}
	}
	return nil
}

// RequireRole fails with PERMISSION_DENIED unless the session has role. A
// session whose roles are not known yet (enriched_at unset: the interceptor
// was built with WithEnrichmentWait(0)) is not "no roles": UNAVAILABLE /
// SESSION_NOT_READY.
func (ac *AuthContext) RequireRole(role string) error {
	if ac.Session.GetEnrichedAt() == nil {
		return refuse(ReasonSessionNotReady)
	}
	if !slices.Contains(ac.Session.GetRoles(), role) {
		return &Error{Reason: ReasonPermissionDenied, Detail: "role " + role}
	}
	return nil
}

// RequirePermission fails with PERMISSION_DENIED unless the session's roles
// grant permission; UNAVAILABLE / SESSION_NOT_READY while its roles are not
// known yet (see RequireRole).
func (ac *AuthContext) RequirePermission(permission string) error {
	if ac.Session.GetEnrichedAt() == nil {
		return refuse(ReasonSessionNotReady)
	}
	if !slices.Contains(ac.Session.GetPermissions(), permission) {
		return &Error{Reason: ReasonPermissionDenied, Detail: "permission " + permission}
	}
	return nil
}

// RequireOwner fails unless the caller of ctx is userID: UNAUTHENTICATED
// without a caller, PERMISSION_DENIED for another user.
func RequireOwner(ctx context.Context, userID string) error {
	ac, ok := FromContext(ctx)
	if !ok {
		return refuse(ReasonMissingToken)
	}
	return ac.RequireOwner(userID)
}

// RequireRole fails unless the caller of ctx has role: UNAUTHENTICATED
// without a caller, PERMISSION_DENIED without the role.
func RequireRole(ctx context.Context, role string) error {
	ac, ok := FromContext(ctx)
	if !ok {
		return refuse(ReasonMissingToken)
	}
	return ac.RequireRole(role)
}

// RequirePermission fails unless the caller of ctx has permission:
// UNAUTHENTICATED without a caller, PERMISSION_DENIED without it.
func RequirePermission(ctx context.Context, permission string) error {
	ac, ok := FromContext(ctx)
	if !ok {
		return refuse(ReasonMissingToken)
	}
	return ac.RequirePermission(permission)
}

// Interceptor authenticates gRPC calls to a Go service the way Warden's Rust
// warden-interceptor does: it removes client-sent x-warden-* metadata,
// verifies the bearer token locally (see Verifier), loads its session,
// and hands the handler an AuthContext (see FromContext). Refusals are gRPC
// statuses with a google.rpc.ErrorInfo (domain "warden"); a backend that is
// down gives UNAVAILABLE, never an allow.
type Interceptor struct {
	verifier     *Verifier
	sessions     SessionSource
	openMethods  map[string]bool
	openServices []string
	// enrichmentWait bounds the wait for a session's enriched_at (0: none).
	enrichmentWait time.Duration
	logger         *slog.Logger
	now            func() int64
}

// New builds an interceptor for tokens of issuer meant for audience (both
// "warden" unless Warden was configured otherwise), with keys from keys and
// sessions from sessions.
func New(issuer, audience string, keys KeySource, sessions SessionSource, opts ...Option) *Interceptor {
	o := buildOptions(opts)
	return &Interceptor{
		verifier:       newVerifier(issuer, audience, keys, o),
		sessions:       sessions,
		openMethods:    o.openMethods,
		openServices:   o.openServices,
		enrichmentWait: o.enrichmentWait,
		logger:         o.logger,
		now:            func() int64 { return o.now().Unix() },
	}
}

// Verifier is the interceptor's token verifier (to reload keys after a
// rotation, or to verify a token outside a call).
func (i *Interceptor) Verifier() *Verifier {
	return i.verifier
}

func (i *Interceptor) isOpen(fullMethod string) bool {
	if i.openMethods[fullMethod] {
		return true
	}
	for _, prefix := range i.openServices {
		if strings.HasPrefix(fullMethod, prefix) {
			return true
		}
	}
	return false
}

// stripReserved returns ctx with the incoming x-warden-* metadata removed.
func stripReserved(ctx context.Context) (context.Context, metadata.MD) {
	md, ok := metadata.FromIncomingContext(ctx)
	if !ok {
		return ctx, nil
	}
	var clean metadata.MD
	for key := range md {
		if strings.HasPrefix(key, ReservedMetadataPrefix) {
			if clean == nil {
				clean = md.Copy()
			}
			delete(clean, key)
		}
	}
	if clean == nil {
		return ctx, md
	}
	return metadata.NewIncomingContext(ctx, clean), clean
}

// bearer extracts the token of "authorization: Bearer <token>".
func bearer(md metadata.MD) (string, error) {
	values := md.Get("authorization")
	if len(values) == 0 {
		return "", refuse(ReasonMissingToken)
	}
	value := values[0]
	// Two different credentials are ambiguous: which one a proxy on the way
	// checked is unknown, so neither is taken. The same one twice (a channel
	// and a call that both add it) is one credential.
	for _, other := range values[1:] {
		if other != value {
			return "", refuse(ReasonMalformedToken)
		}
	}
	if len(value) > MaxTokenBytes+16 {
		return "", refuse(ReasonMalformedToken)
	}
	scheme, token, ok := strings.Cut(value, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return "", refuse(ReasonMissingToken)
	}
	return strings.TrimSpace(token), nil
}

// Authenticate verifies the bearer token in the incoming metadata of ctx and
// loads its session, as the interceptor does for a call.
func (i *Interceptor) Authenticate(ctx context.Context) (*AuthContext, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	token, err := bearer(md)
	if err != nil {
		return nil, err
	}
	claims, err := i.verifier.Verify(ctx, token)
	if err != nil {
		return nil, err
	}
	session, err := i.session(ctx, claims, token)
	if err != nil {
		return nil, err
	}
	return &AuthContext{
		UserID:    claims.Subject,
		SessionID: claims.SessionID,
		Session:   session,
		Claims:    claims,
	}, nil
}

// loadSession reads the live session of claims from the session source
// (SESSION_REVOKED when it is gone, SESSION_EXPIRED past its lifetime, or
// gone while the token is past its exp).
func (i *Interceptor) loadSession(ctx context.Context, claims *Claims, token string) (*sessionv1.Session, error) {
	session, err := i.sessions.Session(ctx, claims.SessionID, token)
	if err != nil {
		var refusal *Error
		if errors.As(err, &refusal) {
			return nil, refusal
		}
		return nil, unavailable("session source: " + err.Error())
	}
	now := i.now()
	if session == nil {
		// Warden never signs a token past its session's end, so a token in
		// the leeway after its exp whose session is gone most likely outlived
		// it: the session expired rather than being revoked.
		if now >= 0 && uint64(now) >= claims.Expiry {
			return nil, refuse(ReasonSessionExpired)
		}
		return nil, refuse(ReasonSessionRevoked)
	}
	if session.GetUserId() != claims.Subject {
		return nil, refuse(ReasonSessionRevoked)
	}
	if exp := session.GetExpiresAt(); exp != nil && exp.GetSeconds() <= now {
		return nil, refuse(ReasonSessionExpired)
	}
	return session, nil
}

// session loads the session of claims and, when it has no enriched_at yet
// (roles not known, never "no roles"), re-reads it with a growing pause
// until it has, for at most i.enrichmentWait: then SESSION_NOT_READY.
func (i *Interceptor) session(ctx context.Context, claims *Claims, token string) (*sessionv1.Session, error) {
	session, err := i.loadSession(ctx, claims, token)
	if err != nil || session.GetEnrichedAt() != nil || i.enrichmentWait <= 0 {
		return session, err
	}
	deadline := time.NewTimer(i.enrichmentWait)
	defer deadline.Stop()
	pause := 5 * time.Millisecond
	for {
		next := time.NewTimer(pause)
		select {
		case <-deadline.C:
			next.Stop()
			return nil, refuse(ReasonSessionNotReady)
		case <-ctx.Done():
			next.Stop()
			return nil, refuse(ReasonSessionNotReady)
		case <-next.C:
		}
		pause = min(pause*2, 100*time.Millisecond)
		session, err = i.loadSession(ctx, claims, token)
		if err != nil || session.GetEnrichedAt() != nil {
			return session, err
		}
	}
}

// admit strips reserved metadata and, unless the method is open,
// authenticates the call; it returns the context for the handler.
func (i *Interceptor) admit(ctx context.Context, fullMethod string) (context.Context, error) {
	ctx, _ = stripReserved(ctx)
	// A context from upstream never carries an identity past this point.
	ctx = NewContext(ctx, nil)
	if i.isOpen(fullMethod) {
		return ctx, nil
	}
	ac, err := i.Authenticate(ctx)
	if err != nil {
		var refusal *Error
		if errors.As(err, &refusal) && refusal.Reason == ReasonBackendUnavailable {
			i.logger.WarnContext(ctx, "wardenauth: authentication backend unavailable",
				"method", fullMethod, "detail", refusal.Detail)
		}
		return nil, err
	}
	return NewContext(ctx, ac), nil
}

// Unary is the grpc.UnaryServerInterceptor.
func (i *Interceptor) Unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		ctx, err := i.admit(ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}
}

// Stream is the grpc.StreamServerInterceptor.
func (i *Interceptor) Stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		ctx, err := i.admit(ss.Context(), info.FullMethod)
		if err != nil {
			return err
		}
		return handler(srv, &authenticatedStream{ServerStream: ss, ctx: ctx})
	}
}

// authenticatedStream is a server stream whose context carries the caller.
type authenticatedStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *authenticatedStream) Context() context.Context {
	return s.ctx
}
