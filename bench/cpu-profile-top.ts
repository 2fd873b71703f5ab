/**
 * @module Bench helper: the top frames of a V8 CPU profile (`node --cpu-prof`), by self time and by total time, as
 * shares of the profile's samples (idle excluded). `node dist/bench/bench/cpu-profile-top.js <file.cpuprofile> [n]`.
 */
import fs from "node:fs";

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[] };

const file = process.argv[2];
if (!file) throw new Error("usage: cpu-profile-top.js <file.cpuprofile> [n]");
const n = Number(process.argv[3] ?? 25);
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((x) => [x.id, x]));
const parent = new Map<number, number>();
for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);

const label = (x: Node) => {
  const f = x.callFrame;
  const where = f.url
    ? `${f.url.replace(/^.*\/(node_modules\/|dist\/|node:)/, "$1")}:${f.lineNumber + 1}`
    : "";
  return `${f.functionName || "(anonymous)"} ${where}`.trim();
};
const self = new Map<string, number>();
const total = new Map<string, number>();
let busy = 0;
for (const id of profile.samples) {
  const leaf = byId.get(id)!;
  if (leaf.callFrame.functionName === "(idle)") continue;
  busy++;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + 1);
  // Each frame once per sample, however deep it recurses.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const l = label(byId.get(at)!);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + 1);
  }
}
const top = (m: Map<string, number>) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([l, s]) => `${((100 * s) / busy).toFixed(1).padStart(5)}%  ${l}`)
    .join("\n");
console.log(`${busy} busy samples\n-- self --\n${top(self)}\n-- total --\n${top(total)}`);
