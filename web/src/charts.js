// The history panel: live power and energy per hour, day and month, and the
// quarter-hour peaks, drawn with uPlot (a small maintained canvas chart
// library). Times arrive as the meter's wall clock in seconds read as UTC
// (core/p1/history/history_sample.h), so they are shown in UTC: the hours on
// the page are the hours on the meter.
import uPlot from 'uplot';

const tzDate = (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');
const IMPORT = '#0b6e4f';
const EXPORT = '#d97706';
const charts = new Map();  // panel id -> uPlot instance

const kwh = (wh) => (wh / 1000).toFixed(3);

// Energy bars: import up, export down (as the live power's sign), over the
// whole range the panel promises (a new installation's first hour is one
// bar at the right, not a bar stretched over years).
function energyOptions(width, unitLabel, range) {
  const bars = uPlot.paths.bars({ size: [0.7, 40], gap: 1 });
  return {
    width, height: 180, tzDate, legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true, range: () => range } },
    axes: [{}, { label: unitLabel, size: 50 }],
    series: [{}, { label: 'Import', fill: IMPORT, stroke: IMPORT, paths: bars, points: { show: false } },
      { label: 'Export', fill: EXPORT, stroke: EXPORT, paths: bars, points: { show: false } }],
  };
}

function liveOptions(width) {
  return {
    width, height: 180, tzDate, legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [{}, { label: 'W', size: 50 }],
    series: [{}, { label: 'Power (import +)', stroke: IMPORT, fill: 'rgba(11,110,79,.12)', width: 2, points: { show: false } }],
  };
}

function draw(id, options, data) {
  const host = document.getElementById(id);
  const width = Math.max(240, host.clientWidth);
  let chart = charts.get(id);
  if (chart && chart.series.length === options.series.length) {
    chart.setData(data);
    if (chart.width !== width) chart.setSize({ width, height: options.height });
    return;
  }
  chart?.destroy();
  chart = new uPlot(options, data, host);
  charts.set(id, chart);
}

// Rows [start, Wh in, Wh out] -> columns, export negative, in Wh or kWh.
const energyColumns = (rows, scale) => [rows.map((r) => r[0]), rows.map((r) => r[1] / scale), rows.map((r) => -r[2] / scale)];

const HOUR = 3600;
const DAY = 86400;
// [first, last] period start shown, half a bar of margin on each side.
function periodRange(key, latest) {
  if (key === 'hours') {
    const end = Math.floor(latest / HOUR) * HOUR;
    return [end - 47.5 * HOUR, end + 0.5 * HOUR];
  }
  if (key === 'days') {
    const end = Math.floor(latest / DAY) * DAY;
    return [end - 61.5 * DAY, end + 0.5 * DAY];
  }
  const d = new Date(latest * 1000);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 23, 1) / 1000;
  return [start - 15 * DAY, end + 15 * DAY];
}

function summary(id, rows, what) {
  const imported = rows.reduce((s, r) => s + r[1], 0);
  const exported = rows.reduce((s, r) => s + r[2], 0);
  const el = document.getElementById(id);
  el.textContent = rows.length ? `${what}: ${kwh(imported)} kWh imported, ${kwh(exported)} kWh exported` : `${what}: no data yet`;
  el.dataset.importWh = String(imported);
  el.dataset.exportWh = String(exported);
}

export function renderHistory(history) {
  const panel = document.getElementById('history');
  if (history.error) {
    panel.hidden = false;
    document.getElementById('history-note').textContent = `No history: ${history.error}.`;
    return;
  }
  panel.hidden = false;
  document.getElementById('history-note').textContent = '';
  const width = document.getElementById('chart-live').clientWidth;
  const live = history.live || [];
  draw('chart-live', liveOptions(width), [live.map((p) => p[0]), live.map((p) => p[1])]);
  const last = live[live.length - 1];
  document.getElementById('live-now').textContent = last ? `${last[1]} W` : '';
  for (const [key, id, what] of [['hours', 'chart-hours', 'Last 48 hours'], ['days', 'chart-days', 'Last 2 months'],
    ['months', 'chart-months', 'Last 2 years']]) {
    const rows = history[key] || [];
    const latest = Math.max(last ? last[0] : 0, ...rows.map((r) => r[0])) || Date.now() / 1000;
    const kilo = rows.some((r) => Math.max(r[1], r[2]) >= 1000);
    const range = periodRange(key, latest);
    // The unit may change (the first kWh): the chart is rebuilt then.
    const chart = charts.get(id);
    if (chart && chart.p1unit !== kilo) { chart.destroy(); charts.delete(id); }
    draw(id, energyOptions(width, kilo ? 'kWh' : 'Wh', range), energyColumns(rows, kilo ? 1000 : 1));
    charts.get(id).p1unit = kilo;
    charts.get(id).setScale('x', { min: range[0], max: range[1] });
    summary(`sum-${key}`, rows, what);
  }
  // The highest quarter hour of each day, from the quarter-hour demand.
  const peaks = history.peaks || [];
  document.getElementById('peaks-note').textContent = peaks.length ? ''
    : 'No quarter-hour peaks yet: they appear once whole quarter hours have been measured.';
  document.getElementById('chart-peaks').hidden = peaks.length === 0;
  if (peaks.length) {
    const bars = uPlot.paths.bars({ size: [0.7, 40], gap: 1 });
    // The same two months as the days' chart (one day is one bar, not a bar over years).
    const range = periodRange('days', Math.max(last ? last[0] : 0, ...peaks.map((p) => p[2])));
    draw('chart-peaks', {
      width, height: 160, tzDate, scales: { x: { time: true, range: () => range } }, axes: [{}, { label: 'kW', size: 50 }],
      series: [{}, { label: 'Highest quarter hour', fill: IMPORT, stroke: IMPORT, paths: bars, points: { show: false } }],
    }, [peaks.map((p) => p[0]), peaks.map((p) => p[1] / 1000)]);
    charts.get('chart-peaks').setScale('x', { min: range[0], max: range[1] });
  }
}

// Charts follow the page's width (a phone turned, a window resized).
export function resizeCharts() {
  for (const [id, chart] of charts) {
    const width = Math.max(240, document.getElementById(id).clientWidth);
    if (chart.width !== width) chart.setSize({ width, height: chart.height });
  }
}
