package wardenauth_test

import (
	"context"
	"log"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/warden-auth/warden/clients/go/wardenauth"
)

// Protect a Go gRPC service: keys from Warden's GetJwks, sessions from Redis
// behind a cache that Warden's revocation events keep honest.
func Example() {
	ctx := context.Background()
	wardenConn, err := grpc.NewClient("127.0.0.1:50051", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	redis, err := wardenauth.DialRedis("redis://127.0.0.1:6379")
	if err != nil {
		log.Fatal(err)
	}
	sessions := wardenauth.NewCachedSessionSource(redis, 30*time.Second)
	go sessions.FollowRevocations(ctx, "amqp://guest:guest@127.0.0.1:5672/%2f")

	auth := wardenauth.New("warden", "warden", wardenauth.NewGRPCKeySource(wardenConn), sessions,
		wardenauth.WithOpenService("grpc.health.v1.Health"))
	server := grpc.NewServer(grpc.UnaryInterceptor(auth.Unary()), grpc.StreamInterceptor(auth.Stream()))
	// Register services on server; handlers read the caller with FromContext.
	lis, err := net.Listen("tcp", "127.0.0.1:8080")
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(server.Serve(lis))
}

// A handler reads the caller and authorizes by ownership or by role.
func ExampleFromContext() {
	deleteDocument := func(ctx context.Context, ownerID string) error {
		caller, ok := wardenauth.FromContext(ctx)
		if !ok {
			return wardenauth.RequireOwner(ctx, ownerID) // UNAUTHENTICATED
		}
		if caller.RequireOwner(ownerID) != nil {
			return caller.RequireRole("admin") // PERMISSION_DENIED unless an admin
		}
		return nil
	}
	_ = deleteDocument
}
