/**
 * The equity chart: closed-trade equity (left axis, USDT) and its drawdown from the running peak
 * (right axis, % below the peak, drawn downward), with uPlot. The last point is the live
 * marked-to-market equity from the portfolio, so open PnL shows before it is realised. Both lines
 * are steps: equity changes only at an exit. The data comes from ./equity-points.ts.
 * @module
 */
import uPlot from "uplot";
import { chartColumns, type ChartPoint } from "./equity-points";

/** The chart's controller. */
export interface EquityChart {
  update(points: readonly ChartPoint[]): void;
}

const AXIS = { stroke: "#9aa4b2", grid: { stroke: "#252c38", width: 1 }, ticks: { stroke: "#252c38", width: 1 } };

/** Creates the chart inside `target`; it follows the container's width. */
export function createEquityChart(target: HTMLElement): EquityChart {
  const stepped = uPlot.paths.stepped?.({ align: 1 });
  const height = () => (window.innerWidth < 600 ? 200 : 260);
  const opts: uPlot.Options = {
    width: Math.max(280, target.clientWidth),
    height: height(),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, usd: { auto: true }, dd: { auto: true, range: (_u, min) => [Math.min(min, -1), 0] } },
    series: [
      { label: "UTC" },
      {
        label: "equity (USDT)",
        scale: "usd",
        stroke: "#4cc38a",
        width: 2,
        paths: stepped,
        value: (_u, v) => (v === null ? "—" : v.toFixed(2)),
      },
      {
        label: "drawdown",
        scale: "dd",
        stroke: "#e5484d",
        fill: "rgba(229,72,77,0.18)",
        width: 1,
        paths: stepped,
        value: (_u, v) => (v === null ? "—" : `${(-v).toFixed(2)} %`),
      },
    ],
    axes: [
      { ...AXIS },
      { ...AXIS, scale: "usd", size: 64, values: (_u, vals) => vals.map((v) => v.toFixed(0)) },
      {
        ...AXIS,
        scale: "dd",
        side: 1,
        size: 48,
        grid: { show: false },
        values: (_u, vals) => vals.map((v) => `${(-v).toFixed(1)}%`),
      },
    ],
  };
  const plot = new uPlot(opts, [[], [], []], target);
  new ResizeObserver(() => plot.setSize({ width: Math.max(280, target.clientWidth), height: height() })).observe(
    target,
  );
  return {
    update: (points) => plot.setData(chartColumns(points)),
  };
}
