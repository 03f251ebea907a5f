package wardenauth

import (
	"log/slog"
	"strings"
	"time"
)

// Option configures an Interceptor or a Verifier.
type Option func(*options)

type options struct {
	leeway             time.Duration
	keyRefreshInterval time.Duration
	keyMaxAge          time.Duration
	openMethods        map[string]bool
	openServices       []string
	enrichmentWait     time.Duration
	logger             *slog.Logger
	now                func() time.Time
}

func buildOptions(opts []Option) *options {
	o := &options{
		leeway:             30 * time.Second,
		keyRefreshInterval: 5 * time.Second,
		keyMaxAge:          5 * time.Minute,
		openMethods:        map[string]bool{},
		enrichmentWait:     DefaultEnrichmentWait,
		logger:             slog.Default(),
		now:                time.Now,
	}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// WithLeeway sets the clock skew tolerated on exp, nbf and iat (default 30 s).
func WithLeeway(d time.Duration) Option {
	return func(o *options) { o.leeway = d }
}

// WithKeyRefreshInterval sets the least time between two key-set reloads
// caused by tokens naming an unknown kid (default 5 s).
func WithKeyRefreshInterval(d time.Duration) Option {
	return func(o *options) { o.keyRefreshInterval = d }
}

// WithKeyMaxAge sets how old the loaded key set may get before a call
// reloads it in the background (default 5 min; 0 reloads only on an unknown
// kid). A withdrawn key stops verifying within about this long.
func WithKeyMaxAge(d time.Duration) Option {
	return func(o *options) { o.keyMaxAge = d }
}

// WithOpenMethod leaves one method open, by its full name
// ("/package.Service/Method").
func WithOpenMethod(fullMethod string) Option {
	return func(o *options) { o.openMethods[fullMethod] = true }
}

// WithOpenService leaves every method of a service open ("grpc.health.v1.Health").
func WithOpenService(service string) Option {
	return func(o *options) { o.openServices = append(o.openServices, "/"+strings.Trim(service, "/")+"/") }
}

// DefaultEnrichmentWait is how long the interceptor waits, by default, for a
// session's roles (the same default as the Rust warden-interceptor).
const DefaultEnrichmentWait = 3 * time.Second

// WithEnrichmentWait bounds how long a call whose session has no enriched_at
// (Warden has not added its roles yet, just after login) waits for it,
// re-reading the session source, before it is refused with UNAVAILABLE /
// SESSION_NOT_READY (default DefaultEnrichmentWait). 0 admits such calls at
// once; their RequireRole and RequirePermission then answer SESSION_NOT_READY.
func WithEnrichmentWait(d time.Duration) Option {
	return func(o *options) { o.enrichmentWait = max(d, 0) }
}

// WithLogger sets where backend failures are logged (default slog.Default()).
// Tokens are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// withClock replaces time.Now (tests).
func withClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}
