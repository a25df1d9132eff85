package dev.vxconnect.e2e.support;

import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Packs test classes into a jar, to be uploaded to the server as a session artifact. */
public final class TestJars {

  private TestJars() {}

  public static Path of(String name, Class<?>... classes) throws IOException {
    return padded(name, 0, classes);
  }

  /**
   * The same, by class name: for classes the test JVM cannot load (e.g. implementations of
   * interfaces of classic Spark, which the server run's class path does not have).
   */
  public static Path ofClassNames(String name, String... classNames) throws IOException {
    return write(name, 0, classNames);
  }

  /**
   * A jar of these classes and an entry of {@code paddingBytes} random (incompressible) bytes: a
   * jar at least that large, for size limits on artifacts.
   */
  public static Path padded(String name, int paddingBytes, Class<?>... classes) throws IOException {
    String[] names = new String[classes.length];
    for (int i = 0; i < classes.length; i++) {
      names[i] = classes[i].getName();
    }
    return write(name, paddingBytes, names);
  }

  private static Path write(String name, int paddingBytes, String... classNames)
      throws IOException {
    Path dir = Files.createDirectories(ServerProcess.targetDirectory().resolve("test-jars"));
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
      if (paddingBytes > 0) {
        byte[] padding = new byte[paddingBytes];
        new Random(paddingBytes).nextBytes(padding);
        out.putNextEntry(new JarEntry("padding.bin"));
        out.write(padding);
        out.closeEntry();
      }
    }
    return jar;
  }
}
