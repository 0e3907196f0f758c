// The page's side of the paged "history" answer (src/history_pages.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchHistory, MAX_PAGES } from '../src/history_pages.js';

function backend(pages) {
  const asked = [];
  return {
    asked,
    call: async (request) => {
      asked.push(request);
      return pages[request.part ?? 0];
    },
  };
}

test('a one-piece answer (the Linux program) is taken as it is', async () => {
  const b = backend({ 0: { meter: 'house', live: [[1, 2]], hours: [], days: [], months: [], peaks: [] } });
  assert.deepEqual(await fetchHistory(b.call, 0), { meter: 'house', live: [[1, 2]], hours: [], days: [], months: [], peaks: [] });
  assert.deepEqual(b.asked, [{ op: 'history', meter: 0 }]);
});

test('a paged answer (the device) is asked for from each "next" and merged', async () => {
  const b = backend({
    0: { live: [[1, -5]], hours: [[0, 1, 0]], next: 2 },
    2: { days: [[0, 24, 0]], months: [[0, 24, 0]], next: 4 },
    4: { peaks: [[0, 900, 0, 1]] },
  });
  assert.deepEqual(await fetchHistory(b.call, 0),
    { live: [[1, -5]], hours: [[0, 1, 0]], days: [[0, 24, 0]], months: [[0, 24, 0]], peaks: [[0, 900, 0, 1]] });
  assert.deepEqual(b.asked.map((r) => r.part), [undefined, 2, 4]);
});

test('an error ends it; pages that do not move on are refused', async () => {
  assert.deepEqual(await fetchHistory(backend({ 0: { error: 'the history answer does not fit' } }).call, 0),
    { error: 'the history answer does not fit' });
  await assert.rejects(fetchHistory(backend({ 0: { live: [], next: 0 } }).call, 0), /history page 0 after 0/);
  const endless = { call: async (r) => ({ live: [], next: (r.part ?? 0) + 1 }) };
  await assert.rejects(fetchHistory(endless.call, 0), new RegExp(`more than ${MAX_PAGES} pages`));
});
