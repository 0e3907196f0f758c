// The configuration page: login, live values, counters, settings.
import { sha256 } from '@noble/hashes/sha2.js';
import { Session, toHex } from './exchange.js';
import { renderHistory, resizeCharts } from './charts.js';
import { fetchHistory } from './history_pages.js';

const FIELDS = [
  ['w_p', 'Energy import', 'Wh'], ['w_n', 'Energy export', 'Wh'], ['p_p', 'Power import', 'W'],
  ['p_n', 'Power export', 'W'], ['u1', 'Voltage L1', 'V'], ['u2', 'Voltage L2', 'V'], ['u3', 'Voltage L3', 'V'],
  ['i1', 'Current L1', 'A'], ['i2', 'Current L2', 'A'], ['i3', 'Current L3', 'A'], ['phi', 'Power factor', ''],
];
const COUNTERS = ['bytes', 'frames', 'checksum_errors', 'telegrams', 'readings', 'decrypt_errors', 'auth_errors',
  'decode_errors', 'frame_counter_gaps', 'frame_counter_repeats', 'queue', 'published', 'dropped'];

let session = null;  // the passkey and its stretched key, while logged in
let timer = null;
let historyTimer = null;
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function show(view) {
  $('login').hidden = view !== 'login';
  $('main').hidden = view !== 'main';
}

async function login(event) {
  event.preventDefault();
  const attempt = new Session($('passkey').value);
  $('login-error').textContent = '';
  try {
    await attempt.call({ op: 'login' });  // PBKDF2 once, here
    session = attempt;
    $('passkey').value = '';
    show('main');
    await Promise.all([refreshValues(), loadSettings(), refreshHistory()]);
    timer = setInterval(refreshValues, 2000);
    historyTimer = setInterval(refreshHistory, 5000);
  } catch (e) {
    $('login-error').textContent = e.status === 429
      ? `Too many wrong passkeys. Try again in ${Math.ceil((e.retryAfter || 30))} s.`
      : e.status === 403 ? 'Wrong passkey.' : `Cannot reach p1bridge: ${e.message}`;
  }
}

function renderMeter(meter) {
  const card = el('section', { class: 'card meter' }, el('h2', { text: meter.name }));
  const values = el('dl', { class: 'values' });
  const reading = meter.reading || {};
  for (const [key, label, unit] of FIELDS) {
    if (!(key in reading)) continue;
    values.append(el('dt', { text: label }), el('dd', { 'data-field': key, text: `${reading[key]} ${unit}`.trim() }));
  }
  if (!meter.reading) values.append(el('dd', { class: 'muted', text: 'No reading yet.' }));
  card.append(el('p', { class: 'muted', text: reading.timestamp ? `Meter ${reading.meternumber || ''} at ${reading.timestamp}` : '' }), values);
  const counters = el('dl', { class: 'counters' });
  for (const key of COUNTERS) {
    if (meter.status && key in meter.status) counters.append(el('dt', { text: key.replace(/_/g, ' ') }), el('dd', { 'data-counter': key, text: String(meter.status[key]) }));
  }
  card.append(el('details', {}, el('summary', { text: 'Counters' }), counters));
  return card;
}

async function refreshValues() {
  try {
    const reply = await session.call({ op: 'values' });
    $('meters').replaceChildren(...reply.meters.map(renderMeter));
    $('updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    $('updated').textContent = `Not updated: ${e.message}`;
  }
}

// The form follows the core's settings schema: its groups, its kinds (select,
// switch, flags) and its help; the validators stay on the other side.
const GROUPS = { wifi: 'WiFi', mqtt: 'MQTT', meter: 'Meter', web: 'Web page', integrations: 'Integrations' };
let fields = [];  // the schema's fields as last shown

const optionPair = (o) => (Array.isArray(o) ? o : [o, o]);

function fieldInput(field) {
  const id = `f-${field.key}`;
  if (field.kind === 'select') {
    const select = el('select', { id, name: field.key });
    for (const [value, label] of field.options.map(optionPair)) select.append(el('option', { value, text: label }));
    // A value the list does not offer (set in the file) is shown, not lost.
    if (!field.options.map(optionPair).some(([v]) => v === field.value)) select.append(el('option', { value: field.value, text: field.value }));
    select.value = field.value;
    return select;
  }
  if (field.kind === 'switch') {
    const [on] = optionPair(field.options[0]);
    const box = el('input', { id, name: field.key, type: 'checkbox', role: 'switch', class: 'switch' });
    box.checked = field.value === on;
    return box;
  }
  if (field.kind === 'flags') {
    const group = el('span', { id, class: 'flags', role: 'group' });
    field.options.map(optionPair).forEach(([value, label], i) => {
      const box = el('input', { id: `${id}-${i}`, type: 'checkbox', 'data-flag': value });
      box.checked = field.value.includes(value);
      group.append(el('label', { class: 'flag', for: `${id}-${i}` }, box, label));
    });
    return group;
  }
  const input = el('input', { id, name: field.key, autocomplete: 'off', type: field.kind === 'secret' ? 'password' : 'text' });
  if (field.kind === 'number') input.setAttribute('inputmode', 'numeric');
  if (field.kind === 'secret') input.placeholder = field.set ? '(set - leave empty to keep)' : '(not set)';
  else input.value = field.value;
  return input;
}

// The text the schema stores for what the form shows.
function fieldValue(field) {
  const input = $(`f-${field.key}`);
  if (field.kind === 'switch') return optionPair(field.options[input.checked ? 0 : 1])[0];
  if (field.kind === 'flags') return [...input.querySelectorAll('input:checked')].map((b) => b.dataset.flag).join('');
  return input.value;
}

// The first meter's history (the charts of one meter: a house has one).
async function refreshHistory() {
  try {
    const reply = await fetchHistory((request) => session.call(request), 0);
    $('history-meter').textContent = reply.meter ? `(${reply.meter})` : '';
    renderHistory(reply);
  } catch (e) {
    $('history-note').textContent = `History not updated: ${e.message}`;
  }
}

async function loadSettings() {
  const reply = await session.call({ op: 'settings' });
  $('ota').hidden = !reply.ota;  // the device updates over the air; the Linux program does not
  fields = reply.fields;
  const groups = new Map();
  for (const field of fields) {
    if (!groups.has(field.group)) groups.set(field.group, el('fieldset', { id: `g-${field.group}` }, el('legend', { text: GROUPS[field.group] || field.group })));
    const row = el(field.kind === 'flags' ? 'div' : 'label', { class: `field ${field.kind}`, ...(field.kind === 'flags' ? {} : { for: `f-${field.key}` }) },
      el('span', { text: field.label }), fieldInput(field));
    if (field.help) row.append(el('small', { class: 'help', id: `h-${field.key}`, text: field.help }));
    row.append(el('small', { class: 'error', id: `e-${field.key}` }));
    groups.get(field.group).append(row);
  }
  // In the schema's group order (WiFi, MQTT, meter, web page, integrations).
  const order = Object.keys(GROUPS);
  $('settings-fields').replaceChildren(...[...groups.entries()].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([, g]) => g));
  // Where p1bridge cannot write its config (a read-only folder), Save is off
  // and the page says why and how to fix it, instead of failing on click.
  $('save').disabled = !reply.can_save;
  $('save-unavailable').textContent = reply.can_save ? '' : reply.save_unavailable || 'Saving is not possible here.';
}

async function saveSettings(event) {
  event.preventDefault();
  const settings = {};
  for (const field of fields) settings[field.key] = fieldValue(field);
  for (const e of document.querySelectorAll('.error')) e.textContent = '';
  $('save-status').textContent = 'Saving...';
  try {
    const reply = await session.call({ op: 'save', settings });
    if (reply.errors && Object.keys(reply.errors).length) {
      for (const [key, message] of Object.entries(reply.errors)) ($(`e-${key}`) || $('save-unavailable')).textContent = message;
      $('save-status').textContent = 'Not saved: please correct the marked fields.';
      return;
    }
    // The form shows what was saved before the status says so: typing into
    // it meanwhile would be lost when it is rebuilt.
    let shown = true;
    try { await loadSettings(); } catch { shown = false; }
    $('save-status').textContent = shown ? 'Saved. Restart p1bridge to apply.' : 'Saved (reload to see it). Restart p1bridge to apply.';
  } catch (e) {
    $('save-status').textContent = `Not saved: ${e.message}`;
  }
}

async function restart() {
  $('save-status').textContent = 'Restarting...';
  try {
    await session.call({ op: 'restart' });
    $('save-status').textContent = 'Restarting; the page reconnects in a few seconds.';
  } catch (e) {
    $('save-status').textContent = `Restart failed: ${e.message}`;
  }
}

async function installFirmware(event) {
  event.preventDefault();
  const file = $('ota-file').files[0];
  if (!file) return;
  $('ota-status').textContent = 'Uploading...';
  try {
    // The device installs only the image whose size and SHA-256 this
    // logged-in page announces, and only with the single-use token it returns.
    const image = new Uint8Array(await file.arrayBuffer());
    const reply0 = await session.call({ op: 'ota_begin', size: file.size, sha256: toHex(sha256(image)) });
    if (reply0.error) throw new Error(reply0.error);
    const { token } = reply0;
    const form = new FormData();
    form.append('firmware', file, file.name);
    const reply = await fetch(`/update?token=${token}`, { method: 'POST', body: form });
    const json = await reply.json();
    $('ota-status').textContent = reply.ok ? json.message : `Not installed: ${json.error}`;
  } catch (e) {
    $('ota-status').textContent = `Not installed: ${e.message}`;
  }
}

function logout() {
  session = null;
  clearInterval(timer);
  clearInterval(historyTimer);
  $('meters').replaceChildren();
  $('settings-fields').replaceChildren();
  show('login');
}

$('login-form').addEventListener('submit', login);
$('settings-form').addEventListener('submit', saveSettings);
$('restart').addEventListener('click', restart);
$('logout').addEventListener('click', logout);
$('ota-form').addEventListener('submit', installFirmware);
window.addEventListener('resize', resizeCharts);
show('login');
