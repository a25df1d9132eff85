# syntax=docker/dockerfile:1
# vxconnect server image: `docker build -t vxconnect:0.1.0-SNAPSHOT .` at the repository root.
# Stage 1 builds with the README's command; stage 2 is a JRE with the same layout bin/vxconnect runs
# from a distribution: bin/vxconnect, conf/, lib/ (vxconnect-server.jar and its runtime jars).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# Only the server's modules (the e2e tests need a machine of their own: mvn -B verify).
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests -pl verticles -am package

FROM eclipse-temurin:17-jre
# uid/gid 185, as the user of the official Apache Spark image: volumes both write (the warehouse)
# get one owner.
RUN groupadd --system --gid 185 vxconnect \
  && useradd --system --uid 185 --gid 185 --home-dir /opt/vxconnect --shell /usr/sbin/nologin vxconnect
ENV VXCONNECT_HOME=/opt/vxconnect \
    VXCONNECT_JAVA_OPTS="-XX:MaxRAMPercentage=70"
WORKDIR /opt/vxconnect
COPY --from=build /src/bin/vxconnect bin/vxconnect
COPY --from=build /src/conf/ conf/
COPY --from=build /src/verticles/target/lib/ lib/
COPY --from=build /src/verticles/target/vxconnect-server.jar lib/vxconnect-server.jar
# The image's defaults, after the documented ones: tables and uploads under /data (a volume to share).
RUN printf '\n# ---- Image defaults (Dockerfile) ----\nspark.sql.warehouse.dir /data/warehouse\nvxconnect.artifacts.stagingDir /data/artifacts\n' \
    >> conf/vxconnect.conf \
  && mkdir -p logs /data/warehouse /data/artifacts \
  && chown -R vxconnect:vxconnect logs /data
USER vxconnect
# 15002 Spark Connect (gRPC), 5701 Hazelcast, 7078/7079 the Spark driver and block manager when
# fixed with spark.driver.port / spark.blockManager.port (docs/deployment.md).
EXPOSE 15002 5701 7078 7079
# The gRPC port opens once Spark has started and warmed up; Kubernetes probes the gRPC health
# service itself (deploy/kubernetes), Docker has no gRPC client here: a TCP connect.
HEALTHCHECK --interval=10s --timeout=3s --start-period=180s --retries=3 \
  CMD bash -c '</dev/tcp/127.0.0.1/${SPARK_CONNECT_GRPC_BINDING_PORT:-15002}' || exit 1
# Foreground: the log goes to stderr (docker logs); SIGTERM stops gracefully.
# Arguments are bin/vxconnect's: `docker run vxconnect --master spark://host:7077 --conf k=v`.
ENTRYPOINT ["/opt/vxconnect/bin/vxconnect"]
