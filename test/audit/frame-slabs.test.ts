import { describe, expect, it } from "vitest";
import { FrameSlabs } from "../../src/audit/frame-slabs.js";

/** Allocates a frame and fills it with one byte value, so an overwrite shows. */
function frame(slabs: FrameSlabs, size: number, fill: number): Buffer {
  return slabs.alloc(size).fill(fill);
}

describe("frame slabs", () => {
  it("hands out ranges that do not overlap, a slab after another", () => {
    const slabs = new FrameSlabs(1024);
    const frames = Array.from({ length: 40 }, (_, i) => frame(slabs, 100, i));
    frames.forEach((f, i) => expect(f.every((b) => b === i)).toBe(true));
    expect(new Set(frames.map((f) => f.buffer)).size).toBe(4);
  });

  it("gives a frame over an eighth of a slab memory of its own", () => {
    const slabs = new FrameSlabs(1024);
    const small = slabs.alloc(100);
    const large = slabs.alloc(129);
    expect(large.buffer).not.toBe(small.buffer);
    expect(slabs.alloc(100).buffer).toBe(small.buffer);
  });

  it("reuses a slab once no live frame points into it, and never one a live frame does", () => {
    const slabs = new FrameSlabs(1024);
    const first = Array.from({ length: 10 }, (_, i) => frame(slabs, 100, i)); // fills slab A
    const kept = frame(slabs, 100, 200); // slab B, stays live
    for (let i = 0; i < 9; i++) frame(slabs, 100, 1); // the rest of B
    frame(slabs, 100, 2); // slab C is current
    slabs.recycle([kept]);
    // A is free again: the next slab handed out is A, and B is untouched.
    const next = Array.from({ length: 20 }, (_, i) => frame(slabs, 100, 100 + i));
    const buffers = new Set(next.map((f) => f.buffer));
    expect(buffers.has(first[0]!.buffer)).toBe(true);
    expect(buffers.has(kept.buffer)).toBe(false);
    expect(kept.every((b) => b === 200)).toBe(true);
  });

  it("starts the current slab over when nothing in it is live", () => {
    const slabs = new FrameSlabs(1024);
    const a = slabs.alloc(100);
    slabs.recycle([]);
    const b = slabs.alloc(100);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(a.byteOffset);
  });
});
