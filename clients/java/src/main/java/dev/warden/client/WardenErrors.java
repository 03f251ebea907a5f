package dev.warden.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the {@code google.rpc} details Warden attaches to its errors: {@link ErrorInfo} (domain
 * {@code warden}, a stable reason such as {@code INVALID_CREDENTIALS} or {@code SESSION_REVOKED})
 * and {@link BadRequest} field violations.
 */
public final class WardenErrors {

  private WardenErrors() {}

  /** The {@link ErrorInfo} of a failed call, looked up along the exception's cause chain. */
  public static Optional<ErrorInfo> errorInfo(Throwable error) {
    return details(error).stream()
        .filter(any -> any.is(ErrorInfo.class))
        .findFirst()
        .flatMap(any -> unpack(any, ErrorInfo.class));
  }

  /** The {@link ErrorInfo} of a call that closed with {@code status} and {@code trailers}. */
  public static Optional<ErrorInfo> errorInfo(Status status, Metadata trailers) {
    com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
    return details.getDetailsList().stream()
        .filter(any -> any.is(ErrorInfo.class))
        .findFirst()
        .flatMap(any -> unpack(any, ErrorInfo.class));
  }

  /**
   * The {@link ErrorInfo#getReason() reason} of a failed call, for example {@code TOKEN_EXPIRED}.
   */
  public static Optional<String> reason(Throwable error) {
    return errorInfo(error).map(ErrorInfo::getReason);
  }

  /** The {@link BadRequest} field violations of a failed call (empty when it has none). */
  public static List<BadRequest.FieldViolation> fieldViolations(Throwable error) {
    List<BadRequest.FieldViolation> violations = new ArrayList<>();
    for (Any any : details(error)) {
      if (any.is(BadRequest.class)) {
        unpack(any, BadRequest.class)
            .ifPresent(bad -> violations.addAll(bad.getFieldViolationsList()));
      }
    }
    return violations;
  }

  /** The details of the first status exception in the cause chain that has any. */
  private static List<Any> details(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException || cause instanceof StatusException) {
        com.google.rpc.Status status = StatusProto.fromThrowable(cause);
        if (status != null && status.getDetailsCount() > 0) {
          return status.getDetailsList();
        }
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return List.of();
  }

  private static <T extends com.google.protobuf.Message> Optional<T> unpack(
      Any any, Class<T> type) {
    try {
      return Optional.of(any.unpack(type));
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }
}
