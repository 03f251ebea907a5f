// Package warden is the Go client of Warden: Dial connects, logs in (with a
// password or an API key) and keeps the access token fresh, and TokenSource
// authenticates calls to any other service as a credentials.PerRPCCredentials.
//
// The token is refreshed with AuthService.Refresh when less than a fifth of
// its lifetime (at most 30 s) remains, rotating the refresh token; when
// Warden rejects the refresh token (the session ended), the source logs in
// again. Concurrent calls share one refresh. Tokens and passwords are never
// logged.
//
// The generated messages and stubs are in the gen/warden/... packages of
// this module.
package warden
