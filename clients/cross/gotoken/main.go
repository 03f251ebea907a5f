// Command gotoken registers a user (an existing account is fine), logs in
// with the Go client's warden package and prints, one per line,
// "user_id=<id>" and "access_token=<jwt>": the token a Go client would
// send. clients/cross/test.sh hands it to services in other languages.
//
//	go run . -addr 127.0.0.1:50051 -email alice@example.com
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	authv1 "github.com/warden-auth/warden/clients/go/gen/warden/auth/v1"
	"github.com/warden-auth/warden/clients/go/warden"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:50051", "Warden gRPC address")
	email := flag.String("email", "", "the user to register and log in")
	password := flag.String("password", "correct horse battery staple", "the user's password")
	flag.Parse()
	if *email == "" {
		fmt.Fprintln(os.Stderr, "gotoken: -email is required")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, *addr, *email, *password); err != nil {
		fmt.Fprintln(os.Stderr, "gotoken:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr, email, password string) error {
	anonymous, err := warden.Dial(ctx, addr, warden.Insecure())
	if err != nil {
		return err
	}
	defer anonymous.Close()
	_, err = anonymous.Auth.Register(ctx, &authv1.RegisterRequest{Email: email, Password: password})
	if err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("register: %w", err)
	}
	client, err := warden.Dial(ctx, addr, warden.Insecure(), warden.WithPassword(email, password))
	if err != nil {
		return err
	}
	defer client.Close()
	token, err := client.Tokens.Token(ctx)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	fmt.Printf("user_id=%s\naccess_token=%s\n", client.Tokens.UserID(), token)
	return nil
}
