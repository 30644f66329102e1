package io.mezzo.master.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** An immutable set of inclusive, non-overlapping, sorted ranges of non-negative integers (ports). */
public final class RangeSet {
  public static final RangeSet EMPTY = new RangeSet(List.of());

  /** One inclusive range. */
  public record Range(long begin, long end) {
    public Range {
      if (begin < 0 || end < begin) {
        throw new IllegalArgumentException("invalid range [" + begin + "-" + end + "]");
      }
    }
  }

  private final List<Range> ranges;

  private RangeSet(List<Range> normalized) {
    this.ranges = normalized;
  }

  public static RangeSet of(List<Range> ranges) {
    List<Range> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(Range::begin));
    List<Range> merged = new ArrayList<>();
    for (Range r : sorted) {
      if (!merged.isEmpty() && merged.get(merged.size() - 1).end() + 1 >= r.begin()) {
        Range last = merged.remove(merged.size() - 1);
        merged.add(new Range(last.begin(), Math.max(last.end(), r.end())));
      } else {
        merged.add(r);
      }
    }
    return new RangeSet(Collections.unmodifiableList(merged));
  }

  public static RangeSet of(long begin, long end) {
    return of(List.of(new Range(begin, end)));
  }

  public List<Range> ranges() {
    return ranges;
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  public long size() {
    return ranges.stream().mapToLong(r -> r.end() - r.begin() + 1).sum();
  }

  public RangeSet union(RangeSet other) {
    List<Range> all = new ArrayList<>(ranges);
    all.addAll(other.ranges);
    return of(all);
  }

  public RangeSet minus(RangeSet other) {
    List<Range> result = new ArrayList<>();
    for (Range r : ranges) {
      long begin = r.begin();
      for (Range cut : other.ranges) {
        if (cut.end() < begin || cut.begin() > r.end()) {
          continue;
        }
        if (cut.begin() > begin) {
          result.add(new Range(begin, cut.begin() - 1));
        }
        begin = Math.max(begin, cut.end() + 1);
        if (begin > r.end()) {
          break;
        }
      }
      if (begin <= r.end()) {
        result.add(new Range(begin, r.end()));
      }
    }
    return of(result);
  }

  /**
   * True when every number of {@code other} is in this set. Walks both sorted lists once and
   * allocates nothing: the allocator asks this for every decline filter it meets in a round.
   */
  public boolean contains(RangeSet other) {
    if (other == this) {
      return true;
    }
    int i = 0;
    for (Range wanted : other.ranges) {
      while (i < ranges.size() && ranges.get(i).end() < wanted.begin()) {
        i++;
      }
      // Normalized ranges never touch, so a contained range lies within one of ours.
      if (i == ranges.size() || ranges.get(i).begin() > wanted.begin() || ranges.get(i).end() < wanted.end()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RangeSet r && ranges.equals(r.ranges);
  }

  @Override
  public int hashCode() {
    return ranges.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (Range r : ranges) {
      sb.append(sb.length() == 1 ? "" : ",").append(r.begin()).append('-').append(r.end());
    }
    return sb.append(']').toString();
  }
}
