/**
 * @module Serves Hono apps on node:http and closes them gracefully: stop accepting, let in-flight requests and
 * open streams finish until a deadline, then cut what is left.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { answerMalformedRequest } from "../http/client-error.js";

export type ListenerName = "admin" | "pre" | "post";

export type RunningListener = { name: ListenerName; port: number; server: Server };

export async function listen(
  name: ListenerName,
  app: Hono,
  hostname: string,
  port: number,
): Promise<RunningListener> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }) as Server;
    server.on("clientError", answerMalformedRequest(name === "admin" ? "admin" : "openai"));
    server.once("error", (err: NodeJS.ErrnoException) => {
      reject(new Error(`${name} listener: cannot listen on ${hostname}:${port}: ${err.code ?? err.message}`));
    });
    server.once("listening", () => {
      resolve({ name, port: (server.address() as AddressInfo).port, server });
    });
  });
}

/** Resolves when every connection has ended or the deadline has passed (remaining ones are then destroyed). */
export async function closeGracefully(server: Server, deadlineMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections go idle between requests; close them as they do so the close can complete.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, deadlineMs);
  });
  await Promise.race([closed, deadline]);
  clearInterval(sweep);
  clearTimeout(timer);
  server.closeAllConnections();
  await closed;
}
