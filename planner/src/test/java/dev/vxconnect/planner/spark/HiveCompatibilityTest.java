package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.spark.sql.hive.HiveExternalCatalog;
import org.apache.xbean.asm9.ClassReader;
import org.apache.xbean.asm9.ClassVisitor;
import org.apache.xbean.asm9.Handle;
import org.apache.xbean.asm9.MethodVisitor;
import org.apache.xbean.asm9.Opcodes;
import org.apache.xbean.asm9.Type;
import org.junit.jupiter.api.Test;

/**
 * spark-hive is served here at 4.1.0 only, while the rest of Spark is 4.1.2 (pom.xml). This reads
 * every class of the spark-hive jar on the class path and checks that each class, method,
 * constructor and field of Spark's other modules it refers to (calls, field accesses, types,
 * supertypes, lambdas' targets) exists in the 4.1.2 jars with the same signature, so that no call
 * can end in a NoSuchMethodError or NoClassDefFoundError at run time. The e2e tests then use the
 * catalog for real (SharedCatalogE2ETest).
 */
class HiveCompatibilityTest {

  private final Set<String> checked = new TreeSet<>();
  private final Set<String> missing = new TreeSet<>();
  private final Set<String> own = new HashSet<>();

  @Test
  void everySparkMemberThatSparkHiveUsesExistsInTheSparkJarsOnTheClassPath() throws Exception {
    Path jar =
        Path.of(
            HiveExternalCatalog.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(jar.getFileName().toString())
        .as("the spark-hive jar checked")
        .startsWith("spark-hive_2.13-");
    try (JarFile file = new JarFile(jar.toFile())) {
      file.stream()
          .map(JarEntry::getName)
          .filter(n -> n.endsWith(".class"))
          .forEach(n -> own.add(n.substring(0, n.length() - ".class".length())));
      for (JarEntry entry : file.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
        try (InputStream in = file.getInputStream(entry)) {
          new ClassReader(in).accept(new References(), ClassReader.SKIP_FRAMES);
        }
      }
    }
    System.out.printf(
        "HiveCompatibilityTest: %s: %d references to Spark's other modules checked, %d missing%n",
        jar.getFileName(), checked.size(), missing.size());
    assertThat(checked).as("references checked").hasSizeGreaterThan(1000);
    assertThat(missing)
        .as("members of Spark that %s uses and this Spark lacks", jar.getFileName())
        .isEmpty();
  }

  @Test
  void theCheckSeesWhatIsMissing() {
    method("org/apache/spark/sql/SparkSession", "version", "()Ljava/lang/String;");
    method("org/apache/spark/sql/SparkSession", "version", "()I");
    field(
        "org/apache/spark/sql/internal/SQLConf$",
        "MODULE$",
        "Lorg/apache/spark/sql/internal/SQLConf$;");
    field("org/apache/spark/sql/internal/SQLConf$", "MODULE$", "I");
    type("org/apache/spark/sql/NoSuchClassAnywhere");
    assertThat(missing)
        .containsExactlyInAnyOrder(
            "org/apache/spark/sql/SparkSession.version()I",
            "org/apache/spark/sql/internal/SQLConf$#MODULE$:I",
            "class org/apache/spark/sql/NoSuchClassAnywhere");
  }

  /** Collects and checks what one class refers to. */
  private final class References extends ClassVisitor {

    References() {
      super(Opcodes.ASM9);
    }

    @Override
    public void visit(
        int version,
        int access,
        String name,
        String signature,
        String superName,
        String[] interfaces) {
      type(superName);
      if (interfaces != null) {
        for (String i : interfaces) {
          type(i);
        }
      }
    }

    @Override
    public MethodVisitor visitMethod(
        int access, String name, String descriptor, String signature, String[] exceptions) {
      descriptorTypes(descriptor);
      return new MethodVisitor(Opcodes.ASM9) {
        @Override
        public void visitMethodInsn(
            int opcode, String owner, String method, String desc, boolean itf) {
          method(owner, method, desc);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String field, String desc) {
          field(owner, field, desc);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
          type(type);
        }

        @Override
        public void visitLdcInsn(Object value) {
          if (value instanceof Type t && t.getSort() == Type.OBJECT) {
            type(t.getInternalName());
          }
        }

        @Override
        public void visitInvokeDynamicInsn(
            String method, String desc, Handle bootstrap, Object... args) {
          for (Object arg : args) {
            if (arg instanceof Handle h) {
              if (h.getTag() == Opcodes.H_GETFIELD
                  || h.getTag() == Opcodes.H_GETSTATIC
                  || h.getTag() == Opcodes.H_PUTFIELD
                  || h.getTag() == Opcodes.H_PUTSTATIC) {
                field(h.getOwner(), h.getName(), h.getDesc());
              } else {
                method(h.getOwner(), h.getName(), h.getDesc());
              }
            }
          }
        }
      };
    }
  }

  private boolean foreign(String internalName) {
    return internalName != null
        && internalName.startsWith("org/apache/spark/")
        && !own.contains(internalName);
  }

  private void descriptorTypes(String descriptor) {
    for (Type t : Type.getArgumentTypes(descriptor)) {
      if (t.getSort() == Type.OBJECT) {
        type(t.getInternalName());
      }
    }
  }

  private void type(String internalName) {
    if (internalName == null) {
      return;
    }
    String name =
        internalName.startsWith("[")
            ? Type.getType(internalName).getElementType().getInternalName()
            : internalName;
    if (foreign(name) && checked.add("class " + name)) {
      if (load(name) == null) {
        missing.add("class " + name);
      }
    }
  }

  private void method(String owner, String name, String descriptor) {
    type(owner);
    if (!foreign(owner) || !checked.add(owner + "." + name + descriptor)) {
      return;
    }
    Class<?> c = load(owner);
    if (c != null && !hasMethod(c, name, descriptor)) {
      missing.add(owner + "." + name + descriptor);
    }
  }

  private void field(String owner, String name, String descriptor) {
    type(owner);
    if (!foreign(owner) || !checked.add(owner + "#" + name + ":" + descriptor)) {
      return;
    }
    Class<?> c = load(owner);
    if (c != null && !hasField(c, name, descriptor)) {
      missing.add(owner + "#" + name + ":" + descriptor);
    }
  }

  private static Class<?> load(String internalName) {
    try {
      return Class.forName(
          internalName.replace('/', '.'), false, HiveCompatibilityTest.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  /** The method (or constructor) in the class or any of its supertypes, as the JVM resolves it. */
  private static boolean hasMethod(Class<?> start, String name, String descriptor) {
    if (name.equals("<init>")) {
      for (Constructor<?> c : start.getDeclaredConstructors()) {
        if (Type.getConstructorDescriptor(c).equals(descriptor)) {
          return true;
        }
      }
      return false;
    }
    for (Class<?> c : supertypes(start)) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(descriptor)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean hasField(Class<?> start, String name, String descriptor) {
    for (Class<?> c : supertypes(start)) {
      for (Field f : c.getDeclaredFields()) {
        if (f.getName().equals(name) && Type.getDescriptor(f.getType()).equals(descriptor)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Set<Class<?>> supertypes(Class<?> start) {
    Set<Class<?>> seen = new LinkedHashSet<>();
    Deque<Class<?>> todo = new ArrayDeque<>();
    todo.add(start);
    while (!todo.isEmpty()) {
      Class<?> c = todo.poll();
      if (!seen.add(c)) {
        continue;
      }
      if (c.getSuperclass() != null) {
        todo.add(c.getSuperclass());
      }
      todo.addAll(List.of(c.getInterfaces()));
    }
    seen.add(Object.class); // an interface's calls may resolve to Object's methods
    return seen;
  }
}
