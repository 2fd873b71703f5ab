/**
 * @module The cluster primary (HERMES_WORKERS > 1): runs the start-up work that must happen once (migrations, default
 * tenant, admin credentials), then only supervises. It starts the workers (each a full instance sharing the three
 * ports), gives each its stable index, restarts one that dies (with backoff), keeps the shared login and RPM
 * counters (rate-limiter-flexible's cluster store), runs the supervised Hermes proxies for all of them, answers the
 * workers' questions through one message router, and on SIGTERM/SIGINT stops every worker, then the proxies, and
 * exits 0 once all have drained.
 */
import cluster, { type Worker } from "node:cluster";
import { RateLimiterClusterMaster } from "rate-limiter-flexible";
import type { Config } from "../config/config.js";
import { withDatabase } from "../db/database.js";
import type { Logger } from "../logging/logger.js";
import { answerClusterScrapes } from "../observability/cluster-metrics.js";
import { superviseProxiesInPrimary } from "./cluster-hermes-proxies.js";
import { createPrimaryRouter, type WorkerIdentity, type WorkerSummary } from "./cluster-ipc.js";
import { bootstrapDatabase } from "./create-deps.js";

/** Restart delays: doubling from the first, at most the last; reset once a worker has run for STABLE_MS. */
const RESTART_FIRST_MS = 100;
const RESTART_MAX_MS = 30_000;
const STABLE_MS = 30_000;

type Slot = {
  index: number;
  worker: Worker | null;
  startedAt: Date;
  restarts: number;
  /** Consecutive short-lived runs, for the backoff. */
  failures: number;
  listening: boolean;
  restartTimer: NodeJS.Timeout | null;
};

export async function runPrimary(config: Config, logger: Logger, count: number): Promise<void> {
  await withDatabase({ url: config.database.url, dataDir: config.dataDir, logger }, (database) =>
    bootstrapDatabase(database, config, logger),
  );

  // Installs its own handler for its own channel on cluster "message".
  new RateLimiterClusterMaster();
  const router = createPrimaryRouter();
  cluster.on("message", router.dispatch);
  // A /metrics scrape in any worker gets the sum of every worker's metrics from here (src/observability).
  answerClusterScrapes(router.handle);
  // Before the workers start, so each finds them running (or starting) when it asks.
  const hermesProxies = await superviseProxiesInPrimary(config, logger, router);

  const slots: Slot[] = Array.from({ length: count }, (_, index) => ({
    index,
    worker: null,
    startedAt: new Date(),
    restarts: 0,
    failures: 0,
    listening: false,
    restartTimer: null,
  }));
  const slotOf = (worker: Worker) => slots.find((s) => s.worker === worker);
  let stopping = false;
  let startedAll = false;
  let exitCode = 0;

  router.handle("hello", (worker): WorkerIdentity | null => {
    const slot = slotOf(worker);
    return slot ? { index: slot.index, count } : null;
  });
  router.handle("listening", (worker) => {
    const slot = slotOf(worker);
    if (slot) slot.listening = true;
    if (!startedAll && slots.every((s) => s.listening)) {
      startedAll = true;
      logger.info({ workers: count }, "cluster: every worker is listening");
    }
    return true;
  });
  router.handle("workers", (): WorkerSummary[] =>
    slots.flatMap((s) =>
      s.worker?.process.pid
        ? [
            {
              index: s.index,
              pid: s.worker.process.pid,
              started_at: s.startedAt.toISOString(),
              restarts: s.restarts,
            },
          ]
        : [],
    ),
  );

  const start = (slot: Slot) => {
    slot.restartTimer = null;
    slot.listening = false;
    slot.startedAt = new Date();
    slot.worker = cluster.fork();
  };

  let finishing = false;
  const finishIfDone = () => {
    if (finishing || slots.some((s) => s.worker !== null)) return;
    finishing = true;
    logger.info({ exitCode }, "cluster: every worker has stopped");
    // The proxies last: a worker serves its in-flight requests through them until it has drained.
    void hermesProxies
      .stop()
      .catch((err: unknown) => logger.error({ err }, "cluster: stopping the Hermes proxies failed"))
      .finally(() => {
        logger.flush();
        process.exit(exitCode);
      });
  };

  cluster.on("exit", (worker, code, signal) => {
    const slot = slotOf(worker);
    if (!slot) return;
    slot.worker = null;
    if (stopping) {
      // One still starting has no handler yet and ends by our SIGTERM itself: it had served nothing, a clean stop.
      const stoppedWhileStarting = !slot.listening && signal === "SIGTERM";
      if (code !== 0 && !stoppedWhileStarting) exitCode = 1;
      logger.info({ worker: slot.index, pid: worker.process.pid, code, signal }, "cluster: worker stopped");
      return finishIfDone();
    }
    if (!startedAll && !slot.listening) {
      // A worker that cannot start at all (a port taken, a bad database) would fail the same way again.
      logger.fatal({ worker: slot.index, code, signal }, "cluster: a worker failed to start; stopping");
      exitCode = 1;
      return stopAll("SIGTERM");
    }
    const lived = Date.now() - slot.startedAt.getTime();
    slot.failures = lived >= STABLE_MS ? 0 : slot.failures + 1;
    const delay = Math.min(RESTART_MAX_MS, RESTART_FIRST_MS * 2 ** Math.max(0, slot.failures - 1));
    slot.restarts++;
    logger.error(
      { worker: slot.index, pid: worker.process.pid, code, signal, restartInMs: delay },
      "cluster: worker exited; starting it again",
    );
    slot.restartTimer = setTimeout(() => start(slot), delay);
  });

  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const slot of slots) {
      if (slot.restartTimer) clearTimeout(slot.restartTimer);
      slot.restartTimer = null;
      slot.worker?.process.kill(signal);
    }
    finishIfDone();
  };

  let signalled = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      // A second signal is passed on too: each worker then exits at once, as a single process does.
      logger.info(
        { signal, workers: count, again: signalled },
        "cluster: signal received, stopping the workers",
      );
      signalled = true;
      stopAll("SIGTERM");
    });
  }

  logger.info({ workers: count }, "cluster: starting workers");
  for (const slot of slots) start(slot);
}
