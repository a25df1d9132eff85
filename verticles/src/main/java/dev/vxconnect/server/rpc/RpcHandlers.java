package dev.vxconnect.server.rpc;

import dev.vxconnect.proto.SparkConnectMethods;
import dev.vxconnect.server.buffer.StreamLimits;
import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.routing.Forwarder;

/** One handler per RPC, built once and shared by every event loop's verticle. */
public record RpcHandlers(
    SparkConnectMethods methods,
    Failures failures,
    Forwarder forwarder,
    StreamLimits limits,
    CallTracker calls,
    ConnectionLimit connections,
    CallGuard guard,
    ExecutePlanHandler executePlan,
    ReattachExecuteHandler reattachExecute,
    AddArtifactsHandler addArtifacts,
    AnalyzePlanHandler analyzePlan,
    ConfigHandler config,
    ArtifactStatusHandler artifactStatus,
    InterruptHandler interrupt,
    ReleaseExecuteHandler releaseExecute,
    ReleaseSessionHandler releaseSession,
    FetchErrorDetailsHandler fetchErrorDetails,
    CloneSessionHandler cloneSession) {}
