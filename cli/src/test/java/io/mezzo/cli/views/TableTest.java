package io.mezzo.cli.views;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableTest {
  private final Table table = new Table("ID", "NAME", "RESOURCES")
      .row("a1", "short", "cpus:4;mem:8192;disk:10000")
      .row("agent-0000000002", "a rather long name", "-");

  @Test
  void columnsAreAsWideAsTheirWidestCell() {
    assertThat(table.render(200)).isEqualTo(
        "ID                NAME                RESOURCES\n"
            + "a1                short               cpus:4;mem:8192;disk:10000\n"
            + "agent-0000000002  a rather long name  -\n");
  }

  @Test
  void theWidestColumnsGiveWayToFitTheTerminal() {
    String narrow = table.render(50);
    assertThat(narrow.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(50));
    assertThat(narrow).startsWith("ID               NAME             RESOURCES\n")
        .contains("\na1               short            cpus:4;mem:8192…\n")
        .contains("\nagent-00000000…  a rather long …  -\n");
  }
}
