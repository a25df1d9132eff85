package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClassPathMissesTest {

  @Test
  void findsTheClassPathsClassesAsTheSystemLoaderDefinesThem() throws Exception {
    ClassPathMisses loader = new ClassPathMisses();
    Class<?> found = loader.loadClass(ClassPathMissesTest.class.getName());
    assertThat(found).isSameAs(ClassPathMissesTest.class);
    assertThat(Class.forName("java.lang.String", false, loader)).isSameAs(String.class);
    assertThat(loader.getResource("dev/vxconnect/planner/spark/ClassPathMisses.class")).isNotNull();
    assertThat(loader.remembered()).isZero();
  }

  @Test
  void aMissIsRememberedAndAnsweredAgainWithoutASearch() {
    ClassPathMisses loader = new ClassPathMisses();
    String name = "org.apache.spark.sql.catalyst.expressions.NoSuchThing";
    assertThatThrownBy(() -> loader.loadClass(name))
        .isInstanceOf(ClassNotFoundException.class)
        .hasMessageContaining(name);
    assertThat(loader.remembered()).isEqualTo(1);
    assertThatThrownBy(() -> Class.forName(name, false, loader))
        .isInstanceOf(ClassNotFoundException.class)
        .hasMessageContaining(name);
    assertThat(loader.remembered()).isEqualTo(1);
  }

  @Test
  void rememberedMissesAreBounded() {
    ClassPathMisses loader = new ClassPathMisses(20);
    for (int i = 0; i < 30; i++) {
      String name = "no.such.Name" + i;
      assertThatThrownBy(() -> loader.loadClass(name)).isInstanceOf(ClassNotFoundException.class);
    }
    assertThat(loader.remembered()).isEqualTo(20);
    // Past the bound, still answered right: a search.
    assertThatThrownBy(() -> loader.loadClass("no.such.Name29"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void installedOverTheSystemLoaderAndInheritedByTheThreadsMadeAfter() throws Exception {
    CompletableFuture<ClassLoader> inherited = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              ClassPathMisses.install();
              Thread child =
                  new Thread(
                      () -> inherited.complete(Thread.currentThread().getContextClassLoader()));
              child.start();
            });
    thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
    thread.start();
    assertThat(inherited.get(10, TimeUnit.SECONDS)).isInstanceOf(ClassPathMisses.class);
  }

  @Test
  void notInstalledOverAnotherContextLoader() throws Exception {
    try (URLClassLoader other = new URLClassLoader(new URL[0])) {
      CompletableFuture<ClassLoader> after = new CompletableFuture<>();
      Thread thread =
          new Thread(
              () -> {
                ClassPathMisses.install();
                after.complete(Thread.currentThread().getContextClassLoader());
              });
      thread.setContextClassLoader(other);
      thread.start();
      assertThat(after.get(10, TimeUnit.SECONDS)).isSameAs(other);
    }
  }
}
