package wardenauth

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/warden-auth/warden/clients/go/gen/warden/events/v1"
	sessionv1 "github.com/warden-auth/warden/clients/go/gen/warden/session/v1"
)

// countingSource counts its reads and can be told sessions are gone, or
// not enriched yet.
type countingSource struct {
	reads      atomic.Int64
	gone       atomic.Bool
	unenriched atomic.Bool
}

func (s *countingSource) Session(_ context.Context, id, _ string) (*sessionv1.Session, error) {
	s.reads.Add(1)
	if s.gone.Load() {
		return nil, nil
	}
	session := &sessionv1.Session{SessionId: id, UserId: "u"}
	if !s.unenriched.Load() {
		session.EnrichedAt = timestamppb.Now()
	}
	return session, nil
}

func mustEncode(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWithoutAFeedEveryReadGoesToTheSource(t *testing.T) {
	inner := &countingSource{}
	cache := NewCachedSessionSource(inner, time.Minute)
	ctx := context.Background()
	for range 2 {
		if _, err := cache.Session(ctx, "s", ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := inner.reads.Load(); n != 2 {
		t.Fatalf("%d reads; want 2", n)
	}
}

// A session without enriched_at is not cached: the interceptor's wait for
// the roles must see the source, not a stale copy.
func TestSessionsWithoutRolesYetAreNotCached(t *testing.T) {
	inner := &countingSource{}
	inner.unenriched.Store(true)
	cache := NewCachedSessionSource(inner, time.Minute)
	cache.SetFeedUp(true)
	ctx := context.Background()
	for range 2 {
		if _, err := cache.Session(ctx, "s", ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := inner.reads.Load(); n != 2 || cache.Len() != 0 {
		t.Fatalf("%d reads, %d cached; want 2 reads, none cached", n, cache.Len())
	}
	inner.unenriched.Store(false)
	for range 2 {
		if s, err := cache.Session(ctx, "s", ""); err != nil || s.GetEnrichedAt() == nil {
			t.Fatalf("%v %v", s, err)
		}
	}
	if n := inner.reads.Load(); n != 3 || cache.Len() != 1 {
		t.Fatalf("%d reads, %d cached; want the enriched session cached after one read", n, cache.Len())
	}
}

func TestEventsDropCachedSessionsAndALostFeedEmptiesTheCache(t *testing.T) {
	inner := &countingSource{}
	cache := NewCachedSessionSource(inner, time.Minute)
	ctx := context.Background()
	read := func(id string) *sessionv1.Session {
		t.Helper()
		s, err := cache.Session(ctx, id, "")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cache.SetFeedUp(true)
	read("s")
	read("s")
	if n := inner.reads.Load(); n != 1 {
		t.Fatalf("%d reads; want the second from the cache", n)
	}

	inner.gone.Store(true)
	cache.ApplyEvent("warden.events.v1.SessionRevoked", mustEncode(t, &eventsv1.SessionRevoked{SessionId: "s", UserId: "u"}))
	if s := read("s"); s != nil {
		t.Fatalf("revoked session served: %v", s)
	}

	inner.gone.Store(false)
	read("a")
	cache.ApplyEvent("warden.events.v1.SessionUpdated", mustEncode(t, &eventsv1.SessionUpdated{SessionId: "a", UserId: "u"}))
	before := inner.reads.Load()
	read("a")
	if inner.reads.Load() != before+1 {
		t.Fatal("an update did not drop the session")
	}

	cache.ApplyEvent("warden.events.v1.UserSuspended", mustEncode(t, &eventsv1.UserSuspended{UserId: "u"}))
	before = inner.reads.Load()
	read("a")
	if inner.reads.Load() != before+1 {
		t.Fatal("a suspension did not drop the user's sessions")
	}

	cache.ApplyEvent("warden.events.v1.UserDeleted", mustEncode(t, &eventsv1.UserDeleted{UserId: "u"}))
	before = inner.reads.Load()
	read("a")
	if inner.reads.Load() != before+1 {
		t.Fatal("a deletion did not drop the user's sessions")
	}

	// Unknown types and undecodable bodies change nothing.
	cache.ApplyEvent("warden.events.v1.SessionCreated", []byte{0xff})
	cache.ApplyEvent("warden.events.v1.SessionRevoked", []byte{0xff, 0xff})
	before = inner.reads.Load()
	read("a")
	if inner.reads.Load() != before {
		t.Fatal("an unrelated event dropped the session")
	}

	cache.SetFeedUp(false)
	if cache.Len() != 0 {
		t.Fatalf("%d sessions cached after the feed went down", cache.Len())
	}
	before = inner.reads.Load()
	read("a")
	read("a")
	if inner.reads.Load() != before+2 {
		t.Fatal("no feed, yet the cache answered")
	}
}

func TestCachedSessionsExpireAfterMaxAge(t *testing.T) {
	inner := &countingSource{}
	clk := newClock()
	cache := NewCachedSessionSource(inner, 30*time.Second)
	cache.now = clk.Now
	cache.SetFeedUp(true)
	ctx := context.Background()
	for _, step := range []time.Duration{0, 10 * time.Second, 25 * time.Second} {
		clk.advance(step)
		if _, err := cache.Session(ctx, "s", ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := inner.reads.Load(); n != 2 {
		t.Fatalf("%d reads; want 2 (the third read is past the max age)", n)
	}
}
