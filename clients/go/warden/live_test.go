package warden_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	authv1 "github.com/warden-auth/warden/clients/go/gen/warden/auth/v1"
	sessionv1 "github.com/warden-auth/warden/clients/go/gen/warden/session/v1"
	"github.com/warden-auth/warden/clients/go/internal/wardentest"
	"github.com/warden-auth/warden/clients/go/warden"
)

const password = "correct horse battery"

func register(t *testing.T, ctx context.Context, srv *wardentest.Server, prefix string) string {
	t.Helper()
	email := wardentest.UniqueEmail(prefix)
	c, err := warden.Dial(ctx, srv.Addr, warden.Insecure())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Auth.Register(ctx, &authv1.RegisterRequest{Email: email, Password: password}); err != nil {
		t.Fatal(err)
	}
	return email
}

// TestLiveTokens runs against a warden whose access tokens live 10 s (its
// minimum) with no leeway, so that a token the client failed to refresh is
// refused.
func TestLiveTokens(t *testing.T) {
	srv := wardentest.Start(t, wardentest.Config{AccessTokenTTL: "10s", TokenLeeway: "0s"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)

	t.Run("concurrent callers see no error across several expiries", func(t *testing.T) {
		t.Parallel()
		c, err := warden.Dial(ctx, srv.Addr, warden.Insecure(), warden.WithPassword(register(t, ctx, srv, "go-refresh"), password))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		sessionID := c.Tokens.SessionID()

		var mu sync.Mutex
		seen := map[string]bool{}
		end := time.Now().Add(19 * time.Second)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(end) {
					resp, err := c.Sessions.GetCurrentSession(ctx, &sessionv1.GetCurrentSessionRequest{})
					if err != nil {
						errs <- err
						return
					}
					if resp.GetSession().GetSessionId() != sessionID {
						errs <- status.Errorf(codes.Internal, "session changed to %s", resp.GetSession().GetSessionId())
						return
					}
					token, err := c.Tokens.Token(ctx)
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					seen[token] = true
					mu.Unlock()
					time.Sleep(100 * time.Millisecond)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("a call failed: %v", err)
		}
		// 19 s of 10 s tokens refreshed 2 s before expiry: logins at 0, 8 and 16 s.
		if len(seen) < 3 {
			t.Fatalf("%d distinct access tokens; want at least 3 (two refreshes)", len(seen))
		}
	})

	t.Run("a revoked session is replaced by a new login", func(t *testing.T) {
		t.Parallel()
		c, err := warden.Dial(ctx, srv.Addr, warden.Insecure(), warden.WithPassword(register(t, ctx, srv, "go-relogin"), password))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		first := c.Tokens.SessionID()
		if _, err := c.Sessions.RevokeSession(ctx, &sessionv1.RevokeSessionRequest{SessionId: first}); err != nil {
			t.Fatal(err)
		}
		_, err = c.Sessions.GetCurrentSession(ctx, &sessionv1.GetCurrentSessionRequest{})
		if status.Code(err) != codes.Unauthenticated {
			t.Fatalf("the revoked session's token still works: %v", err)
		}
		// At the refresh point Warden rejects the refresh token; the source logs in again.
		deadline := time.Now().Add(15 * time.Second)
		for {
			resp, err := c.Sessions.GetCurrentSession(ctx, &sessionv1.GetCurrentSessionRequest{})
			if err == nil {
				if resp.GetSession().GetSessionId() == first {
					t.Fatal("the revoked session came back")
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no new session 15 s after the revocation: %v", err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	})

	t.Run("API key login", func(t *testing.T) {
		t.Parallel()
		owner, err := warden.Dial(ctx, srv.Addr, warden.Insecure(), warden.WithPassword(register(t, ctx, srv, "go-apikey"), password))
		if err != nil {
			t.Fatal(err)
		}
		defer owner.Close()
		key, err := owner.Auth.CreateApiKey(ctx, &authv1.CreateApiKeyRequest{Name: "go client test"})
		if err != nil {
			t.Fatal(err)
		}
		service, err := warden.Dial(ctx, srv.Addr, warden.Insecure(), warden.WithAPIKey(key.GetApiKey()))
		if err != nil {
			t.Fatal(err)
		}
		defer service.Close()
		resp, err := service.Sessions.GetCurrentSession(ctx, &sessionv1.GetCurrentSessionRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetSession().GetAuthMethod() != sessionv1.AuthMethod_AUTH_METHOD_API_KEY || resp.GetSession().GetUserId() != owner.Tokens.UserID() {
			t.Fatalf("session %v", resp.GetSession())
		}
	})

	t.Run("wrong password fails Dial with Warden's reason", func(t *testing.T) {
		t.Parallel()
		_, err := warden.Dial(ctx, srv.Addr, warden.Insecure(), warden.WithPassword(register(t, ctx, srv, "go-wrong"), "not the password"))
		if status.Code(err) != codes.Unauthenticated {
			t.Fatalf("%v; want Unauthenticated", err)
		}
	})
}
