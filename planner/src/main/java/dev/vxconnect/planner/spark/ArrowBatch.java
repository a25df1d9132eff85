package dev.vxconnect.planner.spark;

import java.io.Serializable;

/**
 * One Arrow IPC stream (schema + one record batch) built on an executor, with its row count. Its
 * bytes stay in chunks all the way to the response ({@link ArrowBytes}).
 */
record ArrowBatch(ArrowBytes data, long rowCount) implements Serializable {}
