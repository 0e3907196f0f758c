// The firmware's page (build.mjs --device): the same page without the chart
// library, which says where the history is kept instead of drawing it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');

function page(args) {
  execFileSync(process.execPath, [join(web, 'build.mjs'), ...args], { cwd: web, stdio: 'pipe' });
  const file = args.includes('--device') ? 'dist/index-device.html.gz' : 'dist/index.html.gz';
  const gz = readFileSync(join(web, file));
  return { html: gunzipSync(gz).toString('utf8'), size: gz.length };
}

test('the device page leaves the chart library out and says where the history is', () => {
  const full = page([]);
  const device = page(['--device']);
  assert.match(full.html, /uplot/i);
  assert.doesNotMatch(device.html, /uplot/i);
  assert.match(device.html, /keeps and charts the history/);
  // Everything else is the same page: login, settings form, live values.
  for (const id of ['id="history"', 'id="history-note"', 'id="ota"']) assert.ok(device.html.includes(id), id);
  assert.ok(device.size < full.size / 2, `${device.size} B against ${full.size} B`);
});
