package dev.vxconnect.e2e.support;

import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Packs test classes into a jar, to be uploaded to the server as a session artifact. */
public final class TestJars {

  private TestJars() {}

  public static Path of(String name, Class<?>... classes) throws IOException {
    String[] names = new String[classes.length];
    for (int i = 0; i < classes.length; i++) {
      names[i] = classes[i].getName();
    }
    return ofClassNames(name, names);
  }

  /**
   * The same, by class name: for classes the test JVM cannot load (e.g. implementations of
   * interfaces of classic Spark, which the server run's class path does not have).
   */
  public static Path ofClassNames(String name, String... classNames) throws IOException {
    Path dir = Files.createDirectories(ServerProcess.home().resolve("e2e/target/test-jars"));
    Path jar = dir.resolve(name + ".jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (String className : classNames) {
        String entry = className.replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(entry));
        try (InputStream in = TestJars.class.getClassLoader().getResourceAsStream(entry)) {
          if (in == null) {
            throw new IOException("class file not found: " + entry);
          }
          in.transferTo(out);
        }
        out.closeEntry();
      }
    }
    return jar;
  }
}
