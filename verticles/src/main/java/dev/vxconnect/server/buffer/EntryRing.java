package dev.vxconnect.server.buffer;

import java.util.Arrays;

/** A growable FIFO of contiguous buffer entries with O(1) access by index. */
final class EntryRing {

  private ResponseBuffer.Entry[] slots = new ResponseBuffer.Entry[16];
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  ResponseBuffer.Entry first() {
    return size == 0 ? null : slots[head];
  }

  /** The entry {@code offset} places after the first. */
  ResponseBuffer.Entry get(long offset) {
    if (offset < 0 || offset >= size) {
      throw new IndexOutOfBoundsException("offset " + offset + " of " + size);
    }
    return slots[(int) ((head + offset) % slots.length)];
  }

  void addLast(ResponseBuffer.Entry entry) {
    if (size == slots.length) {
      ResponseBuffer.Entry[] bigger = new ResponseBuffer.Entry[slots.length * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = slots[(head + i) % slots.length];
      }
      slots = bigger;
      head = 0;
    }
    slots[(head + size) % slots.length] = entry;
    size++;
  }

  ResponseBuffer.Entry last() {
    return size == 0 ? null : slots[(head + size - 1) % slots.length];
  }

  ResponseBuffer.Entry removeLast() {
    int tail = (head + size - 1) % slots.length;
    ResponseBuffer.Entry entry = slots[tail];
    slots[tail] = null;
    size--;
    return entry;
  }

  ResponseBuffer.Entry removeFirst() {
    ResponseBuffer.Entry entry = slots[head];
    slots[head] = null;
    head = (head + 1) % slots.length;
    size--;
    return entry;
  }

  void clear() {
    Arrays.fill(slots, null);
    head = 0;
    size = 0;
  }
}
