export { WardenClient, type LoginCredentials, type TokenEvent, type WardenClientOptions } from "./client.js";
export { errorDetails, errorReason, type ErrorDetails, type ErrorInfo, type FieldViolation } from "./errors.js";
export { unary, type UnaryMethod } from "./unary.js";

export * as auth from "./gen/warden/auth/v1/auth.js";
export * as authz from "./gen/warden/authz/v1/authz.js";
export * as events from "./gen/warden/events/v1/events.js";
export * as session from "./gen/warden/session/v1/session.js";
export { AuthServiceClient } from "./gen/warden/auth/v1/auth.js";
export { AuthzServiceClient } from "./gen/warden/authz/v1/authz.js";
export { SessionServiceClient } from "./gen/warden/session/v1/session.js";
