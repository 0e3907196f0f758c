// The device's page has no charts: the ESP8266 keeps no history (its flash
// image has no room for the chart library either). web/build.mjs --device
// puts this file in the place of charts.js; the page then says where the
// history is instead of drawing it.
export function renderHistory(history) {
  const panel = document.getElementById('history');
  panel.hidden = false;
  for (const chart of panel.querySelectorAll('[id^="chart-"]')) chart.hidden = true;
  document.getElementById('history-note').textContent = history.error
    ? `No history on this device: ${history.error}. The Linux program (p1bridge run) keeps and charts it.`
    : 'This device shows the live values; the Linux program (p1bridge run) keeps and charts the history.';
}

export function resizeCharts() {}
