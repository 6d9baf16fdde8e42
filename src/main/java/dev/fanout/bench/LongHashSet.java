package dev.fanout.bench;

import java.util.Arrays;

/**
 * A set of longs in one open-addressing array, kept at most half full: 16 to 32 bytes per entry, no
 * boxing. Not thread-safe.
 */
final class LongHashSet {
  private static final long EMPTY = 0;

  private long[] slots;
  private int size;
  private boolean hasZero;

  LongHashSet(int expected) {
    slots = new long[capacityFor(expected)];
  }

  /** Adds {@code value}; false when it was already there. */
  boolean add(long value) {
    if (value == EMPTY) {
      boolean added = !hasZero;
      hasZero = true;
      size += added ? 1 : 0;
      return added;
    }
    if ((size + 1) * 2L > slots.length) {
      rehash(slots.length * 2);
    }
    if (!insert(slots, value)) {
      return false;
    }
    size++;
    return true;
  }

  int size() {
    return size;
  }

  /** Makes room for {@code expected} entries in all, so no rehash happens while they arrive. */
  void reserve(int expected) {
    int capacity = capacityFor(expected);
    if (capacity > slots.length) {
      rehash(capacity);
    }
  }

  void clear() {
    Arrays.fill(slots, EMPTY);
    size = 0;
    hasZero = false;
  }

  private static boolean insert(long[] table, long value) {
    int mask = table.length - 1;
    int i = mix(value) & mask;
    while (table[i] != EMPTY) {
      if (table[i] == value) {
        return false;
      }
      i = (i + 1) & mask;
    }
    table[i] = value;
    return true;
  }

  private void rehash(int capacity) {
    long[] bigger = new long[capacity];
    for (long v : slots) {
      if (v != EMPTY) {
        insert(bigger, v);
      }
    }
    slots = bigger;
  }

  private static int capacityFor(int expected) {
    long wanted = Math.max(16, 2L * expected);
    return (int) Math.min(1 << 30, Long.highestOneBit(wanted - 1) << 1);
  }

  private static int mix(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
