// The configuration page in Debian's chromium (playwright-core, headless),
// against `p1bridge run` with a real mosquitto and p1sim, all on loopback.
// Environment: P1BRIDGE_BIN, P1SIM_BIN; SCREENSHOT_DIR (optional).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, mkdirSync, chmodSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { deriveLongTermKey, fromHex, open } from '../src/exchange.js';

const P1BRIDGE = process.env.P1BRIDGE_BIN;
const P1SIM = process.env.P1SIM_BIN;
const METER_KEY = '36C66639E48A8CA4D6BC8B282A793BBB';
const WEB_KEY = 'webkey4tests';
const MQTT_PASSWORD = 'mqtt-secret-pw';
const dir = mkdtempSync(join(tmpdir(), 'p1web-'));
// Everything the test, playwright and chromium write goes below `dir`, which
// is removed at the end (P1_KEEP_TEST_DIRS=1 keeps it for a look).
mkdirSync(join(dir, 'tmp'));
process.env.TMPDIR = join(dir, 'tmp');
const children = [];
let context, page, webPort, mqttPort, configPath, simLog;
const responses = [];
const output = {};  // process name -> text printed so far

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise((resolve) => {
      const c = connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not open`);
}

function start(cmd, args, name) {
  const log = join(dir, `${name}.log`);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks = [];
  output[name] = '';
  const collect = (d) => { chunks.push(d); output[name] += d.toString(); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  child.on('exit', () => writeFileSync(log, Buffer.concat(chunks)));
  children.push(child);
  return child;
}

async function login(key) {
  await page.fill('#passkey', key);
  await page.click('#login-form button[type=submit]');
}

before(async () => {
  mqttPort = await freePort();
  webPort = await freePort();
  writeFileSync(join(dir, 'mosquitto.conf'),
    `listener ${mqttPort} 127.0.0.1\nallow_anonymous true\npersistence false\n${process.getuid() === 0 ? 'user root\n' : ''}`);
  start('/usr/sbin/mosquitto', ['-c', join(dir, 'mosquitto.conf')], 'mosquitto');
  await waitForPort(mqttPort);
  simLog = join(dir, 'sim.jsonl');
  // The meter's clock at 30 s per telegram: whole quarter hours (the peaks)
  // and several hours within the test.
  start(P1SIM, ['--output', 'pty', '--link', join(dir, 'meter'), '--interval', '1', '--baud', '0', '--log', simLog,
    '--clock-start', '2026-05-04T11:40:00', '--clock-step', '30'], 'p1sim');
  for (let i = 0; i < 50 && !existsSync(join(dir, 'meter')); i++) await new Promise((r) => setTimeout(r, 100));
  configPath = join(dir, 'p1bridge.toml');
  writeFileSync(configPath, `[mqtt]\nport = ${mqttPort}\npassword = "${MQTT_PASSWORD}"\n[web]\nbind = "127.0.0.1"\nport = ${webPort}\nkey = "${WEB_KEY}"\n[queue]\ndir = "${join(dir, 'queue')}"\n[[meter]]\nname = "house"\nsource = "${join(dir, 'meter')}"\nkey = "${METER_KEY}"\n`);
  start(P1BRIDGE, ['run', '--config', configPath], 'p1bridge');
  await waitForPort(webPort);
  context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
    viewport: { width: 390, height: 844 },  // a phone
  });
  page = context.pages()[0] || await context.newPage();
  page.on('response', async (r) => {
    try {
      responses.push({ url: r.url(), status: r.status(), request: r.request().postData(), body: (await r.body()).toString('latin1') });
    } catch { /* redirects */ }
  });
  await page.goto(`http://127.0.0.1:${webPort}/`);
});

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); });
}

after(async () => {
  await context?.close();
  for (const c of children.reverse()) await stop(c);
  if (process.env.P1_KEEP_TEST_DIRS !== '1') rmSync(dir, { recursive: true, force: true });
});

test('without the passkey only the login form is shown; a wrong passkey is refused', async () => {
  assert.equal(await page.isVisible('#login-form'), true);
  assert.equal(await page.isVisible('#main'), false);
  await login('not-the-key');
  await page.waitForSelector('#login-error:has-text("Wrong passkey")');
  assert.equal(await page.isVisible('#main'), false);
  const cache = await (await fetch(`http://127.0.0.1:${webPort}/`)).headers.get('cache-control');
  assert.equal(cache, 'no-store');
});

test('the right passkey shows live values from p1sim, updating without reload', async () => {
  await login(WEB_KEY);
  await page.waitForSelector('[data-field="w_p"]', { timeout: 10000 });
  const first = await page.textContent('[data-field="u1"]');
  const sent = readFileSync(simLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l).values);
  assert.ok(sent.some((v) => `${v.u1} V` === first || `${Number(v.u1).toFixed(1)} V` === first), `${first} was never sent`);
  await page.waitForFunction((before) => document.querySelector('[data-field="u1"]').textContent !== before, first,
    { timeout: 10000 });
  await page.waitForSelector('[data-counter="readings"]', { state: 'attached' });
  mkdirSync(process.env.SCREENSHOT_DIR || dir, { recursive: true });
  await page.screenshot({ path: join(process.env.SCREENSHOT_DIR || dir, 'web-page.png'), fullPage: true });
});

// The charts: what the page received (the sealed "history" answer) drawn by
// uPlot into canvases, and the hourly bars summing to energy p1sim sent.
async function checkCharts(where, shot) {
  await where.waitForSelector('#chart-hours canvas', { timeout: 15000 });
  await where.waitForFunction(() => Number(document.getElementById('sum-hours').dataset.importWh) > 0, null, { timeout: 30000 });
  const imported = Number(await where.getAttribute('#sum-hours', 'data-import-wh'));
  const sent = readFileSync(simLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l).values.w_p);
  // Energy per hour is the register's difference: the newest register p1sim
  // sent minus the one of the first reading p1bridge took.
  assert.ok(sent.some((last) => sent.includes(last - imported)), `${imported} Wh is no difference of two registers p1sim sent`);
  // The first whole quarter hour (11:45) ends 40 telegrams in.
  await where.waitForSelector('#chart-peaks canvas', { timeout: 90000 });
  await where.waitForFunction(() => document.getElementById('peaks-note').textContent === '', null, { timeout: 90000 });
  for (const id of ['chart-live', 'chart-hours', 'chart-days', 'chart-months', 'chart-peaks']) {
    const inked = await where.evaluate((chart) => {
      const canvas = document.querySelector(`#${chart} canvas`);
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) n += 1;
      return { n, width: canvas.getBoundingClientRect().width };
    }, id);
    assert.ok(inked.n > 100, `${id}: only ${inked.n} pixels drawn`);
    const viewport = where.viewportSize().width;
    assert.ok(inked.width <= viewport, `${id}: ${inked.width} px wide in a ${viewport} px viewport`);
  }
  // Nothing wider than the screen (no sideways scrolling on a phone).
  assert.ok(await where.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  assert.equal(await where.textContent('#peaks-note'), '');
  if (shot) {
    mkdirSync(process.env.SCREENSHOT_DIR || dir, { recursive: true });
    await where.locator('#history').screenshot({ path: join(process.env.SCREENSHOT_DIR || dir, shot) });
  }
}

test('the history charts render p1sim data on a phone and on a desktop screen', async () => {
  await checkCharts(page, 'history-charts.png');
  const desktop = await context.newPage();
  await desktop.setViewportSize({ width: 1280, height: 900 });
  await desktop.goto(`http://127.0.0.1:${webPort}/`);
  await desktop.fill('#passkey', WEB_KEY);
  await desktop.click('#login-form button[type=submit]');
  await checkCharts(desktop, 'history-charts-desktop.png');
  await desktop.close();
});

test('/api/v1/history is off unless [web] api is set, then gives the same series as plain JSON', async () => {
  const reply = await fetch(`http://127.0.0.1:${webPort}/api/v1/history`);
  assert.equal(reply.status, 404);
  assert.match((await reply.json()).error, /api = true/);
  // A second p1bridge with the API on, over a copy of the first one's history file.
  const api = join(dir, 'api');
  mkdirSync(join(api, 'queue'), { recursive: true });
  for (const f of ['history.sqlite', 'history.sqlite-wal']) {
    if (existsSync(join(dir, 'queue', f))) writeFileSync(join(api, 'queue', f), readFileSync(join(dir, 'queue', f)));
  }
  const port = await freePort();
  const config = join(api, 'p1bridge.toml');
  writeFileSync(config, `[mqtt]\nport = ${mqttPort}\npassword = "${MQTT_PASSWORD}"\n[web]\nbind = "127.0.0.1"\nport = ${port}\nkey = "${WEB_KEY}"\napi = true\n[queue]\ndir = "${join(api, 'queue')}"\n[[meter]]\nname = "house"\nsource = "${join(api, 'no-such-port')}"\nkey = "${METER_KEY}"\n`);
  const child = start(P1BRIDGE, ['run', '--config', config], 'p1bridge-api');
  try {
    await waitForPort(port);
    const answer = await fetch(`http://127.0.0.1:${port}/api/v1/history`);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type'), /application\/json/);
    const text = await answer.text();
    for (const secret of [METER_KEY, MQTT_PASSWORD, WEB_KEY]) assert.ok(!text.includes(secret), `${secret} in ${text}`);
    const [meter] = JSON.parse(text).meters;
    assert.equal(meter.meter, 'house');
    assert.ok(meter.hours.length >= 1 && meter.hours.reduce((sum, h) => sum + h[1], 0) > 0, text);
    assert.ok(meter.live.length > 0 && meter.days.length >= 1 && meter.months.length >= 1, text);
  } finally {
    await stop(child);
  }
});

test('a changed setting is saved to the config file and shown after a reload', async () => {
  await page.fill('#f-mqtt_base', 'home/power');
  await page.click('#save');
  await page.waitForSelector('#save-status:has-text("Saved")');
  assert.match(readFileSync(configPath, 'utf8'), /base = ['"]home\/power['"]/);
  await page.reload();
  await login(WEB_KEY);
  await page.waitForSelector('#f-mqtt_base');
  assert.equal(await page.inputValue('#f-mqtt_base'), 'home/power');
});

test('an invalid value shows its error and changes nothing', async () => {
  const before = readFileSync(configPath, 'utf8');
  await page.fill('#f-mqtt_port', '99999');
  await page.fill('#f-mqtt_client_id', 'changed-too');
  await page.click('#save');
  await page.waitForSelector('#e-mqtt_port:has-text("expected a port number 1-65535")');
  assert.equal(await page.textContent('#save-status'), 'Not saved: please correct the marked fields.');
  assert.equal(readFileSync(configPath, 'utf8'), before);
});

test('the settings form: groups, help, a select, a switch and flags round-trip through the config file', async () => {
  for (const group of ['mqtt', 'meter', 'web', 'integrations']) assert.equal(await page.isVisible(`#g-${group} legend`), true, group);
  assert.equal(await page.isVisible('#g-wifi'), false);  // WiFi is the device's
  assert.match(await page.textContent('#h-mqtt_host'), /broker/);
  assert.equal(await page.evaluate(() => document.getElementById('f-serial_baud').tagName), 'SELECT');
  assert.equal(await page.inputValue('#f-serial_baud'), '2400');
  assert.equal(await page.getAttribute('#f-ha_discovery', 'role'), 'switch');
  assert.equal(await page.isChecked('#f-ha_discovery'), true);
  assert.equal(await page.isChecked('#f-message_mode-2'), true);  // JSON
  assert.equal(await page.isChecked('#f-message_mode-1'), false);
  await page.fill('#f-mqtt_port', '1883');  // the values the test before left refused
  await page.fill('#f-mqtt_client_id', 'p1bridge');
  await page.selectOption('#f-serial_baud', '9600');
  await page.click('#f-ha_discovery');  // a tap turns it off
  await page.check('#f-message_mode-1');
  await page.click('#save');
  await page.waitForSelector('#save-status:has-text("Saved. Restart")');
  const saved = readFileSync(configPath, 'utf8');
  assert.match(saved, /baud = 9600/);
  assert.match(saved, /discovery = false/);
  assert.match(saved, /modes = \[\s*['"]topics['"],\s*['"]json['"]\s*\]/);
  await page.reload();
  await login(WEB_KEY);
  await page.waitForSelector('#f-serial_baud');
  assert.equal(await page.inputValue('#f-serial_baud'), '9600');
  assert.equal(await page.isChecked('#f-ha_discovery'), false);
  assert.equal(await page.isChecked('#f-message_mode-1'), true);
  // No flag at all is refused by the schema, with the field's own error.
  await page.uncheck('#f-message_mode-1');
  await page.uncheck('#f-message_mode-2');
  await page.fill('#f-mqtt_port', 'port');
  await page.click('#save');
  await page.waitForSelector('#e-message_mode:has-text("expected 0, 1, 2 or a combination")');
  assert.match(await page.textContent('#e-mqtt_port'), /expected a port number 1-65535/);
  assert.equal(readFileSync(configPath, 'utf8'), saved);
  // Back as the other tests expect it.
  await page.fill('#f-mqtt_port', '1883');
  await page.check('#f-message_mode-2');
  await page.selectOption('#f-serial_baud', '2400');
  await page.click('#f-ha_discovery');
  await page.click('#save');
  await page.waitForSelector('#save-status:has-text("Saved. Restart")');
  assert.match(readFileSync(configPath, 'utf8'), /discovery = true/);
  mkdirSync(process.env.SCREENSHOT_DIR || dir, { recursive: true });
  await page.locator('#settings-form').screenshot({ path: join(process.env.SCREENSHOT_DIR || dir, 'settings-form.png') });
});

test('secrets never reach the browser, and an empty secret field keeps the stored one', async () => {
  // The answers are sealed, so searching their bodies proves nothing: every
  // /api/call answer is opened with the passkey, as the page does (the key
  // from the PBKDF2 salt of the nonce reply its request used), and the
  // plaintext is searched.
  const kdfSaltOf = new Map();
  for (const { url, body } of responses) {
    if (url.endsWith('/api/nonce')) kdfSaltOf.set(JSON.parse(body).nonce, JSON.parse(body).kdf_salt);
  }
  const keys = new Map();
  let opened = 0, settingsReplies = 0;
  for (const { url, status, request, body } of responses) {
    let text = body;
    if (url.endsWith('/api/call') && status === 200) {
      const { nonce } = JSON.parse(request);
      const kdfSalt = kdfSaltOf.get(nonce);
      assert.ok(kdfSalt, `no nonce reply seen for the call with nonce ${nonce}`);
      if (!keys.has(kdfSalt)) keys.set(kdfSalt, deriveLongTermKey(WEB_KEY, fromHex(kdfSalt)));
      text = open(keys.get(kdfSalt), fromHex(nonce), JSON.parse(body));  // throws if it does not open
      opened += 1;
      if (JSON.parse(text).fields) settingsReplies += 1;
    }
    for (const secret of [METER_KEY, MQTT_PASSWORD, WEB_KEY]) {
      assert.ok(!text.includes(secret), `${secret} in the response of ${url}: ${text}`);
    }
  }
  assert.ok(settingsReplies >= 2, `only ${settingsReplies} settings replies among ${opened} opened answers`);
  assert.equal(await page.inputValue('#f-meter_key'), '');
  assert.match(await page.getAttribute('#f-meter_key', 'placeholder'), /set/);
  await page.fill('#f-mqtt_port', '1883');
  await page.fill('#f-mqtt_client_id', 'p1bridge');
  await page.click('#save');
  await page.waitForSelector('#save-status:has-text("Saved")');
  assert.match(readFileSync(configPath, 'utf8'), new RegExp(`key = ['"]${METER_KEY}['"]`));
});

test('a recorded settings request replayed is rejected', async () => {
  // The Save request itself (not a values call of the timer): requests are
  // sealed too, so each is opened to see its op.
  const { kdf_salt: kdfSalt } = await (await fetch(`http://127.0.0.1:${webPort}/api/nonce`)).json();
  const key = deriveLongTermKey(WEB_KEY, fromHex(kdfSalt));
  const opOf = (body) => {
    const message = JSON.parse(body);
    return JSON.parse(open(key, fromHex(message.nonce), message)).op;
  };
  await page.fill('#f-mqtt_base', 'replayed/base');
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/api/call') && r.method() === 'POST' && opOf(r.postData()) === 'save'),
    page.click('#save'),
  ]);
  const body = request.postData();
  // "Saved" shows once the page has reloaded the settings and redrawn the
  // form (typing before that redraw would be overwritten).
  await page.waitForSelector('#save-status:has-text("Saved")');
  await page.fill('#f-mqtt_base', 'home/power');
  await page.click('#save');
  await page.waitForSelector('#save-status:has-text("Saved")');
  const replay = await fetch(`http://127.0.0.1:${webPort}/api/call`, { method: 'POST', body });
  assert.equal(replay.status, 403);
  assert.equal((await replay.json()).error, 'expired or reused request');
  assert.match(readFileSync(configPath, 'utf8'), /base = ['"]home\/power['"]/);
});

test('the restart action restarts p1bridge with the saved settings', async () => {
  await page.click('#restart');
  await page.waitForSelector('#save-status:has-text("Restarting")');
  const end = Date.now() + 20000;
  while (Date.now() < end && (output.p1bridge.match(/configuration page on/g) || []).length < 2) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(output.p1bridge, /restarting with the saved settings/);
  assert.equal((output.p1bridge.match(/configuration page on/g) || []).length, 2, output.p1bridge);
  await waitForPort(webPort);
  await page.reload();
  await login(WEB_KEY);
  await page.waitForSelector('#f-mqtt_base');
  assert.equal(await page.inputValue('#f-mqtt_base'), 'home/power');
});

test('where the config folder is not writable, Save is off and the page says how to fix it', async () => {
  // A folder p1bridge may read but not write: as root, p1bridge runs as
  // nobody (root writes anywhere); otherwise the folder is made read-only.
  const ro = join(dir, 'readonly');
  mkdirSync(join(ro, 'queue'), { recursive: true });
  const port = await freePort();
  const config = join(ro, 'p1bridge.toml');
  writeFileSync(config, `[mqtt]\nport = ${mqttPort}\n[web]\nbind = "127.0.0.1"\nport = ${port}\nkey = "${WEB_KEY}"\n[queue]\ndir = "${join(ro, 'queue')}"\n[[meter]]\nname = "ro"\nsource = "${join(ro, 'no-such-port')}"\nkey = "${METER_KEY}"\n`);
  let child;
  if (process.getuid() === 0) {
    chmodSync(dir, 0o755);
    chmodSync(ro, 0o755);
    chmodSync(config, 0o644);
    chmodSync(join(ro, 'queue'), 0o777);
    child = start('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', P1BRIDGE, 'run', '--config', config], 'p1bridge-readonly');
  } else {
    chmodSync(ro, 0o555);
    child = start(P1BRIDGE, ['run', '--config', config], 'p1bridge-readonly');
  }
  try {
    await waitForPort(port);
    const other = await context.newPage();
    await other.goto(`http://127.0.0.1:${port}/`);
    await other.fill('#passkey', WEB_KEY);
    await other.click('#login-form button[type=submit]');
    await other.waitForSelector('#f-mqtt_base');
    await other.waitForSelector('#save-unavailable:not(:empty)');
    const message = await other.textContent('#save-unavailable');
    assert.ok(message.includes(`cannot write to ${ro}`), message);
    assert.match(message, /chown|ConfigurationDirectory/, message);
    assert.equal(await other.isDisabled('#save'), true);
    assert.match(output['p1bridge-readonly'], /Save is off/);
    await other.close();
  } finally {
    await stop(child);
    chmodSync(ro, 0o755);
  }
});

test('failed passkey attempts are rate-limited', async () => {
  await page.click('#logout');
  for (let i = 0; i < 5; i++) {
    await login(`wrong-${i}`);
    await page.waitForSelector('#login-error:not(:empty)');
    await page.evaluate(() => { document.getElementById('login-error').textContent = ''; });
  }
  await login(WEB_KEY);
  await page.waitForSelector('#login-error:has-text("Too many wrong passkeys")');
  assert.equal(await page.isVisible('#main'), false);
});
