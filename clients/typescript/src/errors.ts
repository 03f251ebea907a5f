import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { Metadata, ServiceError, StatusObject } from "@grpc/grpc-js";

/** The trailer that carries a binary `google.rpc.Status` with the error details. */
const STATUS_DETAILS_KEY = "grpc-status-details-bin";
const TYPE_PREFIX = "type.googleapis.com/";

/** `google.rpc.ErrorInfo`: why a call failed, as a stable machine-readable reason. */
export interface ErrorInfo {
  /** A stable reason such as `INVALID_CREDENTIALS` or `TOKEN_EXPIRED`. */
  reason: string;
  /** `warden` for errors raised by Warden. */
  domain: string;
  metadata: Record<string, string>;
}

/** One entry of `google.rpc.BadRequest`: an invalid request field. */
export interface FieldViolation {
  field: string;
  description: string;
  reason: string;
}

/** The details of a failed call, decoded from its `grpc-status-details-bin` trailer. */
export interface ErrorDetails {
  errorInfo?: ErrorInfo;
  fieldViolations: FieldViolation[];
}

interface Any {
  typeUrl: string;
  value: Uint8Array;
}

/** Reads every field of a message, handing the ones of interest to `onField`. */
function readFields(bytes: Uint8Array, onField: (field: number, reader: BinaryReader) => boolean): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (!(wireType === WireType.LengthDelimited && onField(field, reader))) {
      reader.skip(wireType, field);
    }
  }
}

function decodeAnys(statusBytes: Uint8Array): Any[] {
  const details: Any[] = [];
  readFields(statusBytes, (field, reader) => {
    if (field !== 3) {
      return false;
    }
    const any: Any = { typeUrl: "", value: new Uint8Array() };
    readFields(reader.bytes(), (anyField, anyReader) => {
      if (anyField === 1) {
        any.typeUrl = anyReader.string();
      } else if (anyField === 2) {
        any.value = anyReader.bytes();
      } else {
        return false;
      }
      return true;
    });
    details.push(any);
    return true;
  });
  return details;
}

function decodeErrorInfo(bytes: Uint8Array): ErrorInfo {
  const info: ErrorInfo = { reason: "", domain: "", metadata: {} };
  readFields(bytes, (field, reader) => {
    if (field === 1) {
      info.reason = reader.string();
    } else if (field === 2) {
      info.domain = reader.string();
    } else if (field === 3) {
      let key = "";
      let value = "";
      readFields(reader.bytes(), (entryField, entryReader) => {
        if (entryField === 1) {
          key = entryReader.string();
        } else if (entryField === 2) {
          value = entryReader.string();
        } else {
          return false;
        }
        return true;
      });
      info.metadata[key] = value;
    } else {
      return false;
    }
    return true;
  });
  return info;
}

function decodeBadRequest(bytes: Uint8Array): FieldViolation[] {
  const violations: FieldViolation[] = [];
  readFields(bytes, (field, reader) => {
    if (field !== 1) {
      return false;
    }
    const violation: FieldViolation = { field: "", description: "", reason: "" };
    readFields(reader.bytes(), (violationField, violationReader) => {
      if (violationField === 1) {
        violation.field = violationReader.string();
      } else if (violationField === 2) {
        violation.description = violationReader.string();
      } else if (violationField === 3) {
        violation.reason = violationReader.string();
      } else {
        return false;
      }
      return true;
    });
    violations.push(violation);
    return true;
  });
  return violations;
}

function trailersOf(error: unknown): Metadata | undefined {
  if (typeof error !== "object" || error === null || !("metadata" in error)) {
    return undefined;
  }
  const { metadata } = error as Partial<ServiceError> | Partial<StatusObject>;
  return metadata !== undefined && typeof metadata.get === "function" ? metadata : undefined;
}

/**
 * Decodes the `google.rpc` details of a failed call (a grpc-js `ServiceError` or a
 * `StatusObject`). Returns empty details when the error carries none or they do not parse.
 */
export function errorDetails(error: unknown): ErrorDetails {
  const details: ErrorDetails = { fieldViolations: [] };
  const raw = trailersOf(error)?.get(STATUS_DETAILS_KEY)[0];
  if (!(raw instanceof Uint8Array)) {
    return details;
  }
  try {
    for (const any of decodeAnys(raw)) {
      const typeName = any.typeUrl.startsWith(TYPE_PREFIX) ? any.typeUrl.slice(TYPE_PREFIX.length) : any.typeUrl;
      if (typeName === "google.rpc.ErrorInfo") {
        details.errorInfo = decodeErrorInfo(any.value);
      } else if (typeName === "google.rpc.BadRequest") {
        details.fieldViolations.push(...decodeBadRequest(any.value));
      }
    }
  } catch {
    return { fieldViolations: [] };
  }
  return details;
}

/** The `ErrorInfo.reason` of a failed call (for example `INVALID_CREDENTIALS`), if it has one. */
export function errorReason(error: unknown): string | undefined {
  return errorDetails(error).errorInfo?.reason;
}
