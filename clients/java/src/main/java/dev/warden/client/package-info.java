/**
 * Helpers for calling Warden from Java: {@link dev.warden.client.WardenCredentials} (log in, keep
 * the access token fresh) and {@link dev.warden.client.WardenErrors} (read error details). The
 * generated messages and stubs are in {@code dev.warden.auth.v1}, {@code dev.warden.session.v1},
 * {@code dev.warden.authz.v1} and {@code dev.warden.events.v1}.
 */
package dev.warden.client;
