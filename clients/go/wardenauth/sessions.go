package wardenauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/warden-auth/warden/clients/go/gen/warden/events/v1"
	sessionv1 "github.com/warden-auth/warden/clients/go/gen/warden/session/v1"
)

// SessionSource loads the session behind a verified token.
type SessionSource interface {
	// Session returns the live session sessionID, or nil and no error when
	// it does not exist (revoked or ended). accessToken is the caller's
	// verified token, for sources that ask Warden on the caller's behalf.
	// An error that is not an *Error is treated as ReasonBackendUnavailable.
	Session(ctx context.Context, sessionID, accessToken string) (*sessionv1.Session, error)
}

// SessionKeyPrefix prefixes the Redis key of a session: Warden stores the
// canonical proto3 JSON of warden.session.v1.Session under
// "warden:session:<session id>", with a TTL of its remaining lifetime.
const SessionKeyPrefix = "warden:session:"

// RedisSessionSource reads sessions straight from Warden's Redis.
type RedisSessionSource struct {
	client redis.UniversalClient
}

// NewRedisSessionSource reads sessions with client (a single-node, cluster
// or sentinel client).
func NewRedisSessionSource(client redis.UniversalClient) *RedisSessionSource {
	return &RedisSessionSource{client: client}
}

// DialRedis connects to the Redis at url (redis:// or rediss://) with short
// timeouts, so that a Redis outage refuses calls quickly.
func DialRedis(url string) (*RedisSessionSource, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("wardenauth: redis url: %w", err)
	}
	opts.DialTimeout = 2 * time.Second
	opts.ReadTimeout = 2 * time.Second
	opts.WriteTimeout = 2 * time.Second
	opts.MaxRetries = 1
	return NewRedisSessionSource(redis.NewClient(opts)), nil
}

// Close closes the Redis client.
func (s *RedisSessionSource) Close() error {
	return s.client.Close()
}

var sessionJSON = protojson.UnmarshalOptions{DiscardUnknown: true}

// Session implements SessionSource.
func (s *RedisSessionSource) Session(ctx context.Context, sessionID, _ string) (*sessionv1.Session, error) {
	data, err := s.client.Get(ctx, SessionKeyPrefix+sessionID).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, unavailable("redis: " + err.Error())
	}
	var session sessionv1.Session
	if err := sessionJSON.Unmarshal(data, &session); err != nil {
		return nil, unavailable("session JSON: " + err.Error())
	}
	return &session, nil
}

// GRPCSessionSource asks Warden's SessionService.GetCurrentSession with the
// caller's token (for services without access to Warden's Redis).
type GRPCSessionSource struct {
	client sessionv1.SessionServiceClient
}

// NewGRPCSessionSource asks the Warden behind conn.
func NewGRPCSessionSource(conn grpc.ClientConnInterface) *GRPCSessionSource {
	return &GRPCSessionSource{client: sessionv1.NewSessionServiceClient(conn)}
}

// Session implements SessionSource.
func (s *GRPCSessionSource) Session(ctx context.Context, sessionID, accessToken string) (*sessionv1.Session, error) {
	ctx = metadata.NewOutgoingContext(ctx, metadata.Pairs("authorization", "Bearer "+accessToken))
	resp, err := s.client.GetCurrentSession(ctx, &sessionv1.GetCurrentSessionRequest{})
	if err == nil {
		if resp.GetSession().GetSessionId() != sessionID {
			return nil, nil
		}
		return resp.GetSession(), nil
	}
	switch status.Code(err) {
	case codes.Unauthenticated:
		switch reason := ReasonOf(err); reason {
		case ReasonSessionExpired, ReasonTokenExpired, ReasonTokenNotYetValid:
			return nil, refuse(reason)
		default:
			return nil, nil
		}
	case codes.NotFound, codes.PermissionDenied:
		return nil, nil
	default:
		return nil, unavailable("GetCurrentSession: " + err.Error())
	}
}

type cachedSession struct {
	at      time.Time
	session *sessionv1.Session
}

// CachedSessionSource caches another source's sessions for at most maxAge.
// SessionRevoked, SessionUpdated and UserSuspended events from Warden's
// revocation feed (see FollowRevocations) drop entries at once. While the
// feed is down the cache is bypassed and every call reads the source, so a
// revoked session is never served from memory after the feed could have
// told about it. It is safe for concurrent use.
type CachedSessionSource struct {
	inner  SessionSource
	maxAge time.Duration
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]cachedSession

	feedUp        atomic.Bool
	invalidations atomic.Uint64
}

// NewCachedSessionSource caches the sessions of inner for at most maxAge.
// It serves nothing from memory until its feed is up.
func NewCachedSessionSource(inner SessionSource, maxAge time.Duration) *CachedSessionSource {
	return &CachedSessionSource{
		inner:   inner,
		maxAge:  maxAge,
		now:     time.Now,
		entries: map[string]cachedSession{},
	}
}

// InvalidateSession drops one session.
func (c *CachedSessionSource) InvalidateSession(sessionID string) {
	c.invalidations.Add(1)
	c.mu.Lock()
	delete(c.entries, sessionID)
	c.mu.Unlock()
}

// InvalidateUser drops every session of a user.
func (c *CachedSessionSource) InvalidateUser(userID string) {
	c.invalidations.Add(1)
	c.mu.Lock()
	for id, e := range c.entries {
		if e.session.GetUserId() == userID {
			delete(c.entries, id)
		}
	}
	c.mu.Unlock()
}

// SetFeedUp marks the revocation feed up or down; down empties the cache and
// bypasses it.
func (c *CachedSessionSource) SetFeedUp(up bool) {
	if !up {
		c.invalidations.Add(1)
		c.mu.Lock()
		clear(c.entries)
		c.mu.Unlock()
	}
	c.feedUp.Store(up)
}

// FeedUp reports whether the cache is in use (its revocation feed is connected).
func (c *CachedSessionSource) FeedUp() bool {
	return c.feedUp.Load()
}

// Len is the number of cached sessions.
func (c *CachedSessionSource) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// ApplyEvent applies one event from warden.events, given its AMQP type (the
// full message name) and its protobuf body. Other types are ignored.
func (c *CachedSessionSource) ApplyEvent(typeName string, body []byte) {
	switch typeName {
	case "warden.events.v1.SessionRevoked":
		var e eventsv1.SessionRevoked
		if proto.Unmarshal(body, &e) == nil {
			c.InvalidateSession(e.GetSessionId())
		}
	case "warden.events.v1.SessionUpdated":
		var e eventsv1.SessionUpdated
		if proto.Unmarshal(body, &e) == nil {
			c.InvalidateSession(e.GetSessionId())
		}
	case "warden.events.v1.UserSuspended":
		var e eventsv1.UserSuspended
		if proto.Unmarshal(body, &e) == nil {
			c.InvalidateUser(e.GetUserId())
		}
	case "warden.events.v1.UserDeleted":
		var e eventsv1.UserDeleted
		if proto.Unmarshal(body, &e) == nil {
			c.InvalidateUser(e.GetUserId())
		}
	}
}

// Session implements SessionSource.
func (c *CachedSessionSource) Session(ctx context.Context, sessionID, accessToken string) (*sessionv1.Session, error) {
	useCache := c.FeedUp()
	if useCache {
		c.mu.Lock()
		e, ok := c.entries[sessionID]
		c.mu.Unlock()
		if ok && c.now().Sub(e.at) < c.maxAge {
			return e.session, nil
		}
	}
	epoch := c.invalidations.Load()
	session, err := c.inner.Session(ctx, sessionID, accessToken)
	if err != nil || session == nil {
		return session, err
	}
	// Cache only if no invalidation raced with this read, and only once the
	// roles are in (a session without enriched_at is re-read until it has it).
	if useCache && session.GetEnrichedAt() != nil && c.FeedUp() && c.invalidations.Load() == epoch {
		c.mu.Lock()
		if c.invalidations.Load() == epoch {
			c.entries[sessionID] = cachedSession{at: c.now(), session: session}
		}
		c.mu.Unlock()
	}
	return session, nil
}

// EventsExchange is the durable topic exchange Warden publishes events on.
const EventsExchange = "warden.events"

// revocationKeys are the routing keys that invalidate cached sessions.
var revocationKeys = []string{"session.revoked", "session.updated", "user.suspended", "user.deleted"}

// FollowRevocations follows warden.events on a private, exclusive queue of
// the RabbitMQ at amqpURL and applies its events, reconnecting after a loss
// (the cache is bypassed meanwhile), until ctx is done; then it returns
// ctx.Err(). Run it in its own goroutine.
func (c *CachedSessionSource) FollowRevocations(ctx context.Context, amqpURL string) error {
	backoff := 100 * time.Millisecond
	for {
		err := c.consume(ctx, amqpURL)
		c.SetFeedUp(false)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			slog.WarnContext(ctx, "wardenauth: revocation feed down; reading sessions from the source", "error", err)
		} else {
			backoff = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 2*time.Second)
	}
}

// consume runs one connection of the feed; it returns when the connection is
// lost or ctx is done.
func (c *CachedSessionSource) consume(ctx context.Context, url string) error {
	conn, err := amqp.DialConfig(url, amqp.Config{
		Heartbeat: 5 * time.Second,
		Dial:      amqp.DefaultDial(5 * time.Second),
	})
	if err != nil {
		return err
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	if err := ch.ExchangeDeclare(EventsExchange, amqp.ExchangeTopic, true, false, false, false, nil); err != nil {
		return err
	}
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		return err
	}
	for _, key := range revocationKeys {
		if err := ch.QueueBind(q.Name, key, EventsExchange, false, nil); err != nil {
			return err
		}
	}
	deliveries, err := ch.Consume(q.Name, "", true, true, false, false, nil)
	if err != nil {
		return err
	}
	// Nothing cached before this point can have missed an event.
	c.SetFeedUp(true)
	for {
		select {
		case <-ctx.Done():
			return nil
		case d, ok := <-deliveries:
			if !ok {
				return errors.New("amqp channel closed")
			}
			c.ApplyEvent(d.Type, d.Body)
		}
	}
}
