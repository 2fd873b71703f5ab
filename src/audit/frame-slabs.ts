/**
 * @module Memory for queued audit frames, cut from reused 1 MiB slabs instead of one Buffer.allocUnsafe per record.
 * Why: every such Buffer is a backing store V8 counts as external memory, and once its record has been queued
 * across two scavenges (~100 ms under load) that memory counts against the old generation's limit until the next
 * mark-compact. With audit on the gateway ran a full GC about every second (13 in a 16 s bench, against 2 with audit
 * off); with reused slabs its external memory stays flat and it runs as many as with audit off (bench/, issue 5).
 */

export class FrameSlabs {
  private current: Buffer | null = null;
  private used = 0;
  /** Slabs handed out and not yet known free, keyed by their ArrayBuffer (what a frame's subarray shares). */
  private readonly inUse = new Map<ArrayBufferLike, Buffer>();
  private readonly free: Buffer[] = [];

  constructor(
    private readonly slabBytes = 1 << 20,
    /** Free slabs kept for reuse; beyond that they are left to the GC (a backlog that drained). */
    private readonly keepFree = 8,
  ) {}

  /**
   * `size` bytes from the current slab (their contents undefined), or a Buffer of their own when `size` is above an
   * eighth of a slab: large frames are rare and would waste the slab's tail.
   */
  alloc(size: number): Buffer {
    if (size > this.slabBytes >> 3) return Buffer.allocUnsafe(size);
    if (!this.current || this.used + size > this.current.length) {
      this.current = this.free.pop() ?? Buffer.allocUnsafeSlow(this.slabBytes);
      this.inUse.set(this.current.buffer, this.current);
      this.used = 0;
    }
    const bytes = this.current.subarray(this.used, this.used + size);
    this.used += size;
    return bytes;
  }

  /**
   * Frees every slab no frame in `live` points into. The caller passes every frame it will still read; a slab freed
   * here is overwritten by later frames.
   */
  recycle(live: Iterable<Buffer>): void {
    const kept = new Set<ArrayBufferLike>();
    for (const frame of live) kept.add(frame.buffer);
    for (const [key, slab] of this.inUse) {
      if (kept.has(key)) continue;
      if (slab === this.current) {
        // Nothing of it is read any more: start it over rather than move on.
        this.used = 0;
        continue;
      }
      this.inUse.delete(key);
      if (this.free.length < this.keepFree) this.free.push(slab);
    }
  }
}
