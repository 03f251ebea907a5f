package wardenauth

import (
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ErrorDomain is the google.rpc.ErrorInfo domain of every refusal.
const ErrorDomain = "warden"

// Reason is the stable google.rpc.ErrorInfo reason of a refusal, as Warden
// and its Rust warden-interceptor send it.
type Reason string

// The reasons a call is refused. All but ReasonPermissionDenied,
// ReasonBackendUnavailable and ReasonSessionNotReady are UNAUTHENTICATED.
const (
	ReasonMissingToken         Reason = "MISSING_TOKEN"
	ReasonMalformedToken       Reason = "MALFORMED_TOKEN"
	ReasonUnsupportedAlgorithm Reason = "UNSUPPORTED_ALGORITHM"
	ReasonUnknownKey           Reason = "UNKNOWN_KEY"
	ReasonInvalidSignature     Reason = "INVALID_SIGNATURE"
	ReasonInvalidTokenType     Reason = "INVALID_TOKEN_TYPE"
	ReasonTokenExpired         Reason = "TOKEN_EXPIRED"
	ReasonTokenNotYetValid     Reason = "TOKEN_NOT_YET_VALID"
	ReasonInvalidIssuer        Reason = "INVALID_ISSUER"
	ReasonInvalidAudience      Reason = "INVALID_AUDIENCE"
	ReasonSessionRevoked       Reason = "SESSION_REVOKED"
	ReasonSessionExpired       Reason = "SESSION_EXPIRED"
	ReasonPermissionDenied     Reason = "PERMISSION_DENIED"
	ReasonBackendUnavailable   Reason = "BACKEND_UNAVAILABLE"
	// ReasonSessionNotReady (UNAVAILABLE): the session has no enriched_at
	// (its roles are not known yet) and the bounded wait for it ran out.
	ReasonSessionNotReady Reason = "SESSION_NOT_READY"
)

var publicMessages = map[Reason]string{
	ReasonMissingToken:         "unauthenticated: missing bearer token",
	ReasonMalformedToken:       "unauthenticated: malformed token",
	ReasonUnsupportedAlgorithm: "unauthenticated: unsupported algorithm",
	ReasonUnknownKey:           "unauthenticated: unknown key",
	ReasonInvalidSignature:     "unauthenticated: invalid signature",
	ReasonInvalidTokenType:     "unauthenticated: invalid token type",
	ReasonTokenExpired:         "unauthenticated: token expired",
	ReasonTokenNotYetValid:     "unauthenticated: token not yet valid",
	ReasonInvalidIssuer:        "unauthenticated: invalid issuer",
	ReasonInvalidAudience:      "unauthenticated: invalid audience",
	ReasonSessionRevoked:       "unauthenticated: session revoked",
	ReasonSessionExpired:       "unauthenticated: session expired",
	ReasonBackendUnavailable:   "authentication backend unavailable, retry later",
	ReasonSessionNotReady:      "the session is not ready yet (roles are being added), retry shortly",
}

// Error is why a call was refused. It converts to a gRPC status carrying a
// google.rpc.ErrorInfo (domain "warden"), so an interceptor or handler can
// return it as is.
type Error struct {
	// Reason is the stable ErrorInfo reason.
	Reason Reason
	// Detail says more: what permission was missing, or (for
	// ReasonBackendUnavailable) what failed. A backend detail is logged by the
	// interceptor and never sent to the caller.
	Detail string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return e.message()
	}
	return e.message() + ": " + e.Detail
}

func (e *Error) message() string {
	if e.Reason == ReasonPermissionDenied {
		return "permission denied"
	}
	if m, ok := publicMessages[e.Reason]; ok {
		return m
	}
	return "unauthenticated: " + string(e.Reason)
}

// Code is the gRPC code of the refusal.
func (e *Error) Code() codes.Code {
	switch e.Reason {
	case ReasonPermissionDenied:
		return codes.PermissionDenied
	case ReasonBackendUnavailable, ReasonSessionNotReady:
		return codes.Unavailable
	default:
		return codes.Unauthenticated
	}
}

// GRPCStatus is the status sent to the caller: the code, a public message
// (never a backend detail) and the ErrorInfo.
func (e *Error) GRPCStatus() *status.Status {
	msg := e.message()
	if e.Reason == ReasonPermissionDenied && e.Detail != "" {
		msg += ": " + e.Detail
	}
	st := status.New(e.Code(), msg)
	withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Domain: ErrorDomain, Reason: string(e.Reason)})
	if err != nil {
		return st
	}
	return withInfo
}

// ReasonOf returns the Warden ErrorInfo reason carried by err (a *Error, or
// a gRPC status error received from Warden or from a service using this
// package), or "" when it carries none.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	st, ok := status.FromError(err)
	if !ok {
		return ""
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() == ErrorDomain {
			return Reason(info.GetReason())
		}
	}
	return ""
}

func unavailable(detail string) *Error {
	return &Error{Reason: ReasonBackendUnavailable, Detail: detail}
}

func refuse(reason Reason) *Error {
	return &Error{Reason: reason}
}
