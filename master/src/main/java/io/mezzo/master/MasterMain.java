package io.mezzo.master;

import io.mezzo.master.api.ApiLimits;
import io.mezzo.master.auth.BasicAuthenticator;
import io.mezzo.master.auth.Credentials;
import io.mezzo.node.tls.NodeTls;
import io.mezzo.master.auth.HttpAuthentication;
import io.mezzo.master.auth.HttpAuthentication.Realm;
import io.mezzo.master.auth.LocalAuthorizer;
import io.mezzo.master.spi.Authorizer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mezzo master}: runs one master until SIGTERM. Every flag has a MEZZO_ environment variable. */
@Command(name = "master", mixinStandardHelpOptions = true,
    description = "Runs a Mezzo master: joins the election in ZooKeeper and, while leading, serves the scheduler API.")
public final class MasterMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(MasterMain.class);

  @Option(names = "--zk", required = true, defaultValue = "${env:MEZZO_ZK}",
      description = "ZooKeeper URL, zk://[user:password@]host[:port][,host[:port]...]/path (MEZZO_ZK)")
  String zk;

  @Option(names = "--ip", defaultValue = "${env:MEZZO_IP:-" + MasterConfig.DEFAULT_IP + "}",
      description = "Address to listen on and advertise (MEZZO_IP, default ${DEFAULT-VALUE})")
  String ip;

  @Option(names = "--hostname", defaultValue = "${env:MEZZO_HOSTNAME}",
      description = "Host name to advertise (MEZZO_HOSTNAME, default: the ip)")
  String hostname;

  @Option(names = "--port", defaultValue = "${env:MEZZO_PORT:-" + MasterConfig.DEFAULT_PORT + "}",
      description = "HTTP port; 0 picks a free one (MEZZO_PORT, default ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--allocation-interval",
      defaultValue = "${env:MEZZO_ALLOCATION_INTERVAL:-" + MasterConfig.DEFAULT_ALLOCATION_INTERVAL + "}",
      converter = DurationFlag.class,
      description = "Time between batch allocation rounds (MEZZO_ALLOCATION_INTERVAL, default ${DEFAULT-VALUE})")
  Duration allocationInterval;

  @Option(names = "--agent-reregister-timeout",
      defaultValue = "${env:MEZZO_AGENT_REREGISTER_TIMEOUT:-" + MasterConfig.DEFAULT_AGENT_REREGISTER_TIMEOUT + "}",
      converter = DurationFlag.class,
      description = "How long a disconnected agent may take to re-register before its tasks are lost"
          + " (MEZZO_AGENT_REREGISTER_TIMEOUT, default ${DEFAULT-VALUE})")
  Duration agentReregisterTimeout;

  @Option(names = "--zk-session-timeout",
      defaultValue = "${env:MEZZO_ZK_SESSION_TIMEOUT:-" + MasterConfig.DEFAULT_ZK_SESSION_TIMEOUT + "}",
      converter = DurationFlag.class,
      description = "ZooKeeper session timeout: a leader cut off from ZooKeeper this long loses leadership"
          + " (MEZZO_ZK_SESSION_TIMEOUT, default ${DEFAULT-VALUE})")
  Duration zkSessionTimeout;

  @Option(names = "--agent-ping-timeout",
      defaultValue = "${env:MEZZO_AGENT_PING_TIMEOUT:-" + MasterConfig.DEFAULT_AGENT_PING_TIMEOUT + "}",
      converter = DurationFlag.class,
      description = "How often the master pings each agent (MEZZO_AGENT_PING_TIMEOUT, default ${DEFAULT-VALUE})")
  Duration agentPingTimeout;

  @Option(names = "--max-agent-ping-timeouts",
      defaultValue = "${env:MEZZO_MAX_AGENT_PING_TIMEOUTS:-" + MasterConfig.DEFAULT_MAX_AGENT_PING_TIMEOUTS + "}",
      description = "Unanswered pings after which an agent is unreachable"
          + " (MEZZO_MAX_AGENT_PING_TIMEOUTS, default ${DEFAULT-VALUE})")
  int maxAgentPingTimeouts;

  @Option(names = "--agent-removal-timeout",
      defaultValue = "${env:MEZZO_AGENT_REMOVAL_TIMEOUT:-" + MasterConfig.DEFAULT_AGENT_REMOVAL_TIMEOUT + "}",
      converter = DurationFlag.class,
      description = "How long an unreachable agent may take to come back before it is gone for good"
          + " (MEZZO_AGENT_REMOVAL_TIMEOUT, default ${DEFAULT-VALUE})")
  Duration agentRemovalTimeout;

  @Option(names = "--allocator", defaultValue = "${env:MEZZO_ALLOCATOR:-" + MasterConfig.DEFAULT_ALLOCATOR + "}",
      description = "Allocator to use (MEZZO_ALLOCATOR, default ${DEFAULT-VALUE})")
  String allocator;

  @Option(names = "--offer-timeout", defaultValue = "${env:MEZZO_OFFER_TIMEOUT}", converter = DurationFlag.class,
      description = "Rescind offers outstanding for longer than this (MEZZO_OFFER_TIMEOUT, default: never)")
  Duration offerTimeout;

  @Option(names = "--min-allocatable-resources",
      defaultValue = "${env:MEZZO_MIN_ALLOCATABLE_RESOURCES:-" + MasterConfig.DEFAULT_MIN_ALLOCATABLE_RESOURCES + "}",
      description = "Smallest offer: '|' separates alternatives, ';' joins quantities"
          + " (MEZZO_MIN_ALLOCATABLE_RESOURCES, default ${DEFAULT-VALUE})")
  String minAllocatableResources;

  @Option(names = "--offer-history",
      defaultValue = "${env:MEZZO_OFFER_HISTORY:-" + MasterConfig.DEFAULT_OFFER_HISTORY + "}",
      description = "How many recent offer events the leader keeps and sends to a new operator-stream subscriber,"
          + " 0..1000000 (MEZZO_OFFER_HISTORY, default ${DEFAULT-VALUE})")
  int offerHistory;

  @Option(names = "--max-completed-frameworks",
      defaultValue = "${env:MEZZO_MAX_COMPLETED_FRAMEWORKS:-" + MasterConfig.DEFAULT_MAX_COMPLETED_FRAMEWORKS + "}",
      description = "How many removed frameworks the leader keeps, with their ended tasks, for the operator API,"
          + " 0..1000000 (MEZZO_MAX_COMPLETED_FRAMEWORKS, default ${DEFAULT-VALUE})")
  int maxCompletedFrameworks;

  @Option(names = "--max-completed-tasks-per-framework",
      defaultValue = "${env:MEZZO_MAX_COMPLETED_TASKS_PER_FRAMEWORK:-"
          + MasterConfig.DEFAULT_MAX_COMPLETED_TASKS_PER_FRAMEWORK + "}",
      description = "How many ended tasks the leader keeps per framework for the operator API, 0..1000000"
          + " (MEZZO_MAX_COMPLETED_TASKS_PER_FRAMEWORK, default ${DEFAULT-VALUE})")
  int maxCompletedTasksPerFramework;

  @Option(names = "--max-operator-event-stream-subscribers",
      defaultValue = "${env:MEZZO_MAX_OPERATOR_EVENT_STREAM_SUBSCRIBERS:-"
          + MasterConfig.DEFAULT_MAX_OPERATOR_EVENT_STREAM_SUBSCRIBERS + "}",
      description = "Operator event streams open at once; one more closes the oldest, 1..1000000"
          + " (MEZZO_MAX_OPERATOR_EVENT_STREAM_SUBSCRIBERS, default ${DEFAULT-VALUE})")
  int maxOperatorEventStreamSubscribers;

  @Option(names = "--max-subscriptions-per-principal",
      defaultValue = "${env:MEZZO_MAX_SUBSCRIPTIONS_PER_PRINCIPAL:-" + ApiLimits.DEFAULT_SUBSCRIPTIONS_PER_PRINCIPAL + "}",
      description = "Event streams (framework and operator subscriptions together) one authenticated principal may"
          + " hold open; one more gets 429 (MEZZO_MAX_SUBSCRIPTIONS_PER_PRINCIPAL, default ${DEFAULT-VALUE})")
  int maxSubscriptionsPerPrincipal;

  @Option(names = "--max-inflight-body-bytes", defaultValue = "${env:MEZZO_MAX_INFLIGHT_BODY_BYTES}",
      converter = ByteSizeFlag.class,
      description = "Memory all request bodies being read may take together; beyond it requests get 503"
          + " with Retry-After (MEZZO_MAX_INFLIGHT_BODY_BYTES, default: a quarter of the maximum heap)")
  Long maxInflightBodyBytes;

  @Option(names = "--max-call-body-bytes", defaultValue = "${env:MEZZO_MAX_CALL_BODY_BYTES:-4MB}",
      converter = ByteSizeFlag.class,
      description = "Largest body of a scheduler or agent call; larger ones get 413"
          + " (MEZZO_MAX_CALL_BODY_BYTES, default ${DEFAULT-VALUE})")
  long maxCallBodyBytes;

  @Option(names = "--max-operator-body-bytes", defaultValue = "${env:MEZZO_MAX_OPERATOR_BODY_BYTES:-1MB}",
      converter = ByteSizeFlag.class,
      description = "Largest body of an operator API call; larger ones get 413"
          + " (MEZZO_MAX_OPERATOR_BODY_BYTES, default ${DEFAULT-VALUE})")
  long maxOperatorBodyBytes;

  @Option(names = "--max-stream-queue-bytes", defaultValue = "${env:MEZZO_MAX_STREAM_QUEUE_BYTES:-8MB}",
      converter = ByteSizeFlag.class,
      description = "Unsent events one framework or agent stream may queue; a stream further behind is closed"
          + " (MEZZO_MAX_STREAM_QUEUE_BYTES, default ${DEFAULT-VALUE})")
  long maxStreamQueueBytes;

  @Option(names = "--body-read-timeout", defaultValue = "${env:MEZZO_BODY_READ_TIMEOUT:-20s}",
      converter = DurationFlag.class,
      description = "How long a request's body may take to arrive; a slower one gets 408 and its connection is"
          + " closed (MEZZO_BODY_READ_TIMEOUT, default ${DEFAULT-VALUE})")
  Duration bodyReadTimeout;

  @Option(names = "--credentials", defaultValue = "${env:MEZZO_CREDENTIALS}",
      description = "Principals and secrets in Mesos's JSON ({\"credentials\":[{\"principal\":…,\"secret\":…}]}),"
          + " a path or file:// URL; needed by the --authenticate-* flags (MEZZO_CREDENTIALS)")
  String credentials;

  @Option(names = "--authenticate-http-frameworks", defaultValue = "${env:MEZZO_AUTHENTICATE_HTTP_FRAMEWORKS:-false}",
      description = "Frameworks must send HTTP Basic credentials on the scheduler API; FrameworkInfo.principal must be"
          + " theirs (MEZZO_AUTHENTICATE_HTTP_FRAMEWORKS, default ${DEFAULT-VALUE})")
  boolean authenticateHttpFrameworks;

  @Option(names = "--authenticate-http-readonly", defaultValue = "${env:MEZZO_AUTHENTICATE_HTTP_READONLY:-false}",
      description = "Operator reads, /state, /metrics and explain need HTTP Basic credentials"
          + " (MEZZO_AUTHENTICATE_HTTP_READONLY, default ${DEFAULT-VALUE})")
  boolean authenticateHttpReadonly;

  @Option(names = "--authenticate-http-readwrite", defaultValue = "${env:MEZZO_AUTHENTICATE_HTTP_READWRITE:-false}",
      description = "Operator calls that change something need HTTP Basic credentials"
          + " (MEZZO_AUTHENTICATE_HTTP_READWRITE, default ${DEFAULT-VALUE})")
  boolean authenticateHttpReadwrite;

  @Option(names = "--acls", defaultValue = "${env:MEZZO_ACLS}",
      description = "Mesos-style ACLs as JSON, or a path or file:// URL to them; once given, what no rule allows is"
          + " refused unless they say \"permissive\": true (MEZZO_ACLS)")
  String acls;

  @Option(names = "--tls-cert", defaultValue = "${env:MEZZO_TLS_CERT}",
      description = "The master's certificate (PEM); with --tls-key, every endpoint is served over HTTPS only"
          + " (MEZZO_TLS_CERT)")
  String tlsCert;

  @Option(names = "--tls-key", defaultValue = "${env:MEZZO_TLS_KEY}",
      description = "The private key of --tls-cert (PEM) (MEZZO_TLS_KEY)")
  String tlsKey;

  @Option(names = "--ca-cert", defaultValue = "${env:MEZZO_CA_CERT}",
      description = "The cluster CA (PEM); with --tls-cert, the agent channel takes only agents presenting a"
          + " certificate this CA signed (MEZZO_CA_CERT)")
  String caCert;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    MasterConfig config;
    try {
      MasterVerticle.allocator(allocator);
      io.mezzo.discovery.ZkUrl.parse(zk);
      config = MasterConfig.builder().zk(zk).ip(ip).hostname(hostname).port(port)
          .allocationInterval(allocationInterval).agentReregisterTimeout(agentReregisterTimeout)
          .zkSessionTimeout(zkSessionTimeout)
          .agentPingTimeout(agentPingTimeout).maxAgentPingTimeouts(maxAgentPingTimeouts)
          .agentRemovalTimeout(agentRemovalTimeout)
          .allocator(allocator).offerTimeout(offerTimeout).minAllocatableResources(minAllocatableResources)
          .offerHistory(offerHistory).maxCompletedFrameworks(maxCompletedFrameworks)
          .maxCompletedTasksPerFramework(maxCompletedTasksPerFramework)
          .maxOperatorEventStreamSubscribers(maxOperatorEventStreamSubscribers).limits(limits())
          .authentication(authentication(), credentials)
          .authorizer(acls == null || acls.isBlank() ? Authorizer.PERMISSIVE : LocalAuthorizer.parse(acls), acls)
          .tls(tls())
          .build();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Master master = new Master(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        master.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("Master did not stop cleanly", e);
      }
      stopped.countDown();
    }, "master-shutdown"));
    try {
      master.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.error("Master failed to start: {}", e.getCause() == null ? e.toString() : e.getCause().getMessage());
      master.close();
      return 1;
    }
    stopped.await();
    return 0;
  }

  /** The realms the flags put behind credentials; the credentials file is read here, once. */
  HttpAuthentication authentication() {
    Set<Realm> realms = EnumSet.noneOf(Realm.class);
    if (authenticateHttpFrameworks) {
      realms.add(Realm.SCHEDULER);
    }
    if (authenticateHttpReadonly) {
      realms.add(Realm.READONLY);
    }
    if (authenticateHttpReadwrite) {
      realms.add(Realm.READWRITE);
    }
    boolean given = credentials != null && !credentials.isBlank();
    return HttpAuthentication.of(given ? new BasicAuthenticator(Credentials.read(credentials)) : null, realms);
  }

  /** The TLS files the flags name; a CA without a certificate is refused, since it would check nothing. */
  NodeTls tls() {
    NodeTls tls = NodeTls.of(tlsCert, tlsKey, caCert);
    if (tls.verifies() && !tls.serves()) {
      throw new IllegalArgumentException("--ca-cert needs --tls-cert and --tls-key: the master checks agents'"
          + " certificates only over TLS");
    }
    return tls;
  }

  ApiLimits limits() {
    return new ApiLimits(maxInflightBodyBytes != null ? maxInflightBodyBytes : ApiLimits.defaultInflightBodyBytes(),
        maxCallBodyBytes, maxOperatorBodyBytes, maxStreamQueueBytes, bodyReadTimeout, maxSubscriptionsPerPrincipal);
  }

  /** This build's version, as GET_VERSION reports it (e.g. {@code 0.1.0-SNAPSHOT}). */
  public static String version() {
    return io.mezzo.master.api.MezzoVersion.get();
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new MasterMain()).execute(args));
  }
}
