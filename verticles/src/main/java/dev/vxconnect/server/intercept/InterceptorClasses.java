package dev.vxconnect.server.intercept;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkException;
import org.sparkproject.connect.grpc.ServerInterceptor;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Instantiates the classes named by {@code spark.connect.grpc.interceptor.classes} at start, as
 * Spark's {@code SparkConnectInterceptorRegistry} does: each through its public no-arg constructor,
 * a missing constructor or a constructor that throws raising Spark's own error classes
 * (CONNECT.INTERCEPTOR_CTOR_MISSING, CONNECT.INTERCEPTOR_RUNTIME_ERROR). A class that is missing or
 * is no interceptor stops the start too, with a message that says which and why; Spark's server
 * fails on those with a bare ClassNotFoundException or ClassCastException.
 */
public final class InterceptorClasses {

  static final String KEY = "spark.connect.grpc.interceptor.classes";

  private InterceptorClasses() {}

  /**
   * The classes, in the order given: loaded before Spark starts, so that a wrong name stops the
   * start at once.
   *
   * @throws IllegalArgumentException when a class is missing or is no interceptor
   */
  public static List<Class<? extends ServerInterceptor>> load(
      List<String> names, ClassLoader loader) {
    List<Class<? extends ServerInterceptor>> classes = new ArrayList<>();
    for (String name : names) {
      classes.add(interceptorClass(name, loader));
    }
    return List.copyOf(classes);
  }

  /**
   * One instance of each class, in the order given: built once Spark runs, as Spark's server builds
   * them (a constructor may use SparkEnv).
   *
   * @throws IllegalStateException (its cause Spark's SparkException) when one cannot be built
   */
  public static List<ServerInterceptor> instantiate(
      List<Class<? extends ServerInterceptor>> classes) {
    List<ServerInterceptor> interceptors = new ArrayList<>();
    for (Class<? extends ServerInterceptor> cls : classes) {
      interceptors.add(create(cls));
    }
    return List.copyOf(interceptors);
  }

  private static Class<? extends ServerInterceptor> interceptorClass(
      String name, ClassLoader loader) {
    Class<?> found;
    try {
      found = Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException(
          KEY
              + ": class "
              + name
              + " cannot be loaded ("
              + e
              + "); add its jar to the server's class path with VXCONNECT_CLASSPATH",
          e);
    }
    if (!ServerInterceptor.class.isAssignableFrom(found)) {
      boolean plainGrpc =
          Arrays.stream(found.getInterfaces())
              .anyMatch(i -> i.getName().equals("io.grpc.ServerInterceptor"));
      throw new IllegalArgumentException(
          KEY
              + ": "
              + name
              + (plainGrpc
                  ? " implements io.grpc.ServerInterceptor; Spark's Connect server (and vxconnect)"
                      + " take "
                      + ServerInterceptor.class.getName()
                      + ", the gRPC that spark-connect_2.13 relocates: build the class against that jar"
                  : " is not a " + ServerInterceptor.class.getName()));
    }
    return found.asSubclass(ServerInterceptor.class);
  }

  private static ServerInterceptor create(Class<? extends ServerInterceptor> cls) {
    Constructor<?> noArgs =
        Arrays.stream(cls.getConstructors())
            .filter(c -> c.getParameterCount() == 0)
            .findFirst()
            .orElseThrow(
                () ->
                    failed("CONNECT.INTERCEPTOR_CTOR_MISSING", Map.of("cls", cls.getName()), null));
    try {
      return (ServerInterceptor) noArgs.newInstance();
    } catch (InvocationTargetException e) {
      throw failed(
          "CONNECT.INTERCEPTOR_RUNTIME_ERROR",
          Map.of("msg", String.valueOf(e.getTargetException().getMessage())),
          e);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw failed(
          "CONNECT.INTERCEPTOR_RUNTIME_ERROR", Map.of("msg", String.valueOf(e.getMessage())), e);
    }
  }

  private static IllegalStateException failed(
      String errorClass, Map<String, String> parameters, Throwable cause) {
    SparkException spark =
        new SparkException(
            errorClass,
            scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(parameters)),
            cause);
    return new IllegalStateException(spark.getMessage(), spark);
  }
}
