/**
 * @module Whether the configured `hermes` executable can run here, checked before it is started so that a missing
 * file, a macOS or Windows build mounted into a Linux container, a binary for another CPU, or a script whose
 * interpreter is absent (a venv copied from another machine) is reported in one clear sentence.
 */
import { constants as fsc } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";

/** ELF e_machine values of the CPUs Node runs on here. */
const ELF_MACHINES: Record<string, number[]> = {
  x64: [0x3e],
  arm64: [0xb7],
  arm: [0x28],
  ia32: [0x03],
  ppc64: [0x15],
  s390x: [0x16],
  riscv64: [0xf3],
};

const MACH_O = new Set([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe, 0xbebafeca]);

/** Null when it looks runnable; otherwise why not (a sentence fragment: "… is missing"). */
export async function whyNotRunnable(bin: string): Promise<string | null> {
  let handle: fs.FileHandle;
  try {
    const st = await fs.stat(bin);
    if (!st.isFile()) return `${bin} is not a file`;
    await fs.access(bin, fsc.X_OK);
    handle = await fs.open(bin, fsc.O_RDONLY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return `${bin} does not exist`;
    if (code === "EACCES") return `${bin} is not executable by the control plane's user`;
    return `${bin} cannot be read (${code ?? "error"})`;
  }
  try {
    const head = Buffer.alloc(256);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes.length >= 4 && MACH_O.has(bytes.readUInt32BE(0))) {
      return `${bin} is a macOS (Mach-O) executable, which cannot run on ${process.platform}`;
    }
    if (bytes.subarray(0, 2).toString("latin1") === "MZ") return `${bin} is a Windows executable`;
    if (bytes.subarray(0, 4).toString("latin1") === "\x7fELF") {
      if (process.platform !== "linux") return `${bin} is a Linux (ELF) executable, which cannot run here`;
      const machine = bytes.length >= 20 ? bytes.readUInt16LE(18) : -1;
      const ours = ELF_MACHINES[process.arch];
      if (ours && !ours.includes(machine))
        return `${bin} is built for another CPU than this ${process.arch} host`;
      return null;
    }
    if (bytes.subarray(0, 2).toString("latin1") === "#!") {
      const line = bytes.toString("latin1").split("\n")[0]!.slice(2).trim();
      const interpreter = line.split(/\s+/)[0] ?? "";
      if (path.isAbsolute(interpreter)) {
        try {
          await fs.access(interpreter, fsc.X_OK);
        } catch {
          return `${bin} is a script whose interpreter ${interpreter} does not exist or cannot run here`;
        }
      }
      return null;
    }
    return null;
  } finally {
    await handle.close();
  }
}
