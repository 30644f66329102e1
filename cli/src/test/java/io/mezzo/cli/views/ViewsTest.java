package io.mezzo.cli.views;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.cli.MezzoCli;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Event;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The read-only views against a fake master (and agent) that answers with the {@link Fixtures} cluster. */
class ViewsTest {
  private FakeOperatorApi api;

  @BeforeEach
  void start() throws Exception {
    api = new FakeOperatorApi();
    api.answer(Call.Type.GET_AGENTS, Fixtures.response(Fixtures.agents(api.port())));
    api.answer(Call.Type.GET_FRAMEWORKS, Fixtures.response(Fixtures.frameworks()));
    api.answer(Call.Type.GET_TASKS, Fixtures.response(Fixtures.tasks(TaskState.TASK_RUNNING)));
    api.subscribed(Fixtures.state(api.port()));
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  record Run(int code, String out, String err) {}

  /** Runs a mezzo command line against the fake, in this thread. */
  Run mezzo(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--master";
    all[args.length + 1] = api.url();
    int code = new CommandLine(new MezzoCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(all);
    return new Run(code, out.toString(), err.toString());
  }

  /** Runs a command that reads the event stream in another thread, once it has subscribed. */
  CompletableFuture<Run> following(String... args) {
    int before = api.subscribers();
    CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> mezzo(args));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> api.subscribers() > before || run.isDone());
    return run;
  }

  static Run done(CompletableFuture<Run> run) throws Exception {
    return run.get(20, TimeUnit.SECONDS);
  }

  @Test
  void agentsShowTotalAllocatedOfferedAndIdle() {
    Run table = mezzo("agents");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).isEqualTo(""
        + "ID  HOST         ACTIVE  TOTAL                       ALLOCATED       OFFERED          IDLE\n"
        + "a1  host-1:5051  yes     cpus:4;mem:8192;disk:10000  cpus:1;mem:512  cpus:2;mem:1024  cpus:1;mem:6656;disk:10000\n"
        + "a2  host-2:5051  yes     cpus:2;mem:4096             -               -                cpus:2;mem:4096\n");

    Run json = mezzo("agents", "-o", "json");
    JsonArray agents = new JsonObject(json.out()).getJsonArray("agents");
    assertThat(agents).hasSize(2);
    assertThat(agents.getJsonObject(0).getJsonObject("agent_info").getJsonObject("id").getString("value"))
        .isEqualTo("a1");
    assertThat(agents.getJsonObject(0).getJsonArray("total_resources")).hasSize(3);
  }

  @Test
  void frameworksShowRolesAndResources() {
    Run table = mezzo("frameworks");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).isEqualTo(""
        + "ID  NAME   ROLES  ACTIVE  CONNECTED  OFFERS  ALLOCATED       OFFERED\n"
        + "f1  spark  eng    yes     yes        1       cpus:1;mem:512  cpus:2;mem:1024\n");
    JsonObject json = new JsonObject(mezzo("frameworks", "-o", "json").out());
    assertThat(json.getJsonArray("frameworks").getJsonObject(0).getJsonObject("framework_info").getString("name"))
        .isEqualTo("spark");
  }

  @Test
  void tasksAreFilteredByFrameworkAndState() {
    Run all = mezzo("tasks");
    assertThat(all.code()).as(all.err()).isZero();
    assertThat(all.out()).isEqualTo(""
        + "ID  NAME     FRAMEWORK  AGENT  STATE          RESOURCES\n"
        + "t1  task-t1  f1         a1     TASK_RUNNING   cpus:1;mem:512\n"
        + "t0  task-t0  f1         a1     TASK_FINISHED  cpus:0.5;mem:128\n");

    Run running = mezzo("tasks", "--framework", "f1", "--state", "running");
    assertThat(running.out()).contains("t1").doesNotContain("t0");
    JsonObject json = new JsonObject(mezzo("tasks", "--state", "TASK_FINISHED", "-o", "json").out());
    assertThat(json.getJsonArray("completed_tasks").getJsonObject(0).getJsonObject("task_id").getString("value"))
        .isEqualTo("t0");
    assertThat(json.containsKey("tasks")).isFalse();
  }

  @Test
  void anUnknownIdIsExit1AndABadFlagExit2() {
    Run unknown = mezzo("tasks", "--framework", "nope");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("No framework 'nope' is known to the master");

    Run badState = mezzo("tasks", "--state", "SLEEPING");
    assertThat(badState.code()).isEqualTo(2);
    assertThat(badState.err()).contains("--state must be a task state").contains("'SLEEPING'");
    assertThat(mezzo("agents", "-o", "yaml").code()).isEqualTo(2);
    assertThat(mezzo("events", "--type", "NOPE").code()).isEqualTo(2);
    assertThat(mezzo("top", "--interval", "soon").code()).isEqualTo(2);
    assertThat(mezzo("task", "logs", "t1", "--tail", "-1").code()).isEqualTo(2);
    assertThat(api.calls).as("bad flags send nothing").containsOnly(Call.Type.GET_FRAMEWORKS);
  }

  @Test
  void aMasterThatCannotBeReachedIsExit1() throws Exception {
    String url = api.url();
    api.close();
    StringWriter err = new StringWriter();
    int code = new CommandLine(new MezzoCli()).setErr(new PrintWriter(err, true)).execute("agents", "--master", url);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("Error: Cannot reach the master at " + url);
    api = new FakeOperatorApi();
  }

  @Test
  void offersListTheOutstandingOnesWithTheirAgeAndWatchFollowsTheirEvents() throws Exception {
    // The master sends its offer history right after SUBSCRIBED: O-1 was created 42 s ago.
    Event created = Fixtures.offerEvent(Event.OfferEvent.Type.OFFER_CREATED, "O-1", "a1", 2, 1024);
    double at = System.currentTimeMillis() / 1000.0 - 42;
    created = created.toBuilder().setOfferEvent(created.getOfferEvent().toBuilder().setTimestamp(at)).build();
    api.history(java.util.List.of(created));

    Run table = mezzo("offers");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).matches(""
        + "ID   FRAMEWORK  AGENT  HOST    ROLE  RESOURCES        AGE\n"
        + "O-1  f1         a1     host-1  eng   cpus:2;mem:1024  4[2-9]s\n");
    JsonObject json = new JsonObject(mezzo("offers", "-o", "json").out());
    assertThat(json.getJsonArray("offers").getJsonObject(0).getJsonObject("id").getString("value")).isEqualTo("O-1");

    CompletableFuture<Run> watch = following("offers", "--watch");
    api.emit(Fixtures.offerEvent(Event.OfferEvent.Type.OFFER_CREATED, "O-2", "a2", 1, 256));
    api.emit(Fixtures.taskUpdated("t1", TaskState.TASK_FINISHED, ""));
    api.emit(Fixtures.offerEvent(Event.OfferEvent.Type.OFFER_DECLINED, "O-2", "a2", 0, 0));
    api.endStreams();
    Run watched = done(watch);
    assertThat(watched.code()).isEqualTo(1);
    assertThat(watched.err()).contains("The master ended the event stream");
    String[] lines = watched.out().split("\n");
    assertThat(lines).hasSize(5);
    assertThat(lines[1]).matches("O-1  f1         a1     host-1  eng   cpus:2;mem:1024  4[2-9]s");
    assertThat(lines[2]).startsWith("OFFER_CREATED offer=O-1 framework=f1 agent=a1 role=eng resources=cpus:2;mem:1024 at=");
    assertThat(lines[3]).isEqualTo(
        "OFFER_CREATED offer=O-2 framework=f1 agent=a2 role=eng resources=cpus:1;mem:256 at=2026-09-21T14:13:20Z");
    assertThat(lines[4]).isEqualTo(
        "OFFER_DECLINED offer=O-2 framework=f1 agent=a2 role=eng refuse=5s held=2.5s at=2026-09-21T14:13:20Z");
  }

  @Test
  void eventsPrintTheSnapshotAndWithFollowEveryEventOfTheTypesAsked() throws Exception {
    Run once = mezzo("events");
    assertThat(once.code()).as(once.err()).isZero();
    assertThat(once.out()).isEqualTo("SUBSCRIBED agents=2 frameworks=1 tasks=1\n");

    CompletableFuture<Run> follow = following("events", "--follow", "--type", "task_added,TASK_UPDATED");
    api.emit(Fixtures.offerEvent(Event.OfferEvent.Type.OFFER_CREATED, "O-2", "a2", 1, 256));
    api.emit(Fixtures.taskAdded(Fixtures.task("t2", "a2", TaskState.TASK_STAGING, 1, 256)));
    api.emit(Fixtures.taskUpdated("t2", TaskState.TASK_FAILED, "Command exited with status 3"));
    api.endStreams();
    Run followed = done(follow);
    assertThat(followed.out()).isEqualTo("TASK_ADDED task=t2 framework=f1 agent=a2 state=TASK_STAGING\n"
        + "TASK_UPDATED task=t2 framework=f1 state=TASK_FAILED message=\"Command exited with status 3\"\n");

    CompletableFuture<Run> json = following("events", "-f", "-o", "json", "--type", "OFFER_CREATED");
    api.emit(Fixtures.offerEvent(Event.OfferEvent.Type.OFFER_CREATED, "O-3", "a2", 1, 256));
    api.endStreams();
    JsonObject event = new JsonObject(done(json).out());
    assertThat(event.getJsonObject("offer_event").getString("type")).isEqualTo("OFFER_CREATED");
    assertThat(event.getJsonObject("offer_event").getJsonObject("offer_id").getString("value")).isEqualTo("O-3");
  }

  @Test
  void topShowsEachRoleAndAgentAndRedrawsFromTheStream() throws Exception {
    CompletableFuture<Run> top = following("top", "-n", "3", "--interval", "0s");
    // Frame 2: a new offer on a2; frame 3: t1 finished, so a1's allocation is free again.
    api.emit(Fixtures.offerEvent(Event.OfferEvent.Type.OFFER_CREATED, "O-2", "a2", 1, 256));
    api.emit(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
    api.emit(Fixtures.taskUpdated("t1", TaskState.TASK_FINISHED, ""));
    Run run = done(top);
    assertThat(run.code()).as(run.err()).isZero();
    String[] frames = run.out().split("(?<=\n)\n(?=ROLE)");
    assertThat(frames).hasSize(3);
    assertThat(frames[0]).isEqualTo(""
        + "ROLE       TOTAL                        ALLOCATED       OFFERED          IDLE\n"
        + "(cluster)  cpus:6;mem:12288;disk:10000  cpus:1;mem:512  cpus:2;mem:1024  cpus:3;mem:10752;disk:10000\n"
        + "eng        cpus:1                       cpus:1;mem:512  cpus:2;mem:1024  -\n"
        + "\n"
        + "AGENT  TOTAL                       ALLOCATED       OFFERED          IDLE\n"
        + "a1     cpus:4;mem:8192;disk:10000  cpus:1;mem:512  cpus:2;mem:1024  cpus:1;mem:6656;disk:10000\n"
        + "a2     cpus:2;mem:4096             -               -                cpus:2;mem:4096\n");
    assertThat(frames[1]).containsPattern("a2 +cpus:2;mem:4096 +- +cpus:1;mem:256 +cpus:1;mem:3840\n");
    assertThat(frames[2]).containsPattern("a1 +cpus:4;mem:8192;disk:10000 +- +cpus:2;mem:1024 +cpus:2;mem:7168;disk:10000\n")
        .containsPattern("\\(cluster\\) +cpus:6;mem:12288;disk:10000 +- +cpus:3;mem:1280 +cpus:3;mem:11008;disk:10000\n");

    CompletableFuture<Run> json = following("top", "-n", "1", "-o", "json");
    JsonObject frame = new JsonObject(done(json).out());
    assertThat(frame.getJsonObject("cluster").getJsonObject("total").getDouble("cpus")).isEqualTo(6.0);
    JsonObject eng = frame.getJsonArray("roles").getJsonObject(0);
    assertThat(eng.getString("name")).isEqualTo("eng");
    assertThat(eng.getJsonObject("allocated").getDouble("mem")).isEqualTo(512.0);
    assertThat(frame.getJsonArray("agents").getJsonObject(1).getJsonObject("idle").getDouble("mem")).isEqualTo(4096.0);
  }
}
