package io.mezzo.agent;

import io.mezzo.agent.support.MasterUrl;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.agent.runtime.cgroups.CgroupsMode;
import io.mezzo.v1.Protos.Resource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class AgentMainTest {
  private static final Path RUNC = Path.of("/usr/sbin/runc");

  @TempDir
  Path workDir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "--work-dir=WORK                                             | Missing required option '--master'",
      "--master=http://127.0.0.1:5050                              | Missing required option '--work-dir'",
      "--master=ftp://host --work-dir=WORK                         | Bad master URL 'ftp://host'",
      "--master=zk://host:2181 --work-dir=WORK                     | no path after the hosts",
      "--master=http://m:5050 --work-dir=WORK --runtimes=wasm      | runtime 'wasm' is not supported",
      "--master=http://m:5050 --work-dir=WORK --oci-runtime=/no/such/runc | '--oci-runtime': '/no/such/runc' is not an executable",
      "--master=http://m:5050 --work-dir=WORK --resources=cpus     | expected name:value",
      "--master=http://m:5050 --work-dir=WORK --resources=cpus(/eng):1 | is not a valid role",
      "--master=http://m:5050 --work-dir=WORK --attributes=rack:{a} | sets are not supported",
      "--master=http://m:5050 --work-dir=WORK --port=70000         | expected 0 to 65535",
      "--master=http://m:5050 --work-dir=WORK --port=abc           | --port",
      "--master=http://m:5050 --work-dir=WORK --bogus              | Unknown option",
      "--master=http://m:5050 --work-dir=FILE                      | is not a directory",
      "--master=http://m:5050 --work-dir=WORK --executor-registration-timeout=soon | is not a duration",
      "--master=http://m:5050 --work-dir=WORK --executor-registration-timeout=0secs | it must be positive",
      "--master=http://m:5050 --work-dir=WORK --cgroups=v3          | '--cgroups': 'v3' (expected auto or off)",
      "--master=http://m:5050 --work-dir=WORK --log-max-size=huge   | '--log-max-size': 'huge' is not a size",
      "--master=http://m:5050 --work-dir=WORK --log-max-size=-1MB   | '--log-max-size': '-1MB' is not a size",
      "--master=http://m:5050 --work-dir=WORK --log-max-size=0KB    | '--log-max-size': it must be positive",
      "--master=http://m:5050 --work-dir=WORK --log-max-files=0     | '--log-max-files': 0 (expected at least 1)",
      "--master=http://m:5050 --work-dir=WORK --log-max-files=-2    | '--log-max-files': -2 (expected at least 1)",
      "--master=http://m:5050 --work-dir=WORK --log-max-files=many  | --log-max-files",
      "--master=http://m:5050 --work-dir=WORK --recover=restart     | '--recover': 'restart' (expected reconnect or cleanup)",
      "--master=http://m:5050 --work-dir=WORK --max-operator-body-bytes=0 | operator body bytes must be positive",
      "--master=http://m:5050 --work-dir=WORK --max-inflight-body-bytes=lots | '--max-inflight-body-bytes': 'lots' is not a size",
      "--master=http://m:5050 --work-dir=WORK --body-read-timeout=0secs | The body read timeout must be positive",
      "--master=http://m:5050 --work-dir=WORK --tls-cert=FILE       | --tls-cert and --tls-key go together",
      "--master=http://m:5050 --work-dir=WORK --ca-cert=/no/ca.pem  | --ca-cert /no/ca.pem is not a readable file",
      "--master=https://m:5050 --work-dir=WORK                      | an https:// master needs --ca-cert",
      "--master=http://m:5050 --work-dir=WORK --authenticate-http-readonly | --authenticate-http-readonly needs credentials (--credentials)",
      "--master=http://m:5050 --work-dir=WORK --credentials=/no/creds.json | Cannot read the credentials file /no/creds.json",
      "--master=http://m:5050 --work-dir=WORK --credentials=FILE     | Invalid credentials file",
      "--master=http://m:5050 --work-dir=WORK --acls={\"access_sandboxes\":{}} | 'access_sandboxes' must be an array",
  })
  void badFlagsExitWithCodeTwoAndSayWhatIsWrong(String args, String message) throws Exception {
    Path file = Files.writeString(workDir.resolve("a-file"), "x");
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new AgentMain()).setErr(new PrintWriter(err));

    int exitCode = command.execute(args.replace("WORK", workDir.toString()).replace("FILE", file.toString()).split(" "));

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains(message);
    assertThat(workDir.resolve("agent.json")).doesNotExist();
  }

  @Test
  void securityFlagsAreReadOnceAndShownWithoutSecrets() throws Exception {
    Path credentials = Files.writeString(workDir.resolve("creds.json"),
        "{\"credentials\":[{\"principal\":\"ops\",\"secret\":\"ops-secret\"}]}");
    String acls = "{\"access_sandboxes\":[{\"principals\":{\"values\":[\"ops\"]},\"users\":{\"type\":\"ANY\"}}]}";
    AgentMain main = new AgentMain();
    main.dockerReachable = () -> false;
    main.agentIsRoot = () -> false;
    new CommandLine(main).parseArgs("--master", "http://m:5050", "--work-dir", workDir.toString(),
        "--credentials", credentials.toString(), "--authenticate-http-readonly", "--acls", acls);

    AgentConfig config = main.config();

    assertThat(config.security().authenticatesReadonly()).isTrue();
    assertThat(config.security().acls()).isPresent();
    assertThat(config.flags()).containsEntry("credentials", credentials.toString())
        .containsEntry("authenticate-http-readonly", "true").containsEntry("acls", acls);
    assertThat(config.flags().values()).noneMatch(value -> value.contains("ops-secret"));
  }

  @Test
  void flagsBecomeAConfigWithDetectedResources() {
    AgentMain main = new AgentMain();
    main.dockerReachable = () -> false;
    main.agentIsRoot = () -> false;
    new CommandLine(main).parseArgs(
        "--master", "zk://zk1:2181,zk2/mezzo", "--work-dir", workDir.toString(), "--port", "0",
        "--ip", "10.0.0.5", "--resources", "cpus:3;ports:[31000-31009]", "--attributes", "rack:r1",
        "--executor-registration-timeout", "90secs", "--cgroups", "OFF",
        "--log-max-size", "512KB", "--log-max-files", "2", "--max-inflight-body-bytes", "64MB",
        "--max-executor-body-bytes", "2MB", "--max-operator-body-bytes", "256KB", "--body-read-timeout", "5secs");

    AgentConfig config = main.config();

    assertThat(config.master()).isEqualTo(new MasterUrl.ZooKeeper(io.mezzo.discovery.ZkUrl.parse("zk://zk1:2181,zk2:2181/mezzo")));
    assertThat(config.ip()).isEqualTo("10.0.0.5");
    assertThat(config.hostname()).isEqualTo("10.0.0.5");
    assertThat(config.port()).isZero();
    assertThat(config.workDir()).isEqualTo(workDir.toAbsolutePath());
    assertThat(config.resources()).extracting(Resource::getName).containsExactly("cpus", "ports", "mem", "disk");
    assertThat(config.resources().get(0).getScalar().getValue()).isEqualTo(3.0);
    assertThat(config.attributes()).hasSize(1);
    assertThat(config.runtimes()).containsExactly("process");
    assertThat(config.executorRegistrationTimeout()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(config.cgroups()).isEqualTo(CgroupsMode.OFF);
    assertThat(config.logMaxSize()).isEqualTo(512 * 1024);
    assertThat(config.logMaxFiles()).isEqualTo(2);
    assertThat(config.ociRuntime()).isNull();
    assertThat(config.httpLimits()).isEqualTo(new io.mezzo.agent.http.HttpLimits(64L << 20, 2L << 20, 256L << 10,
        java.time.Duration.ofSeconds(5)));
  }

  @Test
  void defaultsApplyWhenNoFlagOrVariableIsGiven() {
    AgentMain main = new AgentMain();
    new CommandLine(main).parseArgs("--master", "http://m", "--work-dir", workDir.toString());

    assertThat(main.port).isEqualTo(System.getenv("MEZZO_PORT") == null ? 5051 : Integer.parseInt(System.getenv("MEZZO_PORT")));
    assertThat(main.config().master()).isEqualTo(new MasterUrl.Fixed("m", 5050));
    if (System.getenv("MEZZO_EXECUTOR_REGISTRATION_TIMEOUT") == null) {
      assertThat(main.config().executorRegistrationTimeout()).isEqualTo(java.time.Duration.ofMinutes(1));
    }
    if (System.getenv("MEZZO_CGROUPS") == null) {
      assertThat(main.config().cgroups()).isEqualTo(CgroupsMode.AUTO);
    }
    if (System.getenv("MEZZO_LOG_MAX_SIZE") == null) {
      assertThat(main.config().logMaxSize()).isEqualTo(10L * 1024 * 1024);
    }
    if (System.getenv("MEZZO_LOG_MAX_FILES") == null) {
      assertThat(main.config().logMaxFiles()).isEqualTo(5);
    }
    if (System.getenv("MEZZO_MAX_OPERATOR_BODY_BYTES") == null && System.getenv("MEZZO_BODY_READ_TIMEOUT") == null) {
      assertThat(main.config().httpLimits().operatorBodyBytes()).isEqualTo(1024 * 1024);
      assertThat(main.config().httpLimits().bodyReadTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
    }
  }

  @Test
  void runtimesAreDetectedWhenNoneAreAsked() {
    AgentMain withDocker = detecting(true, false, null);
    AgentMain withoutDocker = detecting(false, false, null);
    AgentMain rootWithRunc = detecting(false, true, RUNC);
    AgentMain rootWithoutRunc = detecting(true, true, null);
    AgentMain notRootWithRunc = detecting(false, false, RUNC);

    assertThat(withDocker.config().runtimes()).containsExactly("process", "docker");
    assertThat(withoutDocker.config().runtimes()).containsExactly("process");
    assertThat(rootWithRunc.config().runtimes()).containsExactly("process", "oci");
    assertThat(rootWithRunc.config().ociRuntime()).isEqualTo(RUNC);
    assertThat(rootWithoutRunc.config().runtimes()).containsExactly("process", "docker");
    assertThat(notRootWithRunc.config().runtimes()).containsExactly("process");
  }

  @Test
  void ociRuntimeNamesTheBinaryAndCrunIsTheFallback() {
    Path crun = Path.of("/usr/bin/crun");
    AgentMain named = new AgentMain();
    named.agentIsRoot = () -> true;
    named.ociBinary = name -> name.equals("/opt/runc") ? Optional.of(Path.of("/opt/runc")) : Optional.empty();
    new CommandLine(named).parseArgs("--master", "http://m", "--work-dir", workDir.toString(), "--runtimes", "oci",
        "--oci-runtime", "/opt/runc");
    AgentMain fallback = new AgentMain();
    fallback.agentIsRoot = () -> true;
    fallback.ociBinary = name -> name.equals("crun") ? Optional.of(crun) : Optional.empty();
    new CommandLine(fallback).parseArgs("--master", "http://m", "--work-dir", workDir.toString(), "--runtimes", "oci");

    assertThat(named.config().ociRuntime()).isEqualTo(Path.of("/opt/runc"));
    assertThat(named.config().runtimes()).containsExactly("oci");
    assertThat(fallback.config().ociRuntime()).isEqualTo(crun);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "false | true  | runtime 'oci' needs the agent to run as root",
      "true  | false | runtime 'oci' needs runc or crun, and neither is on PATH",
  })
  void ociAskedForWhereItCannotWorkExitsWithCodeTwo(boolean root, boolean runc, String message) {
    AgentMain main = new AgentMain();
    main.agentIsRoot = () -> root;
    main.ociBinary = name -> runc && name.equals("runc") ? Optional.of(RUNC) : Optional.empty();
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(main).setErr(new PrintWriter(err));

    int exitCode = command.execute("--master=http://m:5050", "--work-dir=" + workDir, "--runtimes=process,oci");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains(message);
    assertThat(workDir.resolve("agent.json")).doesNotExist();
  }

  private AgentMain detecting(boolean docker, boolean root, Path runc) {
    AgentMain main = new AgentMain();
    main.dockerReachable = () -> docker;
    main.agentIsRoot = () -> root;
    main.ociBinary = name -> runc != null && name.equals("runc") ? Optional.of(runc) : Optional.empty();
    new CommandLine(main).parseArgs("--master", "http://m", "--work-dir", workDir.toString(), "--runtimes", "");
    return main;
  }

  @Test
  void dockerAskedForWithoutAnEngineExitsWithCodeTwo() {
    AgentMain main = new AgentMain();
    main.dockerReachable = () -> false;
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(main).setErr(new PrintWriter(err));

    int exitCode = command.execute("--master=http://m:5050", "--work-dir=" + workDir, "--runtimes=process,docker");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("runtime 'docker' needs a Docker engine, and none answers");
    assertThat(workDir.resolve("agent.json")).doesNotExist();
  }

  @Test
  void dockerAskedForWithAnEngineIsKept() {
    AgentMain main = new AgentMain();
    main.dockerReachable = () -> true;
    new CommandLine(main).parseArgs("--master", "http://m", "--work-dir", workDir.toString(), "--runtimes", "process, docker");

    assertThat(main.config().runtimes()).containsExactly("process", "docker");
  }
}
