package dev.vxconnect.server.buffer;

/**
 * The right to run Spark that a result's producer holds. A producer that must wait for its client
 * to read gives it back for the wait, so clients that read slowly or never cannot hold every
 * slot while other users' queries queue behind them.
 */
public interface ProducerSlot {

  /** A producer with no slot to give back (e.g. in tests). */
  ProducerSlot NONE =
      new ProducerSlot() {
        @Override
        public void release() {}

        @Override
        public void reacquire() {}
      };

  /** Gives the slot back; nothing if it is not held. */
  void release();

  /** Takes a slot again, waiting for one; nothing if it is held. */
  void reacquire() throws InterruptedException;
}
