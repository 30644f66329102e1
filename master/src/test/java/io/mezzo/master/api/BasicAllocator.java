package io.mezzo.master.api;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.spi.ForwardingAllocator;

/** An allocator with none of the optional capabilities (weights, quota, reservations): DRF offers only. */
final class BasicAllocator extends ForwardingAllocator {
  BasicAllocator() {
    super(new DrfAllocator());
  }
}
