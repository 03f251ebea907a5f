package dev.warden.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.client.WardenServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class QuickstartTest {

  @Test
  void registersLogsInAsksWhoItIsAndChecksPermissions() throws Exception {
    try (WardenServer server = WardenServer.start("15m")) {
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      Quickstart.run(
          server.address(),
          WardenServer.ADMIN_EMAIL,
          "quickstart admin password",
          new PrintStream(output, true, StandardCharsets.UTF_8));
      String printed = output.toString(StandardCharsets.UTF_8);

      assertLine(printed, "registered quickstart-.*@example\\.com");
      assertLine(printed, "session [0-9a-f]+ of user \\S+, expires .*");
      assertLine(printed, "view document:readme -> PERMISSIONSHIP_HAS_PERMISSION");
      assertLine(printed, "view document:secret -> PERMISSIONSHIP_NO_PERMISSION");
    }
  }

  private static void assertLine(String printed, String regex) {
    assertTrue(
        Pattern.compile("^" + regex + "$", Pattern.MULTILINE).matcher(printed).find(),
        "no line matching " + regex + " in:\n" + printed);
  }
}
