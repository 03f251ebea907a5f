// Command quickstart registers a user, logs in with the warden client (which
// keeps the access token fresh), asks who it is, and checks a permission:
// an administrator writes a schema and a relationship, then the user checks
// "view" on a document it may view and on one it may not.
//
//	go run ./examples/quickstart -addr 127.0.0.1:50051
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	authv1 "github.com/warden-auth/warden/clients/go/gen/warden/auth/v1"
	authzv1 "github.com/warden-auth/warden/clients/go/gen/warden/authz/v1"
	sessionv1 "github.com/warden-auth/warden/clients/go/gen/warden/session/v1"
	"github.com/warden-auth/warden/clients/go/warden"
)

const schema = `definition user {}

definition document {
  relation viewer: user
  permission view = viewer
}
`

func main() {
	addr := flag.String("addr", "127.0.0.1:50051", "Warden gRPC address")
	insecure := flag.Bool("insecure", true, "connect without TLS (loopback addresses only)")
	email := flag.String("email", "alice@example.com", "the user to register and log in")
	password := flag.String("password", "correct horse battery staple", "the user's password")
	adminEmail := flag.String("admin-email", "admin@example.com", "an administrator (Warden's --bootstrap-admin-email)")
	adminPassword := flag.String("admin-password", "admin password for the quickstart", "the administrator's password")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, *addr, *insecure, *email, *password, *adminEmail, *adminPassword); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string, insecure bool, email, password, adminEmail, adminPassword string) error {
	var transport []warden.Option
	if insecure {
		transport = append(transport, warden.Insecure())
	}

	// Register both users (an existing account is fine).
	anonymous, err := warden.Dial(ctx, addr, transport...)
	if err != nil {
		return err
	}
	defer anonymous.Close()
	for _, u := range [][2]string{{email, password}, {adminEmail, adminPassword}} {
		_, err := anonymous.Auth.Register(ctx, &authv1.RegisterRequest{Email: u[0], Password: u[1]})
		if err != nil && status.Code(err) != codes.AlreadyExists {
			return fmt.Errorf("register %s: %w", u[0], err)
		}
	}

	// Log in: every call on user carries a fresh access token.
	user, err := warden.Dial(ctx, addr, append(transport, warden.WithPassword(email, password))...)
	if err != nil {
		return err
	}
	defer user.Close()
	current, err := user.Sessions.GetCurrentSession(ctx, &sessionv1.GetCurrentSessionRequest{})
	if err != nil {
		return fmt.Errorf("GetCurrentSession: %w", err)
	}
	me := current.GetSession()
	fmt.Printf("logged in as user %s (session %s, %s)\n", me.GetUserId(), me.GetSessionId(), me.GetAuthMethod())

	// The administrator defines who may view documents, and lets the user view one.
	admin, err := warden.Dial(ctx, addr, append(transport, warden.WithPassword(adminEmail, adminPassword))...)
	if err != nil {
		return err
	}
	defer admin.Close()
	if _, err := admin.Authz.WriteSchema(ctx, &authzv1.WriteSchemaRequest{Schema: schema}); err != nil {
		return fmt.Errorf("WriteSchema: %w", err)
	}
	subject := &authzv1.SubjectReference{Object: &authzv1.ObjectReference{ObjectType: "user", ObjectId: me.GetUserId()}}
	written, err := admin.Authz.WriteRelationships(ctx, &authzv1.WriteRelationshipsRequest{
		Updates: []*authzv1.RelationshipUpdate{{
			Operation: authzv1.RelationshipUpdate_OPERATION_TOUCH,
			Relationship: &authzv1.Relationship{
				Resource: &authzv1.ObjectReference{ObjectType: "document", ObjectId: "readme"},
				Relation: "viewer",
				Subject:  subject,
			},
		}},
	})
	if err != nil {
		return fmt.Errorf("WriteRelationships: %w", err)
	}
	fmt.Printf("document:readme#viewer@user:%s written\n", me.GetUserId())

	// The user checks its own access, at least as fresh as the write.
	fresh := &authzv1.Consistency{Requirement: &authzv1.Consistency_AtLeastAsFresh{AtLeastAsFresh: written.GetWrittenAt()}}
	for _, c := range []struct {
		document string
		want     authzv1.Permissionship
	}{
		{"readme", authzv1.Permissionship_PERMISSIONSHIP_HAS_PERMISSION},
		{"secret-plans", authzv1.Permissionship_PERMISSIONSHIP_NO_PERMISSION},
	} {
		resp, err := user.Authz.CheckPermission(ctx, &authzv1.CheckPermissionRequest{
			Resource:    &authzv1.ObjectReference{ObjectType: "document", ObjectId: c.document},
			Permission:  "view",
			Subject:     subject,
			Consistency: fresh,
		})
		if err != nil {
			return fmt.Errorf("CheckPermission document:%s: %w", c.document, err)
		}
		fmt.Printf("view document:%s: %s\n", c.document, resp.GetPermissionship())
		if resp.GetPermissionship() != c.want {
			return errors.New("unexpected permissionship for document:" + c.document)
		}
	}
	return nil
}
