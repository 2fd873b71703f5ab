/**
 * A TCP pass-through on port 0 in front of a real server (PostgreSQL) that a test can cut and restore: cut destroys
 * every open connection and refuses new ones, as a database outage does; restore lets connections through again.
 */
import net from "node:net";

export type TcpCutter = {
  port: number;
  /** `url` with its host and port replaced by the cutter's. */
  via(url: string): string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
};

export async function startTcpCutter(targetHost: string, targetPort: number): Promise<TcpCutter> {
  let open = true;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    via(url) {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
