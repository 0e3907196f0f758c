// The "history" answer, page by page. The device's reply buffer holds a few
// series at a time (core/p1/history/history_ring.h, write_part): its answer
// ends with "next" and the rest is asked for from there. The Linux program
// answers in one piece.
export const MAX_PAGES = 8;

export async function fetchHistory(call, meter) {
  const merged = {};
  let part = 0;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const reply = await call(part === 0 ? { op: 'history', meter } : { op: 'history', meter, part });
    const { next, ...series } = reply;
    Object.assign(merged, series);
    if (reply.error !== undefined || next === undefined) return merged;
    if (!Number.isInteger(next) || next <= part) throw new Error(`history page ${next} after ${part}`);
    part = next;
  }
  throw new Error(`history in more than ${MAX_PAGES} pages`);
}
