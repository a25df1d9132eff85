package dev.vxconnect.server.buffer;

import java.util.concurrent.atomic.LongAdder;

/**
 * How much one operation's buffer may hold, and the counter of what all buffers hold together
 * (for admission control).
 *
 * @param aheadBytes responses not yet sent beyond which the producer waits
 * @param retainBytes responses already sent that are kept for a reattaching client
 * @param heldByAll bytes held by every buffer of the instance
 */
public record BufferLimits(long aheadBytes, long retainBytes, LongAdder heldByAll) {}
