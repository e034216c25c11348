// What the leader's phone keeps between visits, in IndexedDB (the one browser store that survives the
// page being closed, works offline and is not sent with requests):
// - `session`: who is signed in and the refresh token (see README on why here, and the risk);
// - `households`: the group's households as last read, for the list and search without network;
// - `queue`: every signature and good deed recorded on the phone, until the server has answered it;
// - `meta`: the chosen group and campaign.

const NAME = 'pledge-leader';
const VERSION = 1;

let opened = null;

function database() {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('session');
      db.createObjectStore('meta');
      const households = db.createObjectStore('households', { keyPath: 'id' });
      households.createIndex('group', 'groupId');
      const queue = db.createObjectStore('queue', { keyPath: 'clientMutationId' });
      queue.createIndex('state', 'state');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

/** Runs `work(stores)` in one transaction over `names`; resolves with its result once committed. */
async function transaction(names, mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(names, mode);
    const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
    let result;
    Promise.resolve(work(stores)).then((value) => { result = value; }, reject);
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** An IDBRequest as a promise. */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export const store = {
  get: (name, key) => transaction([name], 'readonly', (s) => done(s[name].get(key))),
  put: (name, value, key) => transaction([name], 'readwrite', (s) => { s[name].put(value, key); }),
  delete: (name, key) => transaction([name], 'readwrite', (s) => { s[name].delete(key); }),
  all: (name) => transaction([name], 'readonly', (s) => done(s[name].getAll())),
  byIndex: (name, index, value) => transaction([name], 'readonly', (s) => done(s[name].index(index).getAll(value))),

  /** Puts every value of `values` in `name`, in one transaction. */
  putAll: (name, values) => transaction([name], 'readwrite', (s) => { for (const value of values) s[name].put(value); }),

  /** Replaces the households of `groupId` with `households`, in one transaction. */
  replaceGroup: (groupId, households) => transaction(['households'], 'readwrite', async (s) => {
    const old = await done(s.households.index('group').getAllKeys(groupId));
    for (const key of old) s.households.delete(key);
    for (const household of households) s.households.put({ ...household, groupId });
  }),

  /** Forgets the group's households and the choices (another person signed in on this phone). */
  forgetGroupData: () => transaction(['meta', 'households'], 'readwrite', (s) => {
    s.meta.clear();
    s.households.clear();
  }),

  /** Forgets everything but the queue (signing out keeps what is still to be sent). */
  forgetAllButQueue: () => transaction(['session', 'meta', 'households'], 'readwrite', (s) => {
    s.session.clear();
    s.meta.clear();
    s.households.clear();
  }),
};
