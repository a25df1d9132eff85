package dev.vxconnect.e2e.security;

import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.testkit.ConfigRequests;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.apache.spark.connect.proto.AddArtifactsRequest;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.ArtifactStatusesRequest;
import org.apache.spark.connect.proto.CloneSessionRequest;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.FetchErrorDetailsRequest;
import org.apache.spark.connect.proto.InterruptRequest;
import org.apache.spark.connect.proto.KeyValue;
import org.apache.spark.connect.proto.Limit;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.ReleaseExecuteRequest;
import org.apache.spark.connect.proto.ReleaseSessionRequest;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.UserContext;
import org.sparkproject.com.google.protobuf.MessageLite;

/**
 * What the fuzzer sends: valid requests of every RPC (the seeds), their mutations (bit flips,
 * truncation, splicing, inserted and repeated bytes), random bytes, plans nested thousands deep,
 * huge fields, invalid ids and artifact names that try to escape. All from one seeded Random.
 */
final class FuzzCorpus {

  /** The 11 RPCs and their kinds. */
  enum Rpc {
    EXECUTE_PLAN("ExecutePlan", Kind.SERVER_STREAM),
    ANALYZE_PLAN("AnalyzePlan", Kind.UNARY),
    CONFIG("Config", Kind.UNARY),
    ADD_ARTIFACTS("AddArtifacts", Kind.CLIENT_STREAM),
    ARTIFACT_STATUS("ArtifactStatus", Kind.UNARY),
    INTERRUPT("Interrupt", Kind.UNARY),
    REATTACH_EXECUTE("ReattachExecute", Kind.SERVER_STREAM),
    RELEASE_EXECUTE("ReleaseExecute", Kind.UNARY),
    RELEASE_SESSION("ReleaseSession", Kind.UNARY),
    FETCH_ERROR_DETAILS("FetchErrorDetails", Kind.UNARY),
    CLONE_SESSION("CloneSession", Kind.UNARY);

    final String method;
    final Kind kind;

    Rpc(String method, Kind kind) {
      this.method = method;
      this.kind = kind;
    }
  }

  enum Kind {
    UNARY,
    SERVER_STREAM,
    CLIENT_STREAM
  }

  /** One call: its RPC and the messages it sends (client streams may send several). */
  record Request(Rpc rpc, List<byte[]> messages, String how) {}

  static final String[] BAD_ARTIFACT_NAMES = {
    "../../x",
    "/etc/passwd",
    "jars/../../x.jar",
    "jars/../../../tmp/x.jar",
    "cache/../../x",
    "forward_to_fs/tmp/vxconnect-fuzz",
    "forward_to_fs/etc/passwd",
    "classes/./a.class",
    "archives/a.zip#../../x",
    "archives/../a.zip#b",
    "jars//x.jar",
    "jars\\..\\x.jar",
    "jars/x\0.jar",
    "",
    "jars",
    "files/" + "a".repeat(5000),
    "pyfiles/~/x.py",
    "cache/%2e%2e/x"
  };
  static final String[] BAD_IDS = {
    "",
    "not-a-uuid",
    "00000000-0000-0000-0000-00000000000g",
    "../../x",
    "'; drop table x; --",
    "\0",
    "\uD800",
    "z".repeat(300)
  };

  private final Random random;
  private final List<String> sessions = new ArrayList<>();
  private final UserContext user =
      UserContext.newBuilder().setUserId("fuzzer").setUserName("fuzzer").build();
  private final Map<Rpc, List<byte[]>> seeds = new EnumMap<>(Rpc.class);

  FuzzCorpus(long seed) {
    random = new Random(seed);
    for (int i = 0; i < 8; i++) {
      sessions.add(new UUID(random.nextLong(), random.nextLong()).toString());
    }
    for (Rpc rpc : Rpc.values()) {
      seeds.put(rpc, new ArrayList<>());
    }
    for (String session : sessions) {
      addSeeds(session);
    }
  }

  List<byte[]> seeds(Rpc rpc) {
    return seeds.get(rpc);
  }

  private String session() {
    return sessions.get(random.nextInt(sessions.size()));
  }

  private static Plan sql(String query) {
    return RawGrpc.sqlQuery(query);
  }

  private void addSeed(Rpc rpc, MessageLite request) {
    seeds.get(rpc).add(request.toByteArray());
  }

  private void addSeeds(String session) {
    String op = UUID.randomUUID().toString();
    // Plans the driver answers alone (no Spark job), so that the valid and barely changed ones
    // stay cheap; the fuzzing is about the server, not about Spark's executors.
    List<Plan> plans =
        List.of(
            sql("select 1 as one"),
            sql("select 'a' as s, 2 as n, current_date() as d"),
            sql("select * from values (1, 'x'), (2, 'y') as t(a, b)"),
            RawGrpc.sqlCommand("create or replace temp view fuzz_view as select 1 as x"),
            Plan.newBuilder()
                .setRoot(
                    Relation.newBuilder()
                        .setLimit(
                            Limit.newBuilder()
                                .setLimit(3)
                                .setInput(
                                    Relation.newBuilder()
                                        .setSql(
                                            SQL.newBuilder().setQuery("select * from fuzz_view")))))
                .build());
    for (Plan plan : plans) {
      addSeed(
          Rpc.EXECUTE_PLAN,
          ExecutePlanRequest.newBuilder()
              .setSessionId(session)
              .setUserContext(user)
              .setOperationId(UUID.randomUUID().toString())
              .setPlan(plan)
              .addTags("fuzz")
              .addRequestOptions(RawGrpc.reattachable(random.nextBoolean()))
              .build());
      if (plan.hasRoot()) {
        addSeed(
            Rpc.ANALYZE_PLAN,
            analyze(session)
                .setSchema(AnalyzePlanRequest.Schema.newBuilder().setPlan(plan))
                .build());
        addSeed(
            Rpc.ANALYZE_PLAN,
            analyze(session)
                .setExplain(
                    AnalyzePlanRequest.Explain.newBuilder()
                        .setPlan(plan)
                        .setExplainMode(
                            AnalyzePlanRequest.Explain.ExplainMode.EXPLAIN_MODE_EXTENDED))
                .build());
        addSeed(
            Rpc.ANALYZE_PLAN,
            analyze(session)
                .setSemanticHash(AnalyzePlanRequest.SemanticHash.newBuilder().setPlan(plan))
                .build());
      }
    }
    addSeed(
        Rpc.ANALYZE_PLAN,
        analyze(session).setSparkVersion(AnalyzePlanRequest.SparkVersion.newBuilder()).build());
    addSeed(
        Rpc.ANALYZE_PLAN,
        analyze(session)
            .setDdlParse(AnalyzePlanRequest.DDLParse.newBuilder().setDdlString("a int, b string"))
            .build());
    ConfigRequest.Operation[] operations = {
      ConfigRequests.set("spark.sql.shuffle.partitions", "3"),
      ConfigRequest.Operation.newBuilder()
          .setGet(ConfigRequest.Get.newBuilder().addKeys("spark.sql.shuffle.partitions"))
          .build(),
      ConfigRequest.Operation.newBuilder()
          .setGetAll(ConfigRequest.GetAll.newBuilder().setPrefix("spark.sql"))
          .build(),
      ConfigRequest.Operation.newBuilder()
          .setUnset(ConfigRequest.Unset.newBuilder().addKeys("fuzz.key"))
          .build(),
      ConfigRequest.Operation.newBuilder()
          .setIsModifiable(ConfigRequest.IsModifiable.newBuilder().addKeys("spark.master"))
          .build(),
      ConfigRequest.Operation.newBuilder()
          .setGetWithDefault(
              ConfigRequest.GetWithDefault.newBuilder()
                  .addPairs(KeyValue.newBuilder().setKey("fuzz.key").setValue("d")))
          .build()
    };
    for (ConfigRequest.Operation operation : operations) {
      addSeed(
          Rpc.CONFIG,
          ConfigRequest.newBuilder()
              .setSessionId(session)
              .setUserContext(user)
              .setOperation(operation)
              .build());
    }
    byte[] data = "fuzz artifact".getBytes(StandardCharsets.UTF_8);
    for (String name : List.of("cache/" + "ab".repeat(32), "files/fuzz.txt", "jars/fuzz.jar")) {
      addSeed(Rpc.ADD_ARTIFACTS, RawGrpc.addArtifact(session, user, name, data));
    }
    addSeed(
        Rpc.ADD_ARTIFACTS,
        AddArtifactsRequest.newBuilder()
            .setSessionId(session)
            .setUserContext(user)
            .setBeginChunk(
                AddArtifactsRequest.BeginChunkedArtifact.newBuilder()
                    .setName("files/chunked.txt")
                    .setTotalBytes(data.length)
                    .setNumChunks(1)
                    .setInitialChunk(RawGrpc.artifactChunk(data)))
            .build());
    addSeed(
        Rpc.ARTIFACT_STATUS, artifactStatuses(session, "cache/" + "ab".repeat(32), "jars/x.jar"));
    addSeed(
        Rpc.INTERRUPT,
        InterruptRequest.newBuilder()
            .setSessionId(session)
            .setUserContext(user)
            .setInterruptType(InterruptRequest.InterruptType.INTERRUPT_TYPE_TAG)
            .setOperationTag("fuzz")
            .build());
    addSeed(
        Rpc.INTERRUPT,
        InterruptRequest.newBuilder()
            .setSessionId(session)
            .setUserContext(user)
            .setInterruptType(InterruptRequest.InterruptType.INTERRUPT_TYPE_OPERATION_ID)
            .setOperationId(op)
            .build());
    addSeed(
        Rpc.REATTACH_EXECUTE,
        RawGrpc.reattach(session, user, op)
            .setLastResponseId(UUID.randomUUID().toString())
            .build());
    addSeed(Rpc.RELEASE_EXECUTE, RawGrpc.releaseAll(session, user, op));
    addSeed(
        Rpc.RELEASE_EXECUTE,
        ReleaseExecuteRequest.newBuilder()
            .setSessionId(session)
            .setUserContext(user)
            .setOperationId(op)
            .setReleaseUntil(
                ReleaseExecuteRequest.ReleaseUntil.newBuilder()
                    .setResponseId(UUID.randomUUID().toString()))
            .build());
    addSeed(Rpc.RELEASE_SESSION, releaseSession(session).setAllowReconnect(true).build());
    addSeed(
        Rpc.FETCH_ERROR_DETAILS,
        FetchErrorDetailsRequest.newBuilder()
            .setSessionId(session)
            .setUserContext(user)
            .setErrorId(UUID.randomUUID().toString())
            .build());
    addSeed(
        Rpc.CLONE_SESSION,
        CloneSessionRequest.newBuilder()
            .setSessionId(session)
            .setUserContext(user)
            .setNewSessionId(UUID.randomUUID().toString())
            .build());
  }

  private AnalyzePlanRequest.Builder analyze(String session) {
    return AnalyzePlanRequest.newBuilder().setSessionId(session).setUserContext(user);
  }

  private ArtifactStatusesRequest artifactStatuses(String session, String... names) {
    return ArtifactStatusesRequest.newBuilder()
        .setSessionId(session)
        .setUserContext(user)
        .addAllNames(List.of(names))
        .build();
  }

  private ReleaseSessionRequest.Builder releaseSession(String session) {
    return ReleaseSessionRequest.newBuilder().setSessionId(session).setUserContext(user);
  }

  /** The next request of the bulk run: mostly mutations, some random bytes and crafted cases. */
  Request next() {
    Rpc rpc = Rpc.values()[random.nextInt(Rpc.values().length)];
    int dice = random.nextInt(100);
    if (dice < 70) {
      return new Request(rpc, messages(rpc, this::mutated), "mutated");
    } else if (dice < 80) {
      return new Request(rpc, messages(rpc, r -> randomBytes(random.nextInt(512))), "random");
    } else if (dice < 84) {
      return new Request(rpc, messages(rpc, this::seed), "valid");
    } else if (dice < 93) {
      return badIds(rpc);
    } else if (dice < 98) {
      return badArtifactNames();
    }
    boolean execute = random.nextBoolean();
    int depth = DEPTHS[random.nextInt(DEPTHS.length)];
    return deepPlans.computeIfAbsent(
        (execute ? "e" : "a") + depth,
        k -> deepPlan(execute ? Rpc.EXECUTE_PLAN : Rpc.ANALYZE_PLAN, depth));
  }

  /** Depths of the nested plans mixed into the bulk: within, just over and far over the limit. */
  private static final int[] DEPTHS = {20, 150, 520, 2000};

  private final Map<String, Request> deepPlans = new HashMap<>();

  private List<byte[]> messages(Rpc rpc, Function<Rpc, byte[]> one) {
    int count = rpc.kind == Kind.CLIENT_STREAM ? 1 + random.nextInt(3) : 1;
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      messages.add(one.apply(rpc));
    }
    return messages;
  }

  private byte[] seed(Rpc rpc) {
    List<byte[]> list = seeds.get(rpc);
    return list.get(random.nextInt(list.size()));
  }

  byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  /** A seed changed by one of: bit flips, truncation, splicing with another seed, inserted or repeated bytes. */
  byte[] mutated(Rpc rpc) {
    byte[] base = seed(rpc).clone();
    switch (random.nextInt(5)) {
      case 0 -> {
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips && base.length > 0; i++) {
          base[random.nextInt(base.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return base;
      }
      case 1 -> {
        return Arrays.copyOf(base, random.nextInt(base.length + 1));
      }
      case 2 -> {
        byte[] other = seed(Rpc.values()[random.nextInt(Rpc.values().length)]);
        int cut = random.nextInt(base.length + 1);
        int from = random.nextInt(other.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(base, 0, cut);
        out.write(other, from, other.length - from);
        return out.toByteArray();
      }
      case 3 -> {
        int at = random.nextInt(base.length + 1);
        byte[] inserted = randomBytes(1 + random.nextInt(16));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(base, 0, at);
        out.write(inserted, 0, inserted.length);
        out.write(base, at, base.length - at);
        return out.toByteArray();
      }
      default -> {
        int from = random.nextInt(base.length);
        int length = 1 + random.nextInt(Math.min(64, base.length - from));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(base, 0, from + length);
        for (int i = 0; i < 1 + random.nextInt(50); i++) {
          out.write(base, from, length);
        }
        out.write(base, from + length, base.length - from - length);
        return out.toByteArray();
      }
    }
  }

  /** A valid request of {@code rpc} whose session or operation id is malformed. */
  private Request badIds(Rpc rpc) {
    String bad = BAD_IDS[random.nextInt(BAD_IDS.length)];
    String session = random.nextBoolean() ? bad : session();
    String op = random.nextBoolean() ? bad : UUID.randomUUID().toString();
    byte[] message =
        switch (rpc) {
          case EXECUTE_PLAN ->
              ExecutePlanRequest.newBuilder()
                  .setSessionId(session)
                  .setUserContext(user)
                  .setOperationId(op)
                  .setPlan(sql("select 1"))
                  .build()
                  .toByteArray();
          case REATTACH_EXECUTE ->
              RawGrpc.reattach(session, user, op).setLastResponseId(bad).build().toByteArray();
          case RELEASE_EXECUTE ->
              ReleaseExecuteRequest.newBuilder()
                  .setSessionId(session)
                  .setUserContext(user)
                  .setOperationId(op)
                  .setReleaseUntil(
                      ReleaseExecuteRequest.ReleaseUntil.newBuilder().setResponseId(bad))
                  .build()
                  .toByteArray();
          case INTERRUPT ->
              InterruptRequest.newBuilder()
                  .setSessionId(session)
                  .setUserContext(user)
                  .setInterruptTypeValue(random.nextInt(6))
                  .setOperationId(op)
                  .build()
                  .toByteArray();
          case CLONE_SESSION ->
              CloneSessionRequest.newBuilder()
                  .setSessionId(session())
                  .setUserContext(user)
                  .setNewSessionId(bad)
                  .build()
                  .toByteArray();
          case FETCH_ERROR_DETAILS ->
              FetchErrorDetailsRequest.newBuilder()
                  .setSessionId(session)
                  .setUserContext(user)
                  .setErrorId(bad)
                  .build()
                  .toByteArray();
          case CONFIG -> RawGrpc.configGet(session, user, bad).toByteArray();
          default -> releaseSession(bad).build().toByteArray();
        };
    return new Request(
        rpc == Rpc.ADD_ARTIFACTS || rpc == Rpc.ANALYZE_PLAN || rpc == Rpc.ARTIFACT_STATUS
            ? Rpc.RELEASE_SESSION
            : rpc,
        List.of(message),
        "bad id");
  }

  /** Artifact names that try to leave the session's directory, uploaded or asked about. */
  private Request badArtifactNames() {
    String name = BAD_ARTIFACT_NAMES[random.nextInt(BAD_ARTIFACT_NAMES.length)];
    if (random.nextBoolean()) {
      return new Request(
          Rpc.ARTIFACT_STATUS,
          List.of(artifactStatuses(session(), name).toByteArray()),
          "bad artifact name");
    }
    byte[] data = randomBytes(random.nextInt(64));
    return new Request(
        Rpc.ADD_ARTIFACTS,
        List.of(RawGrpc.addArtifact(session(), user, name, data).toByteArray()),
        "bad artifact name");
  }

  /** An ExecutePlan or AnalyzePlan whose plan is {@code depth} Limits deep (written by hand: no recursion). */
  Request deepPlan(Rpc rpc, int depth) {
    byte[] relation =
        Relation.newBuilder().setSql(SQL.newBuilder().setQuery("select 1")).build().toByteArray();
    for (int i = 0; i < depth; i++) {
      ByteArrayOutputStream limit = new ByteArrayOutputStream();
      field(limit, Limit.INPUT_FIELD_NUMBER, relation);
      tag(limit, Limit.LIMIT_FIELD_NUMBER, 0);
      varint(limit, 1);
      ByteArrayOutputStream outer = new ByteArrayOutputStream();
      field(outer, Relation.LIMIT_FIELD_NUMBER, limit.toByteArray());
      relation = outer.toByteArray();
    }
    ByteArrayOutputStream plan = new ByteArrayOutputStream();
    field(plan, Plan.ROOT_FIELD_NUMBER, relation);
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    if (rpc == Rpc.EXECUTE_PLAN) {
      byte[] head =
          ExecutePlanRequest.newBuilder()
              .setSessionId(session())
              .setUserContext(user)
              .build()
              .toByteArray();
      request.write(head, 0, head.length);
      field(request, ExecutePlanRequest.PLAN_FIELD_NUMBER, plan.toByteArray());
    } else {
      byte[] head = analyze(session()).build().toByteArray();
      request.write(head, 0, head.length);
      ByteArrayOutputStream schema = new ByteArrayOutputStream();
      field(schema, AnalyzePlanRequest.Schema.PLAN_FIELD_NUMBER, plan.toByteArray());
      field(request, AnalyzePlanRequest.SCHEMA_FIELD_NUMBER, schema.toByteArray());
    }
    return new Request(rpc, List.of(request.toByteArray()), "nested " + depth);
  }

  /** A Config get whose key (or an ExecutePlan whose SQL text, or a session id) is {@code size} bytes. */
  Request huge(int size) {
    String big = "k".repeat(size);
    return switch (random.nextInt(3)) {
      case 0 ->
          new Request(
              Rpc.CONFIG,
              List.of(RawGrpc.configGet(session(), user, big).toByteArray()),
              "huge config key " + size);
      case 1 ->
          new Request(
              Rpc.RELEASE_SESSION,
              List.of(releaseSession(big).build().toByteArray()),
              "huge session id " + size);
      default ->
          new Request(
              Rpc.ARTIFACT_STATUS,
              List.of(artifactStatuses(session(), big).toByteArray()),
              "huge artifact name " + size);
    };
  }

  private static void field(ByteArrayOutputStream out, int number, byte[] bytes) {
    tag(out, number, 2);
    varint(out, bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  private static void tag(ByteArrayOutputStream out, int number, int wireType) {
    varint(out, ((long) number << 3) | wireType);
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
