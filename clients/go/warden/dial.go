package warden

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	authv1 "github.com/warden-auth/warden/clients/go/gen/warden/auth/v1"
	authzv1 "github.com/warden-auth/warden/clients/go/gen/warden/authz/v1"
	sessionv1 "github.com/warden-auth/warden/clients/go/gen/warden/session/v1"
)

// Client is a connection to Warden with its three service clients and, when
// Dial was given credentials, the token source that authenticates its calls.
type Client struct {
	Conn     *grpc.ClientConn
	Auth     authv1.AuthServiceClient
	Sessions sessionv1.SessionServiceClient
	Authz    authzv1.AuthzServiceClient
	// Tokens authenticates every call of Conn; nil without credentials.
	Tokens *TokenSource
}

// Option configures Dial.
type Option func(*dialOptions)

type dialOptions struct {
	login       LoginFunc
	insecure    bool
	creds       credentials.TransportCredentials
	grpcOptions []grpc.DialOption
}

// WithPassword logs in with an email and a password.
func WithPassword(email, password string) Option {
	return func(o *dialOptions) { o.login = PasswordLogin(email, password) }
}

// WithAPIKey logs in with an API key.
func WithAPIKey(apiKey string) Option {
	return func(o *dialOptions) { o.login = APIKeyLogin(apiKey) }
}

// WithLogin logs in with a custom LoginFunc.
func WithLogin(login LoginFunc) Option {
	return func(o *dialOptions) { o.login = login }
}

// Insecure connects without TLS. Dial accepts it only for loopback targets
// (localhost, 127.0.0.0/8, ::1, unix sockets), so that tokens never cross a
// network in clear.
func Insecure() Option {
	return func(o *dialOptions) { o.insecure = true }
}

// WithTransportCredentials secures the connection with creds (default: TLS
// with the system roots).
func WithTransportCredentials(creds credentials.TransportCredentials) Option {
	return func(o *dialOptions) { o.creds = creds }
}

// WithDialOptions adds gRPC dial options (interceptors, keepalive, ...).
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(o *dialOptions) { o.grpcOptions = append(o.grpcOptions, opts...) }
}

// Dial connects to the Warden at target ("host:port" or any gRPC target),
// waits until the connection is ready and, with credentials (WithPassword,
// WithAPIKey, WithLogin), logs in; every later call carries a fresh access
// token. ctx bounds the connection and the first login.
func Dial(ctx context.Context, target string, opts ...Option) (*Client, error) {
	var o dialOptions
	for _, opt := range opts {
		opt(&o)
	}
	creds := o.creds
	if o.insecure {
		if !isLoopback(target) {
			return nil, fmt.Errorf("warden: insecure transport is only allowed to a loopback address, not %q", target)
		}
		creds = insecure.NewCredentials()
	}
	if creds == nil {
		creds = credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	}
	grpcOptions := append([]grpc.DialOption{grpc.WithTransportCredentials(creds)}, o.grpcOptions...)

	// The token source logs in over the connection it authenticates: it
	// attaches no token to the open RPCs it calls itself.
	var tokens *TokenSource
	auth := &lateAuthClient{}
	if o.login != nil {
		var tsOpts []TokenSourceOption
		if o.insecure {
			tsOpts = append(tsOpts, AllowInsecureTransport())
		}
		tokens = NewTokenSource(auth, o.login, tsOpts...)
		grpcOptions = append(grpcOptions, grpc.WithPerRPCCredentials(tokens))
	}
	conn, err := grpc.NewClient(target, grpcOptions...)
	if err != nil {
		return nil, fmt.Errorf("warden: %w", err)
	}
	auth.AuthServiceClient = authv1.NewAuthServiceClient(conn)
	c := &Client{
		Conn:     conn,
		Auth:     auth.AuthServiceClient,
		Sessions: sessionv1.NewSessionServiceClient(conn),
		Authz:    authzv1.NewAuthzServiceClient(conn),
		Tokens:   tokens,
	}
	if err := waitReady(ctx, conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("warden: connecting to %s: %w", target, err)
	}
	if tokens != nil {
		if _, err := tokens.Token(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("warden: login: %w", err)
		}
	}
	return c, nil
}

// lateAuthClient lets the token source be built before the connection it
// calls through exists.
type lateAuthClient struct {
	authv1.AuthServiceClient
}

// Close closes the connection.
func (c *Client) Close() error {
	return c.Conn.Close()
}

func waitReady(ctx context.Context, conn *grpc.ClientConn) error {
	conn.Connect()
	for {
		state := conn.GetState()
		if state == connectivity.Ready {
			return nil
		}
		if state == connectivity.Shutdown {
			return errors.New("connection shut down")
		}
		if !conn.WaitForStateChange(ctx, state) {
			return ctx.Err()
		}
	}
}

// isLoopback reports whether a gRPC target names this machine only.
func isLoopback(target string) bool {
	if strings.HasPrefix(target, "unix:") || strings.HasPrefix(target, "unix-abstract:") {
		return true
	}
	for _, scheme := range []string{"dns:///", "passthrough:///"} {
		target = strings.TrimPrefix(target, scheme)
	}
	host := target
	if h, _, err := net.SplitHostPort(target); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
