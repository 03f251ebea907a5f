package dev.warden.client;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A private {@code warden serve} for one test class: free ports, a fresh data directory. */
public final class WardenServer implements AutoCloseable {

  /** The email the server makes its bootstrap administrator. */
  public static final String ADMIN_EMAIL = "admin@example.com";

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /** {@code grpc.health.v1.Health/Check}, spoken in raw bytes. */
  private static final MethodDescriptor<byte[], byte[]> HEALTH_CHECK =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("grpc.health.v1.Health/Check")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  /** A HealthCheckResponse with status SERVING: field 1, varint 1. */
  private static final byte[] SERVING = {0x08, 0x01};

  private final Process process;
  private final Path dataDir;
  private final Path log;
  private final String address;
  private final ManagedChannel channel;

  private WardenServer(
      Process process, Path dataDir, Path log, String address, ManagedChannel channel) {
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
    this.address = address;
    this.channel = channel;
  }

  /** Starts {@code $WARDEN_BIN} (default {@code <repo>/target/debug/warden}), waits for SERVING. */
  public static WardenServer start(String accessTokenTtl) throws IOException, InterruptedException {
    Path bin = wardenBin();
    Path dataDir = Files.createTempDirectory("warden-java-");
    Path log = dataDir.resolve("warden.log");
    String address = "127.0.0.1:" + freePort();
    List<String> command =
        List.of(
            bin.toString(),
            "serve",
            "--data-dir",
            dataDir.resolve("data").toString(),
            "--listen",
            address,
            "--http-listen",
            "127.0.0.1:" + freePort(),
            "--argon2-memory-kib",
            "256",
            "--argon2-iterations",
            "1",
            "--hash-threads",
            "1",
            "--access-token-ttl",
            accessTokenTtl,
            "--token-leeway",
            "0s",
            "--bootstrap-admin-email",
            ADMIN_EMAIL);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("RUST_LOG", "warn");
    Process process = builder.start();
    ManagedChannel channel =
        Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
    WardenServer server = new WardenServer(process, dataDir, log, address, channel);
    try {
      server.awaitServing();
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static Path wardenBin() {
    String configured = System.getenv("WARDEN_BIN");
    Path bin =
        configured != null && !configured.isEmpty()
            ? Path.of(configured)
            : Path.of("").toAbsolutePath().resolve("../../target/debug/warden").normalize();
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(
          "warden binary not found at "
              + bin
              + ": build it with `cargo build -p warden-server --bin warden` in the repository"
              + " root, or point WARDEN_BIN at one");
    }
    return bin;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void awaitServing() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "warden exited during startup (" + process.exitValue() + "):\n" + logs());
      }
      try {
        byte[] status =
            ClientCalls.blockingUnaryCall(
                channel,
                HEALTH_CHECK,
                CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.SECONDS),
                new byte[0]);
        if (java.util.Arrays.equals(status, SERVING)) {
          return;
        }
      } catch (StatusRuntimeException notYet) {
        // Not listening yet.
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("warden did not report SERVING within 30 s:\n" + logs());
      }
      Thread.sleep(100);
    }
  }

  /** The gRPC address, {@code 127.0.0.1:<port>}. */
  public String address() {
    return address;
  }

  /** A plaintext channel to the server, closed with it. */
  public ManagedChannel channel() {
    return channel;
  }

  /** What the server printed so far. */
  public String logs() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try (Stream<Path> paths = Files.walk(dataDir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
