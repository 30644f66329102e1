package io.mezzo.cli.views;

import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import java.util.Collection;
import java.util.Locale;

/** The cpus, mem (MB) and disk (MB) in a list of resources: what the views count and show. */
record Quantities(double cpus, double mem, double disk) {
  static final Quantities ZERO = new Quantities(0, 0, 0);

  static Quantities of(Collection<Resource> resources) {
    double cpus = 0;
    double mem = 0;
    double disk = 0;
    for (Resource r : resources) {
      if (r.getType() != Value.Type.SCALAR) {
        continue;
      }
      double v = r.getScalar().getValue();
      switch (r.getName()) {
        case "cpus" -> cpus += v;
        case "mem" -> mem += v;
        case "disk" -> disk += v;
        default -> { }
      }
    }
    return new Quantities(cpus, mem, disk);
  }

  Quantities plus(Quantities o) {
    return new Quantities(cpus + o.cpus, mem + o.mem, disk + o.disk);
  }

  /** Never below zero: idle is what is left, and a stale count must not show a negative. */
  Quantities minus(Quantities o) {
    return new Quantities(Math.max(0, cpus - o.cpus), Math.max(0, mem - o.mem), Math.max(0, disk - o.disk));
  }

  /** In agent flag syntax, zeros left out: {@code cpus:1.5;mem:512}, or {@code -} for nothing. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    append(s, "cpus", cpus);
    append(s, "mem", mem);
    append(s, "disk", disk);
    return s.isEmpty() ? "-" : s.toString();
  }

  private static void append(StringBuilder s, String name, double v) {
    if (v > 0) {
      s.append(s.isEmpty() ? "" : ";").append(name).append(':').append(number(v));
    }
  }

  static String number(double v) {
    double rounded = Math.round(v * 1000) / 1000.0;
    return rounded == Math.rint(rounded) ? Long.toString((long) rounded)
        : String.format(Locale.ROOT, "%s", rounded);
  }
}
