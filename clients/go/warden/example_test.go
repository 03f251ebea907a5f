package warden_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	authv1 "github.com/warden-auth/warden/clients/go/gen/warden/auth/v1"
	sessionv1 "github.com/warden-auth/warden/clients/go/gen/warden/session/v1"
	"github.com/warden-auth/warden/clients/go/warden"
)

// Log in and call Warden; the access token is refreshed before it expires.
func ExampleDial() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := warden.Dial(ctx, "127.0.0.1:50051", warden.Insecure(),
		warden.WithPassword("alice@example.com", "correct horse battery staple"))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	me, err := c.Sessions.GetCurrentSession(ctx, &sessionv1.GetCurrentSessionRequest{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(me.GetSession().GetUserId())
}

// Call another service (protected by wardenauth) with Warden's tokens.
func ExampleNewTokenSource() {
	wardenConn, err := grpc.NewClient("127.0.0.1:50051", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	tokens := warden.NewTokenSource(authv1.NewAuthServiceClient(wardenConn),
		warden.APIKeyLogin("wdn_..."), warden.AllowInsecureTransport())
	docs, err := grpc.NewClient("127.0.0.1:8080",
		grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(tokens))
	if err != nil {
		log.Fatal(err)
	}
	defer docs.Close()
	// Use docs with the service's generated client.
}
