package io.mezzo.agent.runtime.cgroups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/** Reads and writes of cgroup control files: one write per value, as the kernel wants them. */
final class CgroupFiles {
  private CgroupFiles() {}

  static void write(Path file, String value) throws IOException {
    Files.writeString(file, value, StandardCharsets.US_ASCII, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** The number after {@code key } in a flat keyed file (memory.events, memory.oom_control), if any. */
  static OptionalLong keyed(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length == 2 && fields[0].equals(key)) {
          return OptionalLong.of(Long.parseLong(fields[1]));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }
}
