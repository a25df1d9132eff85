package dev.vxconnect.planner.spark;

import java.lang.reflect.Field;

/**
 * Private fields of Spark 4.1.2 that closing a session must reach (what Spark's own close leaves
 * behind is only reachable through them). Pinned by SessionReleaseTest: a Spark upgrade that
 * renames one fails there, with a message naming the field.
 */
final class PrivateFields {

  private PrivateFields() {}

  static Field field(Class<?> owner, String name) {
    try {
      Field field = owner.getDeclaredField(name);
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(
          owner.getName() + "." + name + " is gone: not the Spark version vxconnect pins", e);
    }
  }

  static Object read(Field field, Object owner) {
    try {
      return field.get(owner);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
