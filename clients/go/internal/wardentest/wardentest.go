// Package wardentest starts a private warden server for live tests: the
// binary from $WARDEN_BIN (default <repo>/target/debug/warden), on ports the
// server picks itself, with a fresh data directory, on Redis and RabbitMQ
// when asked ($WARDEN_TEST_REDIS_URL, $WARDEN_TEST_AMQP_URL).
package wardentest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// AdminEmail is the bootstrap administrator of every server started here.
const AdminEmail = "admin@example.com"

// Config says how to start a server.
type Config struct {
	// AccessTokenTTL is --access-token-ttl (default "15m"; Warden's minimum is 10s).
	AccessTokenTTL string
	// TokenLeeway is --token-leeway (default Warden's 30s).
	TokenLeeway string
	// Redis keeps sessions in Redis ($WARDEN_TEST_REDIS_URL).
	Redis bool
	// AMQP publishes events on RabbitMQ ($WARDEN_TEST_AMQP_URL).
	AMQP bool
}

// Server is a running private warden.
type Server struct {
	// Addr is the gRPC address (host:port).
	Addr string
	// HTTPAddr is the HTTP address (JWKS, metrics).
	HTTPAddr string
	// RedisURL and AMQPURL are the backends the server uses ("" when embedded).
	RedisURL, AMQPURL string
	// DataDir is the server's data directory (its signing keys are in keys/).
	DataDir string
	// EnrichmentQueue is the server's own durable session-enrichment queue
	// (with AMQP): servers that do not share a database must not share it.
	EnrichmentQueue string

	cmd  *exec.Cmd
	logs *lockedBuffer
	done chan struct{}
}

// RedisURL is the Redis of the live tests.
func RedisURL() string { return env("WARDEN_TEST_REDIS_URL", "redis://127.0.0.1:6379") }

// AMQPURL is the RabbitMQ of the live tests.
func AMQPURL() string {
	return env("WARDEN_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2f")
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// Binary is the warden binary the tests run.
func Binary() (string, error) {
	if bin := os.Getenv("WARDEN_BIN"); bin != "" {
		return bin, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	// The repository root holds Cargo.toml next to clients/.
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if fileExists(filepath.Join(d, "Cargo.toml")) && fileExists(filepath.Join(d, "clients")) {
			return filepath.Join(d, "target", "debug", "warden"), nil
		}
	}
	return "", fmt.Errorf("no repository root above %s: set WARDEN_BIN", dir)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// reachable fails with how to start a backend when its URL does not answer.
func reachable(name, rawURL, envVar string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("%s: bad URL in %s: %w", name, envVar, err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err != nil {
		return fmt.Errorf("%s is not reachable at %s (%v): start it with `scripts/backends.sh` "+
			"from the repository root, or point %s at a running one", name, u.Host, err, envVar)
	}
	return conn.Close()
}

// Start starts a server and stops it when the test ends; it fails the test
// (never skips) when the binary or a backend is missing.
func Start(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	s, err := start(cfg, tb.TempDir())
	if err != nil {
		tb.Fatalf("wardentest: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Errorf("wardentest: %v", err)
		}
		if err := s.deleteEnrichmentQueue(); err != nil {
			tb.Errorf("wardentest: %v", err)
		}
		if tb.Failed() {
			tb.Logf("warden log:\n%s", s.Logs())
		}
	})
	return s
}

func start(cfg Config, dataDir string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	if !fileExists(bin) {
		return nil, fmt.Errorf("warden binary %s not found: build it with "+
			"`cargo build -p warden-server --bin warden` or set WARDEN_BIN", bin)
	}
	args := []string{
		"serve",
		"--data-dir", dataDir,
		"--listen", "127.0.0.1:0",
		"--http-listen", "127.0.0.1:0",
		"--log-format", "json",
		"--argon2-memory-kib", "256",
		"--argon2-iterations", "1",
		"--hash-threads", "1",
		"--bootstrap-admin-email", AdminEmail,
	}
	if cfg.AccessTokenTTL != "" {
		args = append(args, "--access-token-ttl", cfg.AccessTokenTTL)
	}
	if cfg.TokenLeeway != "" {
		args = append(args, "--token-leeway", cfg.TokenLeeway)
	}
	s := &Server{DataDir: dataDir, logs: &lockedBuffer{}, done: make(chan struct{})}
	if cfg.Redis {
		s.RedisURL = RedisURL()
		if err := reachable("Redis", s.RedisURL, "WARDEN_TEST_REDIS_URL"); err != nil {
			return nil, err
		}
		args = append(args, "--redis-url", s.RedisURL)
	}
	if cfg.AMQP {
		s.AMQPURL = AMQPURL()
		if err := reachable("RabbitMQ", s.AMQPURL, "WARDEN_TEST_AMQP_URL"); err != nil {
			return nil, err
		}
		s.EnrichmentQueue = "warden.test.enrichment.go_" + randomHex()
		args = append(args, "--amqp-url", s.AMQPURL, "--enrichment-queue", s.EnrichmentQueue)
	}

	s.cmd = exec.Command(bin, args...)
	s.cmd.Env = append(os.Environ(), "RUST_LOG=info")
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s.cmd.Stderr = s.logs
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	addrs := make(chan [2]string, 1)
	go s.readLog(stdout, addrs)
	go func() {
		_ = s.cmd.Wait()
		close(s.done)
	}()

	select {
	case a := <-addrs:
		s.Addr, s.HTTPAddr = a[0], a[1]
	case <-s.done:
		return nil, fmt.Errorf("warden exited at start:\n%s", s.Logs())
	case <-time.After(30 * time.Second):
		_ = s.Stop()
		return nil, fmt.Errorf("warden did not report its addresses in 30s:\n%s", s.Logs())
	}
	if err := s.waitServing(30 * time.Second); err != nil {
		_ = s.Stop()
		return nil, fmt.Errorf("%w\n%s", err, s.Logs())
	}
	return s, nil
}

// readLog copies the server's log and reports its addresses from the
// "warden serving" line.
func (s *Server) readLog(r io.Reader, addrs chan<- [2]string) {
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 64*1024), 1024*1024)
	reported := false
	for scanner.Scan() {
		line := scanner.Bytes()
		s.logs.Write(append(append([]byte(nil), line...), '\n'))
		if reported {
			continue
		}
		var entry struct {
			Message  string `json:"message"`
			GRPCAddr string `json:"grpc_addr"`
			HTTPAddr string `json:"http_addr"`
		}
		if json.Unmarshal(line, &entry) == nil && entry.Message == "warden serving" && entry.GRPCAddr != "" {
			addrs <- [2]string{entry.GRPCAddr, entry.HTTPAddr}
			reported = true
		}
	}
	_, _ = io.Copy(io.Discard, r)
}

func (s *Server) waitServing(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := grpc.NewClient(s.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	health := healthpb.NewHealthClient(conn)
	for {
		resp, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
		if err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("warden at %s not SERVING after %s (last error: %v)", s.Addr, timeout, err)
		case <-s.done:
			return fmt.Errorf("warden exited before serving")
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// deleteEnrichmentQueue removes the server's durable queue, which would
// otherwise collect every later session.created of the broker.
func (s *Server) deleteEnrichmentQueue() error {
	if s.EnrichmentQueue == "" {
		return nil
	}
	conn, err := amqp.DialConfig(s.AMQPURL, amqp.Config{Dial: amqp.DefaultDial(5 * time.Second)})
	if err != nil {
		return fmt.Errorf("deleting queue %s: %w", s.EnrichmentQueue, err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return fmt.Errorf("deleting queue %s: %w", s.EnrichmentQueue, err)
	}
	if _, err := ch.QueueDelete(s.EnrichmentQueue, false, false, false); err != nil {
		return fmt.Errorf("deleting queue %s: %w", s.EnrichmentQueue, err)
	}
	return nil
}

func randomHex() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// Stop stops the server (SIGTERM, then SIGKILL after 10 s).
func (s *Server) Stop() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return nil
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("warden did not stop within 10s of SIGTERM")
	}
}

// Logs is what the server logged so far.
func (s *Server) Logs() string {
	return s.logs.String()
}

// JWKSURL is the server's HTTP JWKS document.
func (s *Server) JWKSURL() string {
	return "http://" + s.HTTPAddr + "/.well-known/jwks.json"
}

// UniqueEmail returns a fresh address for a test user.
func UniqueEmail(prefix string) string {
	return fmt.Sprintf("%s-%d@example.com", strings.ToLower(prefix), time.Now().UnixNano())
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
