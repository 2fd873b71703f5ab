/**
 * @module The messages between the cluster primary and its workers (node:cluster IPC). The primary routes every
 * message on our channel by its `kind` to one handler (createPrimaryRouter), so other users of the same IPC pipe
 * (rate-limiter-flexible's cluster store, a metrics aggregator) keep their own channels beside ours.
 */
import type { Worker } from "node:cluster";

/** Our channel name; messages of other channels are not ours to answer. */
export const IPC_CHANNEL = "hermes-control-plane";

/** Who a worker is: its index is stable across restarts (its spool directory goes with it). */
export type WorkerIdentity = { index: number; count: number };

/** One worker as the admin status shows it. */
export type WorkerSummary = {
  index: number;
  pid: number;
  started_at: string;
  /** How many times this index was started again after its process ended. */
  restarts: number;
};

type Request = { channel: typeof IPC_CHANNEL; kind: string; id: number; payload?: unknown };
type Reply = { channel: typeof IPC_CHANNEL; reply: number; payload: unknown };

function isOurs(msg: unknown): msg is Request | Reply {
  return typeof msg === "object" && msg !== null && (msg as { channel?: unknown }).channel === IPC_CHANNEL;
}

export type PrimaryHandler = (worker: Worker, payload: unknown) => unknown;

/** The primary's side: one handler per kind; what it returns (or resolves to) goes back to the asking worker. */
export function createPrimaryRouter() {
  const handlers = new Map<string, PrimaryHandler>();
  return {
    handle(kind: string, handler: PrimaryHandler): void {
      handlers.set(kind, handler);
    },
    /** Attach with cluster.on("message", router.dispatch). */
    dispatch(worker: Worker, msg: unknown): void {
      if (!isOurs(msg) || !("kind" in msg)) return;
      const handler = handlers.get(msg.kind);
      if (!handler) return;
      void Promise.resolve()
        .then(() => handler(worker, msg.payload))
        .then(
          (payload) => payload,
          () => null,
        )
        .then((payload) => {
          if (worker.isConnected())
            worker.send({ channel: IPC_CHANNEL, reply: msg.id, payload } satisfies Reply);
        });
    },
  };
}

let nextId = 1;
const waiting = new Map<number, (payload: unknown) => void>();
let listening = false;

/** The worker's side: asks the primary and resolves with its answer, or rejects after `timeoutMs`. */
export function askPrimary<T>(kind: string, payload?: unknown, timeoutMs = 2_000): Promise<T> {
  if (!process.send) return Promise.reject(new Error("not a cluster worker"));
  if (!listening) {
    listening = true;
    process.on("message", (msg: unknown) => {
      if (!isOurs(msg) || !("reply" in msg)) return;
      waiting.get(msg.reply)?.(msg.payload);
    });
  }
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`no answer from the primary to ${kind}`));
    }, timeoutMs);
    waiting.set(id, (answer) => {
      clearTimeout(timer);
      waiting.delete(id);
      resolve(answer as T);
    });
    process.send!({ channel: IPC_CHANNEL, kind, id, payload } satisfies Request);
  });
}
