// The leader's queue: every signature and good deed is written to IndexedDB first, with the
// `clientMutationId` made for it on the phone, and sent from there. Sending the same item again
// (after an answer lost on a bad line) is a replay the server answers as the first time, so an item
// leaves the queue only once the server has answered it, and never reaches the database twice.
//
// Item states: `pending` (to send), `refused` (the server said no: shown with the reason until the
// leader has seen it or corrected it). Recorded items are removed.

import { store } from './store.js';
import { ApiError, isTransient } from './errors.js';

/** Signatures per `recordPledges` call (the server takes up to 500; smaller batches answer sooner). */
const BATCH = 100;

/** Puts a new item in the queue. */
export function enqueue(item) {
  return store.put('queue', { ...item, state: 'pending', queuedAt: new Date().toISOString() });
}

/** Every item of the queue, oldest first. */
export async function queued() {
  const items = await store.all('queue');
  return items.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

/** Removes an item (a refusal the leader has seen, or one being corrected). */
export function drop(clientMutationId) {
  return store.delete('queue', clientMutationId);
}

/**
 * Sends the pending items of `userId` and answers what happened:
 * `{ sent, recorded: [item], refused: [item], stopped: ApiError | null }`. `sent` is 0 when there was
 * nothing to send (and then no request was made). A transient failure (no network, server busy)
 * stops the run and leaves the rest pending; so does a session that needs signing in again.
 */
export async function sync(api, userId) {
  const pending = (await queued()).filter((item) => item.state === 'pending' && item.userId === userId);
  const result = { sent: 0, recorded: [], refused: [], stopped: null };
  if (!pending.length) return result;
  const pledges = pending.filter((item) => item.kind === 'pledge');
  const deeds = pending.filter((item) => item.kind === 'goodDeed');
  try {
    for (let start = 0; start < pledges.length; start += BATCH) {
      await sendPledges(api, pledges.slice(start, start + BATCH), result);
    }
    for (const item of deeds) await sendDeed(api, item, result);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    result.stopped = err;
  }
  return result;
}

async function sendPledges(api, items, result) {
  const answer = await api.registered('SyncPledges', { inputs: items.map((item) => item.input) });
  if (!answer.data?.recordPledges) throw ApiError.from(answer.errors?.[0]);
  result.sent += items.length;
  const byKey = new Map(answer.data.recordPledges.map((outcome) => [outcome.clientMutationId, outcome]));
  for (const item of items) {
    const outcome = byKey.get(item.clientMutationId);
    if (!outcome) continue;
    if (outcome.pledge) {
      await drop(item.clientMutationId);
      result.recorded.push({ ...item, pledge: outcome.pledge });
    } else if (isTransient(outcome.error?.code)) {
      // Left pending: the next sync sends it again under the same key.
      result.stopped ??= new ApiError(outcome.error.code, outcome.error.message);
    } else {
      const refused = { ...item, state: 'refused', error: outcome.error };
      await store.put('queue', refused);
      result.refused.push(refused);
    }
  }
}

async function sendDeed(api, item, result) {
  const answer = await api.registered('RecordGoodDeed', { input: item.input });
  result.sent += 1;
  if (answer.data?.recordGoodDeed) {
    await drop(item.clientMutationId);
    result.recorded.push({ ...item, goodDeed: answer.data.recordGoodDeed });
    return;
  }
  const error = ApiError.from(answer.errors?.[0]);
  if (isTransient(error.code) || error.code === 'UNAUTHENTICATED') throw error;
  const refused = {
    ...item, state: 'refused', error: { code: error.code, field: error.field, message: error.message },
  };
  await store.put('queue', refused);
  result.refused.push(refused);
}
