package dev.warden.client;

import java.time.Instant;

/**
 * Reported to the {@code onTokens} listener each time {@link WardenCredentials} obtains tokens. It
 * never carries a token.
 *
 * @param kind {@link Kind#LOGIN} for a new session (first login or re-login), {@link Kind#REFRESH}
 *     for a rotation of the same session
 * @param sessionId the session the tokens belong to
 * @param userId the user the tokens belong to
 * @param expiresAt when the new access token expires, by the local clock
 */
public record TokenEvent(Kind kind, String sessionId, String userId, Instant expiresAt) {

  /** How the tokens were obtained. */
  public enum Kind {
    LOGIN,
    REFRESH
  }
}
