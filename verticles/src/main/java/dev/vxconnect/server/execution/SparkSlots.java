package dev.vxconnect.server.execution;

import dev.vxconnect.server.buffer.ProducerSlot;
import java.util.concurrent.Semaphore;

/**
 * How many operations run Spark at once ({@code vxconnect.execution.threads}): planning, waiting
 * for jobs, encoding results. Operations beyond wait for a slot in arrival order. A producer
 * waiting for its client to read holds no slot (see {@link ProducerSlot}).
 */
final class SparkSlots {

  private final Semaphore slots;

  SparkSlots(int count) {
    this.slots = new Semaphore(count, true);
  }

  /** Waits for a free slot and takes it for the calling operation's thread. */
  Slot take() throws InterruptedException {
    slots.acquire();
    return new Slot();
  }

  /** One operation's slot; used only from that operation's thread. */
  final class Slot implements ProducerSlot {

    private boolean held = true;

    @Override
    public void release() {
      if (held) {
        held = false;
        slots.release();
      }
    }

    @Override
    public void reacquire() throws InterruptedException {
      if (!held) {
        slots.acquire();
        held = true;
      }
    }
  }
}
