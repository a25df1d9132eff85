package dev.vxconnect.server.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.sparkproject.connect.grpc.Metadata;
import org.sparkproject.connect.grpc.ServerCall;
import org.sparkproject.connect.grpc.ServerCallHandler;
import org.sparkproject.connect.grpc.ServerInterceptor;

/**
 * The classes of spark.connect.grpc.interceptor.classes are built as Spark's server builds them,
 * and fail with Spark's error classes (their messages from Spark's error-conditions.json).
 */
class InterceptorClassesTest {

  private static final ClassLoader LOADER = InterceptorClassesTest.class.getClassLoader();

  /** Passes every call on. */
  public static final class PassThrough implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      return next.startCall(call, headers);
    }
  }

  /** No constructor without arguments. */
  public static final class NeedsAnArgument implements ServerInterceptor {
    public NeedsAnArgument(String unused) {}

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      return next.startCall(call, headers);
    }
  }

  /** A constructor that fails. */
  public static final class Failing implements ServerInterceptor {
    public Failing() {
      throw new IllegalStateException("no directory to ask");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      return next.startCall(call, headers);
    }
  }

  @Test
  void buildsEachClassInOrder() {
    var classes =
        InterceptorClasses.load(
            List.of(PassThrough.class.getName(), PassThrough.class.getName()), LOADER);
    var interceptors = InterceptorClasses.instantiate(classes);
    assertThat(interceptors).hasSize(2).allMatch(i -> i instanceof PassThrough);
    assertThat(interceptors.get(0)).isNotSameAs(interceptors.get(1));
  }

  @Test
  void aMissingClassSaysWhereToPutIt() {
    assertThatThrownBy(() -> InterceptorClasses.load(List.of("com.example.Nowhere"), LOADER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spark.connect.grpc.interceptor.classes")
        .hasMessageContaining("com.example.Nowhere cannot be loaded")
        .hasMessageContaining("VXCONNECT_CLASSPATH");
  }

  @Test
  void aClassThatIsNoInterceptorIsRefused() {
    assertThatThrownBy(() -> InterceptorClasses.load(List.of(String.class.getName()), LOADER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "java.lang.String is not a org.sparkproject.connect.grpc.ServerInterceptor");
  }

  @Test
  void noConstructorWithoutArgumentsIsSparksCtorMissing() {
    var classes = InterceptorClasses.load(List.of(NeedsAnArgument.class.getName()), LOADER);
    assertThatThrownBy(() -> InterceptorClasses.instantiate(classes))
        .isInstanceOf(IllegalStateException.class)
        .hasCauseInstanceOf(SparkException.class)
        .hasMessageContaining("[CONNECT.INTERCEPTOR_CTOR_MISSING]")
        .hasMessageContaining(
            "Cannot instantiate GRPC interceptor because "
                + NeedsAnArgument.class.getName()
                + " is missing a default constructor without arguments.");
  }

  @Test
  void aFailingConstructorIsSparksRuntimeError() {
    var classes = InterceptorClasses.load(List.of(Failing.class.getName()), LOADER);
    assertThatThrownBy(() -> InterceptorClasses.instantiate(classes))
        .isInstanceOf(IllegalStateException.class)
        .hasCauseInstanceOf(SparkException.class)
        .hasMessageContaining("[CONNECT.INTERCEPTOR_RUNTIME_ERROR]")
        .hasMessageContaining("Error instantiating GRPC interceptor: no directory to ask");
  }
}
