package dev.vxconnect.planner.spark;

import java.io.Serializable;

/** One Arrow IPC stream (schema + one record batch) built on an executor, with its row count. */
record ArrowBatch(byte[] data, long rowCount) implements Serializable {}
