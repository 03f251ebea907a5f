package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/warden-auth/warden/clients/go/internal/wardentest"
)

// TestQuickstartRuns runs the example as a user would (go run) against a
// private warden. Its CheckPermission part needs AuthzService.
func TestQuickstartRuns(t *testing.T) {
	srv := wardentest.Start(t, wardentest.Config{})
	email := wardentest.UniqueEmail("go-quickstart")
	cmd := exec.Command("go", "run", ".",
		"-addr", srv.Addr,
		"-email", email,
		"-admin-email", wardentest.AdminEmail)
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("quickstart failed: %v\n%s", err, out)
	}
	for _, want := range []string{
		"logged in as user ",
		"view document:readme: PERMISSIONSHIP_HAS_PERMISSION",
		"view document:secret-plans: PERMISSIONSHIP_NO_PERMISSION",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	t.Logf("quickstart output:\n%s", out)
}
