package dev.vxconnect.e2e.support;

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
    Path dir = Files.createDirectories(ServerProcess.home().resolve("e2e/target/test-jars"));
    Path jar = dir.resolve(name + ".jar");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
      for (Class<?> c : classes) {
        String entry = c.getName().replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(entry));
        try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
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
