import { Hono } from "hono";
import { streamText } from "hono/streaming";
import { describe, expect, it } from "vitest";
import { closeGracefully, listen } from "../../src/app/listeners.js";

/** An app whose /stream route sends `chunks` pieces, one every `everyMs`. */
function slowStreamApp(chunks: number, everyMs: number) {
  const app = new Hono();
  app.get("/stream", (c) =>
    streamText(c, async (s) => {
      for (let i = 0; i < chunks; i++) {
        await s.write(`chunk ${i}\n`);
        await s.sleep(everyMs);
      }
      await s.write("end\n");
    }),
  );
  app.get("/fast", (c) => c.text("ok"));
  return app;
}

describe("graceful close", () => {
  it("lets an open stream finish, then closes; new connections are refused", async () => {
    const l = await listen("admin", slowStreamApp(5, 100), "127.0.0.1", 0);
    const base = `http://127.0.0.1:${l.port}`;
    // An idle keep-alive connection must not hold the close open.
    expect(await (await fetch(`${base}/fast`)).text()).toBe("ok");
    const res = await fetch(`${base}/stream`);
    const body = res.text();
    const closed = closeGracefully(l.server, 10_000);
    expect(await body).toBe("chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\nend\n");
    await closed;
    await expect(fetch(`${base}/fast`)).rejects.toThrow();
  });

  it("cuts a stream that outlives the deadline", async () => {
    const l = await listen("pre", slowStreamApp(1000, 50), "127.0.0.1", 0);
    const res = await fetch(`http://127.0.0.1:${l.port}/stream`);
    const body = res.text();
    await closeGracefully(l.server, 200);
    await expect(body).rejects.toThrow();
  });

  it("reports a taken port clearly", async () => {
    const a = await listen("admin", slowStreamApp(1, 1), "127.0.0.1", 0);
    await expect(listen("pre", slowStreamApp(1, 1), "127.0.0.1", a.port)).rejects.toThrow(
      `pre listener: cannot listen on 127.0.0.1:${a.port}: EADDRINUSE`,
    );
    await closeGracefully(a.server, 0);
  });
});
