package dev.vxconnect.e2e.support;

import dev.vxconnect.testkit.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A jar of a user's server-side classes (gRPC interceptors, Connect plugins), built at test time
 * from sources in e2e/src/test/: they are compiled against the server's own class path (Spark's
 * server classes, which the e2e class path cannot hold next to the client's) and reach the server
 * through VXCONNECT_CLASSPATH, as a user's jar would.
 */
public final class ServerSideJar {

  private ServerSideJar() {}

  /** Compiles every .java file under {@code sources} into {@code jar}; returns the jar. */
  public static Path build(Path sources, Path jar) throws IOException {
    Path home = ServerProcess.home();
    Path classes = jar.resolveSibling(jar.getFileName() + ".classes");
    deleteTree(classes);
    Files.createDirectories(classes);
    List<String> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
    }
    String classPath;
    try (Stream<Path> lib = Files.list(home.resolve("verticles/target/lib"))) {
      classPath =
          lib.filter(p -> p.toString().endsWith(".jar"))
              .map(Path::toString)
              .sorted()
              .collect(Collectors.joining(File.pathSeparator));
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", classPath));
    args.addAll(files);
    int code = javac.run(null, null, null, args.toArray(String[]::new));
    if (code != 0) {
      throw new IllegalStateException("javac failed (" + code + ") on " + sources);
    }
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        jarOut.write(Files.readAllBytes(file));
        jarOut.closeEntry();
      }
    }
    return jar;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
