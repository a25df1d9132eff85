package dev.vxconnect.server;

import dev.vxconnect.cluster.ClusterOptions;
import dev.vxconnect.cluster.jdbc.JdbcSettings;
import dev.vxconnect.planner.EngineOptions;
import dev.vxconnect.server.config.AdminOptions;
import dev.vxconnect.server.config.AuthOptions;
import dev.vxconnect.server.config.ExecutionOptions;
import dev.vxconnect.server.config.ServerOptions;
import dev.vxconnect.server.config.SessionOptions;
import dev.vxconnect.server.config.TlsOptions;
import dev.vxconnect.server.routing.ClusterSecret;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything the server is configured with, as options objects; {@code clusterSecret} is present
 * whenever the instance is a cluster member.
 */
public record ServerConfig(
    ServerOptions server,
    SessionOptions sessions,
    ExecutionOptions execution,
    EngineOptions engine,
    ClusterOptions cluster,
    Path artifactsDir,
    TlsOptions tls,
    AuthOptions auth,
    AdminOptions admin,
    Optional<JdbcSettings> state,
    Optional<ClusterSecret> clusterSecret) {}
