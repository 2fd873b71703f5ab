/**
 * @module CPU time of a process from /proc (Linux), for the benches' CPU-per-request figures. utime and stime are in
 * USER_HZ, which is 100 on Linux.
 */
import fs from "node:fs";

/** User and system CPU seconds a process has used so far; zeros once it is gone. */
export function cpuSplit(pid: number): { user: number; system: number } {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return { user: 0, system: 0 };
  }
}

/** User + system CPU seconds a process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  const { user, system } = cpuSplit(pid);
  return user + system;
}
