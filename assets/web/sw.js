// The leader page's service worker: it keeps the page and its files so the page opens without
// network, as an installed app or a bookmark. Only those files are answered from its cache (first,
// without asking the network: their names change with every build, and this worker's own text
// changes with them, so a new build installs a new worker with new files). Everything else, above
// all /graphql, goes to the network untouched: data is never cached here (the page keeps its own
// data in IndexedDB).

const PRECACHE = {precache};
const CACHE = 'pledge-leader-{version}';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('pledge-leader-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The page may be opened with a query (from a shared link): it is the same page.
  const path = url.pathname === '/to-dan-pho/' ? '/to-dan-pho' : url.pathname;
  if (!PRECACHE.includes(path)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const kept = await cache.match(path);
    return kept ?? fetch(request);
  })());
});
