/**
 * @module A small SVG chart of an upstream's recent probes: one bar per probe, its height the latency, red and full
 * height when the probe failed. Plain SVG keeps the pane's chunk small (no chart library) and needs no inline style;
 * the numbers are in a table under it for screen readers and for checking.
 */
import { formatDateTime, formatMs } from "../../lib/format";
import type { HealthView } from "./config-api";

type Probe = HealthView["upstreams"][number]["history"][number];

/** How many of the latest probes the chart shows (one a minute: the last hour). */
export const CHART_PROBES = 60;
const W = 600;
const H = 80;

export function ProbeChart({ history, testId }: { history: Probe[]; testId: string }) {
  const probes = history.slice(-CHART_PROBES);
  if (probes.length === 0) return <p className="muted small">No probes in the last 24 hours yet.</p>;
  const max = Math.max(1, ...probes.map((p) => p.latency_ms ?? 0));
  const slot = W / CHART_PROBES;
  return (
    <figure className="hc-chart" data-testid={testId}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        className="hc-chart-svg"
        role="img"
        aria-label={`Latency of the last ${probes.length} probes; failed probes in red`}
      >
        <line x1={0} y1={H - 0.5} x2={W} y2={H - 0.5} className="hc-chart-axis" />
        {probes.map((p, i) => {
          const h = p.ok ? Math.max(3, ((p.latency_ms ?? 0) / max) * (H - 4)) : H - 4;
          const x = W - (probes.length - i) * slot;
          return (
            <rect
              key={`${p.ts}:${i}`}
              x={x + slot * 0.15}
              y={H - h}
              width={slot * 0.7}
              height={h}
              className={p.ok ? "hc-bar-up" : "hc-bar-down"}
            >
              <title>
                {formatDateTime(p.ts)}: {p.ok ? formatMs(p.latency_ms) : "down"}
              </title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="muted small">
        Last {probes.length} probes, oldest left; bar height is latency (max {formatMs(max)}), red = down.
      </figcaption>
      <details className="chart-data">
        <summary>Show the numbers</summary>
        <div className="table-wrap">
          <table className="table table-compact" data-testid={`${testId}-table`}>
            <thead>
              <tr>
                <th scope="col">Probed</th>
                <th scope="col">Result</th>
                <th scope="col" className="num">
                  Latency
                </th>
              </tr>
            </thead>
            <tbody>
              {probes.map((p, i) => (
                <tr key={`${p.ts}:${i}`}>
                  <td className="nowrap">{formatDateTime(p.ts)}</td>
                  <td>{p.ok ? "up" : "down"}</td>
                  <td className="num">{formatMs(p.latency_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
