// Package wardenauth protects Go gRPC services with Warden access tokens,
// doing what Warden's Rust warden-interceptor does:
//
//   - client-sent x-warden-* metadata is removed;
//   - the bearer token (one authorization value, or the same one
//     repeated; two different are MALFORMED_TOKEN) is verified locally against Warden's JWKS, with the
//     algorithm of the key named by kid (EdDSA, ES256 or RS256; never none
//     or HMAC; a JWK whose use is not "sig" is ignored), no crit header,
//     typ "at+jwt", iss, aud, exp, nbf and iat with leeway; a verified
//     token is remembered by its exact text until exp, and forgotten when
//     the key set changes;
//   - the session is loaded by sid, from Warden's Redis or from
//     SessionService, optionally behind a cache that SessionRevoked,
//     SessionUpdated, UserSuspended and UserDeleted events evict (bypassed while the
//     event feed is down); a missing session is refused at once
//     (SESSION_REVOKED, or SESSION_EXPIRED when the token is already past
//     its exp, within the leeway);
//   - a session without enriched_at (Warden has not added its roles yet,
//     just after login) means "roles not known yet", never "no roles": the
//     call waits for it, re-reading the session source, for at most
//     WithEnrichmentWait (default 3 s), then is refused with UNAVAILABLE /
//     SESSION_NOT_READY; sessions are cached only once enriched;
//   - handlers read the caller with FromContext.
//
// Refusals are gRPC statuses with a google.rpc.ErrorInfo in domain
// "warden" and a stable reason (see Reason): UNAUTHENTICATED for token and
// session problems, PERMISSION_DENIED from the Require helpers, UNAVAILABLE
// when a key or session backend is down (BACKEND_UNAVAILABLE) or the roles
// did not arrive in time (SESSION_NOT_READY), never an allow.
package wardenauth
