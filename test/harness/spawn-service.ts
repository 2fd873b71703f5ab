/**
 * Runs the built service as a real process (`node dist/src/main.js`), as production does; or a short script that
 * drives built modules in a process of its own (to kill it with SIGKILL mid-work).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const MAIN_JS = path.resolve("dist/src/main.js");

export type SpawnedService = {
  proc: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** `env` replaces the environment entirely (plus PATH), so "no configuration at all" means exactly that. */
export function spawnService(
  env: Record<string, string>,
  options: { cwd?: string; script?: string } = {},
): SpawnedService {
  return spawnNode([options.script ?? MAIN_JS], env, options.cwd);
}

/** The file URL a script in a child process imports a built module by (`db/database.js` → dist/src/db/…). */
export function distModuleUrl(modulePath: string): string {
  return pathToFileURL(path.resolve("dist/src", modulePath)).href;
}

/** Runs `source` as an ES module in a child Node process; `args` are its process.argv[1…]. */
export function spawnScript(source: string, args: string[]): SpawnedService {
  return spawnNode(["--input-type=module", "-e", source, ...args], {});
}

function spawnNode(argv: string[], env: Record<string, string>, cwd?: string): SpawnedService {
  const proc = spawn(process.execPath, argv, {
    cwd: cwd ?? process.cwd(),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) {
      if (w.pattern.test(out)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      if (pattern.test(out)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`)),
          timeoutMs,
        );
        const onExit = () =>
          reject(new Error(`process exited while waiting for ${pattern}; output:\n${out}`));
        exited.then(onExit);
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}
