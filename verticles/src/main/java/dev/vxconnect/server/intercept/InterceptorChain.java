package dev.vxconnect.server.intercept;

import dev.vxconnect.server.call.GrpcMessage;
import io.vertx.core.http.HttpConnection;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkproject.connect.grpc.Attributes;
import org.sparkproject.connect.grpc.Grpc;
import org.sparkproject.connect.grpc.Metadata;
import org.sparkproject.connect.grpc.MethodDescriptor;
import org.sparkproject.connect.grpc.ServerCall;
import org.sparkproject.connect.grpc.ServerCallHandler;
import org.sparkproject.connect.grpc.ServerInterceptor;
import org.sparkproject.connect.grpc.Status;

/**
 * The user's gRPC interceptors (spark.connect.grpc.interceptor.classes) run for one call before its
 * handler, the way grpc-java chains them: the last class listed is called first, and each passes
 * the call on through {@code next.startCall}. What an interceptor can do here: read the request
 * headers, the method and the transport's attributes; add response headers (directly or by
 * overriding {@code sendHeaders} of a forwarding call); end the call with a status and trailers
 * instead of passing it on; throw (the call ends with the exception's status, UNKNOWN for a plain
 * exception, as on grpc-java). What it cannot do, because vxconnect's handlers read and write the
 * messages themselves: observe or change request messages or the call's end through a listener
 * of its own, or response messages and the final status through an overridden {@code sendMessage}
 * or {@code close}. A chain that tries is refused (UNIMPLEMENTED, naming the interceptor), never
 * run without its part.
 */
public final class InterceptorChain {

  private static final Logger LOG = LoggerFactory.getLogger(InterceptorChain.class);

  /** What the interceptors decided: go on (with response headers to add) or end the call. */
  public record Outcome(boolean proceeds, Status status, Metadata headers, Metadata trailers) {

    /** Adds the response headers; for an ended call, also the status and trailers, and ends it. */
    public void applyTo(GrpcServerResponse<?, ?> response) {
      GrpcMetadata.addTo(headers, response.headers());
      if (proceeds) {
        return;
      }
      response.status(GrpcStatus.valueOf(status.getCode().value()));
      if (status.getDescription() != null) {
        GrpcMessage.set(response, status.getDescription());
      }
      GrpcMetadata.addTo(trailers, response.trailers());
      response.end();
    }
  }

  /** ServerCall methods whose override would mean the interceptor expects to see the messages. */
  private static final List<Method> UNSERVED = unservedMethods();

  private final List<ServerInterceptor> interceptors;
  private final List<String> names;
  private final Map<String, MethodDescriptor<?, ?>> methods;

  public InterceptorChain(List<ServerInterceptor> interceptors) {
    this.interceptors = List.copyOf(interceptors);
    this.names = interceptors.stream().map(i -> i.getClass().getName()).toList();
    this.methods =
        SparkConnectServiceGrpc.getServiceDescriptor().getMethods().stream()
            .collect(Collectors.toMap(MethodDescriptor::getFullMethodName, Function.identity()));
  }

  public boolean isEmpty() {
    return interceptors.isEmpty();
  }

  /** The interceptors' class names, for the startup log. */
  public List<String> names() {
    return names;
  }

  /**
   * Reads what the interceptors will see from {@code call} (on its event loop) and returns the
   * chain to run: on a worker thread, as an interceptor may block (a directory look-up, a token
   * introspection).
   */
  public Callable<Outcome> prepare(GrpcServerRequest<?, ?> call) {
    @SuppressWarnings("unchecked")
    MethodDescriptor<Object, Object> method =
        (MethodDescriptor<Object, Object>) methods.get(call.fullMethodName());
    Metadata headers = GrpcMetadata.fromHeaders(call.headers());
    HttpConnection connection = call.connection();
    Attributes.Builder attributes = Attributes.newBuilder();
    if (connection.remoteAddress() != null) {
      attributes.set(
          Grpc.TRANSPORT_ATTR_REMOTE_ADDR,
          new InetSocketAddress(
              connection.remoteAddress().hostAddress(), connection.remoteAddress().port()));
    }
    if (connection.localAddress() != null) {
      attributes.set(
          Grpc.TRANSPORT_ATTR_LOCAL_ADDR,
          new InetSocketAddress(
              connection.localAddress().hostAddress(), connection.localAddress().port()));
    }
    if (connection.isSsl()) {
      attributes.set(Grpc.TRANSPORT_ATTR_SSL_SESSION, connection.sslSession());
    }
    String authority =
        Optional.ofNullable(call.headers().get(":authority")).orElse(call.headers().get("host"));
    AdaptedCall adapted =
        new AdaptedCall(method, attributes.build(), authority, connection.isSsl());
    return () -> run(adapted, headers);
  }

  private Outcome run(AdaptedCall call, Metadata headers) {
    List<String> unserved = new ArrayList<>();
    ServerCall.Listener<Object> handlerListener = new ServerCall.Listener<>() {};
    ServerCall<Object, Object>[] reached = newCallArray();
    ServerCallHandler<Object, Object> next =
        (passed, passedHeaders) -> {
          reached[0] = passed;
          return handlerListener;
        };
    // Innermost first, so that the last class listed is called first, as on grpc-java.
    for (ServerInterceptor interceptor : interceptors) {
      next = step(interceptor, next, call, unserved);
    }
    try {
      next.startCall(call, headers);
      if (unserved.isEmpty() && !call.closed() && reached[0] != null) {
        // Where grpc-java sends the headers with the first response: the interceptors' forwarding
        // calls may add theirs on the way to ours.
        reached[0].sendHeaders(new Metadata());
      }
    } catch (RuntimeException | Error e) {
      return ended(call, thrown(e));
    } finally {
      call.handOver();
    }
    if (!unserved.isEmpty()) {
      // A deployment problem, not the client's: said where the operator looks.
      LOG.warn(
          "Refused {}: its gRPC interceptors cannot run here: {}",
          call.getMethodDescriptor().getFullMethodName(),
          unserved);
      return ended(
          call,
          Status.UNIMPLEMENTED.withDescription(
              "vxconnect cannot run this call's gRPC interceptors (spark.connect.grpc.interceptor"
                  + ".classes): "
                  + String.join("; ", unserved)
                  + ". See docs/security.md, user interceptors."));
    }
    if (call.closed()) {
      return new Outcome(false, call.closedWith(), call.headers(), call.trailers());
    }
    return new Outcome(true, Status.OK, call.headers(), new Metadata());
  }

  /** {@code interceptor} in front of {@code next}, checking what it does with the call. */
  private static ServerCallHandler<Object, Object> step(
      ServerInterceptor interceptor,
      ServerCallHandler<Object, Object> next,
      AdaptedCall root,
      List<String> unserved) {
    String name = interceptor.getClass().getName();
    return (call, headers) -> {
      ServerCall.Listener<Object>[] fromNext = newListenerArray();
      ServerCall.Listener<Object> listener =
          interceptor.interceptCall(
              call,
              headers,
              (passed, passedHeaders) -> {
                overridden(passed)
                    .ifPresent(
                        method ->
                            unserved.add(
                                name
                                    + " passes on a call that overrides ServerCall."
                                    + method
                                    + ", which only sees messages on grpc-java"));
                fromNext[0] = next.startCall(passed, passedHeaders);
                return fromNext[0];
              });
      if (fromNext[0] != null && listener != fromNext[0]) {
        unserved.add(
            name
                + " returns a listener of its own (to observe request messages or the call's"
                + " end), which vxconnect does not call");
      }
      if (fromNext[0] == null && !root.closed()) {
        unserved.add(name + " neither passed the call on nor closed it");
      }
      return listener;
    };
  }

  private static Optional<String> overridden(ServerCall<?, ?> call) {
    if (call instanceof AdaptedCall) {
      return Optional.empty();
    }
    for (Method method : UNSERVED) {
      try {
        Class<?> declaring =
            call.getClass()
                .getMethod(method.getName(), method.getParameterTypes())
                .getDeclaringClass();
        // gRPC's own forwarding calls only pass the method on; a user's class overrides it.
        if (!declaring.getPackageName().equals(ServerCall.class.getPackageName())) {
          return Optional.of(method.getName());
        }
      } catch (NoSuchMethodException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
    return Optional.empty();
  }

  private static Status thrown(Throwable e) {
    Status status = Status.fromThrowable(e);
    return status.getCode() == Status.Code.UNKNOWN && status.getDescription() == null
        ? status.withDescription("A gRPC interceptor failed: " + e)
        : status;
  }

  private static Outcome ended(AdaptedCall call, Status status) {
    return new Outcome(false, status, call.headers(), call.trailers());
  }

  private static List<Method> unservedMethods() {
    try {
      return List.of(
          ServerCall.class.getMethod("sendMessage", Object.class),
          ServerCall.class.getMethod("close", Status.class, Metadata.class),
          ServerCall.class.getMethod("setMessageCompression", boolean.class),
          ServerCall.class.getMethod("setCompression", String.class));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static ServerCall<Object, Object>[] newCallArray() {
    return new ServerCall[1];
  }

  @SuppressWarnings("unchecked")
  private static ServerCall.Listener<Object>[] newListenerArray() {
    return new ServerCall.Listener[1];
  }
}
