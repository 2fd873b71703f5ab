/**
 * @module A daily chart on uPlot (small, canvas): bars for one series on the left axis, optionally a line for a
 * second on the right. The same numbers are in a table under it, for screen readers and for checking.
 */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatCompact, formatNumber } from "../lib/format";

export type ChartSeries = { label: string; values: number[]; color: string; kind: "bars" | "line" };

export function BarChart({
  days,
  bars,
  line,
  height = 240,
  testId,
  caption,
}: {
  /** YYYY-MM-DD, one per point. */
  days: string[];
  bars: ChartSeries;
  line?: ChartSeries;
  height?: number;
  testId?: string;
  caption: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current!;
    const xs = days.map((_, i) => i);
    const data: uPlot.AlignedData = line ? [xs, bars.values, line.values] : [xs, bars.values];
    const barPaths = uPlot.paths.bars!({ size: [0.7, 48], gap: 2 });
    const series: uPlot.Series[] = [
      { label: "Day", value: (_u, i) => (i === null ? "" : (days[i] ?? "")) },
      {
        label: bars.label,
        fill: bars.color,
        stroke: bars.color,
        width: 0,
        paths: barPaths,
        points: { show: false },
        value: (_u, v) => formatNumber(v),
      },
    ];
    if (line)
      series.push({
        label: line.label,
        stroke: line.color,
        width: 2,
        scale: "right",
        points: { show: days.length <= 31, size: 5, fill: line.color },
        value: (_u, v) => formatNumber(v),
      });
    const axisStroke = getComputedStyle(el).getPropertyValue("--chart-axis").trim() || "#6b7280";
    const gridStroke = getComputedStyle(el).getPropertyValue("--chart-grid").trim() || "#e5e7eb";
    const axes: uPlot.Axis[] = [
      {
        stroke: axisStroke,
        grid: { show: false },
        ticks: { stroke: gridStroke },
        values: (_u, splits) => splits.map((i) => days[i]?.slice(5) ?? ""),
        space: 44,
      },
      {
        stroke: axisStroke,
        grid: { stroke: gridStroke },
        ticks: { show: false },
        values: (_u, splits) => splits.map((v) => formatCompact(v)),
        size: 56,
      },
    ];
    if (line)
      axes.push({
        side: 1,
        scale: "right",
        stroke: axisStroke,
        grid: { show: false },
        ticks: { show: false },
        values: (_u, splits) => splits.map((v) => formatCompact(v)),
        size: 48,
      });
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height,
      series,
      axes,
      scales: {
        x: { time: false, range: [-0.5, Math.max(0.5, days.length - 0.5)] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        right: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
      },
      legend: { show: true, live: true },
      cursor: { points: { show: false } },
    };
    const chart = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [days, bars, line, height]);

  return (
    <figure className="chart" data-testid={testId}>
      <div ref={box} className="chart-canvas" aria-hidden="true" />
      <details className="chart-data">
        <summary>Show the numbers</summary>
        <div className="table-wrap">
          <table className="table table-compact" data-testid={testId ? `${testId}-table` : undefined}>
            <caption className="sr-only">{caption}</caption>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col" className="num">
                  {bars.label}
                </th>
                {line ? (
                  <th scope="col" className="num">
                    {line.label}
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {days.map((d, i) => (
                <tr key={d} data-day={d}>
                  <td>{d}</td>
                  <td className="num" data-col="bars">
                    {formatNumber(bars.values[i] ?? 0)}
                  </td>
                  {line ? (
                    <td className="num" data-col="line">
                      {formatNumber(line.values[i] ?? 0)}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <figcaption className="sr-only">{caption}</figcaption>
    </figure>
  );
}
