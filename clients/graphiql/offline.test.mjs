// GraphiQL with the network cut: headless Chromium (driven by chromedriver over plain WebDriver
// HTTP calls, no npm packages) opens the page of a `pledge-api serve --demo`, runs a query, signs in,
// and follows a subscription over /graphql/ws. Every request the page makes must stay on the
// service's origin, and the browser must log no error (a blocked file or a content-policy refusal).
//
// Run by ./run, inside a network namespace where only loopback exists. It needs PLEDGE_API_BIN (the
// built binary), and finds `chromium` and `chromedriver` on the PATH.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEMO_PASSWORD = 'graphiql-offline-demo';
const WAIT_MS = 20_000;

const work = mkdtempSync(join(tmpdir(), 'graphiql-offline-'));
const children = [];
let origin;
let driver;
let session;

/** Starts a program and keeps its output, to show when something fails. */
function start(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  child.output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => { child.output += chunk; });
  }
  children.push(child);
  return child;
}

/** Waits until `probe` answers something truthy, and returns it. */
async function until(what, probe, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One WebDriver command; answers its `value`, throws on a WebDriver error. */
async function webdriver(method, path, body) {
  const response = await fetch(`${driver}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(answer.value)}`);
  return answer.value;
}

/** Runs `source` (a function body) in the page. */
const inPage = (source, ...args) => webdriver('POST', `/session/${session}/execute/sync`, { script: source, args });

/** GraphQL over HTTP from the test itself, as a second client would. */
async function graphql(query, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${origin}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query }) });
  const body = await response.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

/**
 * Puts `text` in the query editor (CodeMirror keeps its instance on its element), and waits until
 * GraphiQL has parsed it: it tells a subscription from a query by that parse, made a moment after
 * each change.
 */
async function setQuery(text) {
  const editor = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror";
  await inPage(`${editor}.setValue(arguments[0]);`, text);
  await until('GraphiQL to parse the query', () =>
    inPage(`return ${editor}.documentAST?.loc?.source?.body === arguments[0];`, text));
}

/** The text of the result pane. */
function result() {
  return inPage("const e = document.querySelector('.graphiql-response .CodeMirror'); return e ? e.CodeMirror.getValue() : '';");
}

/** Runs the operation in the editor and waits until the result pane reads as JSON satisfying `done`. */
async function execute(done, what) {
  await inPage("document.querySelector('.graphiql-execute-button').click();");
  return until(what, async () => {
    const text = await result();
    if (!text) return undefined;
    const json = JSON.parse(text);
    return done(json) ? json : undefined;
  });
}

before(async () => {
  const server = start(process.env.PLEDGE_API_BIN, ['serve', '--demo'], {
    cwd: work,
    env: {
      PATH: process.env.PATH,
      PLEDGE_ENV: 'development',
      PLEDGE_BIND: '127.0.0.1:0',
      DATABASE_URL: `sqlite://${join(work, 'pledge.db')}?mode=rwc`,
      PLEDGE_DEMO_PASSWORD: DEMO_PASSWORD,
      PLEDGE_LOG_FORMAT: 'text',
    },
  });
  const ready = await until('the service to listen', () => {
    if (server.exitCode !== null) throw new Error(`pledge-api exited:\n${server.output}`);
    return server.output.match(/ready: open (http:\/\/[^/\s]+)\//);
  }, 60_000);
  origin = ready[1];

  const port = await freePort();
  start('chromedriver', [`--port=${port}`]);
  driver = `http://127.0.0.1:${port}`;
  await until('chromedriver', async () => (await webdriver('GET', '/status')).ready);
  const created = await webdriver('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'chrome',
        'goog:chromeOptions': {
          binary: process.env.CHROMIUM ?? '/usr/bin/chromium',
          args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
            '--no-first-run', '--window-size=1280,900', `--user-data-dir=${join(work, 'profile')}`],
          perfLoggingPrefs: { enableNetwork: true, enablePage: false },
        },
        'goog:loggingPrefs': { browser: 'ALL', performance: 'ALL' },
      },
    },
  });
  session = created.sessionId;
  // Reading a log empties it: start from a blank page, so what is logged after is the page's alone.
  await webdriver('POST', `/session/${session}/url`, { url: 'about:blank' });
  for (const type of ['browser', 'performance']) await webdriver('POST', `/session/${session}/se/log`, { type });
});

after(async () => {
  if (session) await webdriver('DELETE', `/session/${session}`).catch(() => {});
  for (const child of children) child.kill();
  rmSync(work, { recursive: true, force: true });
});

test('GraphiQL loads from the service alone, answers a query, a login and a subscription', async (t) => {
  try {
    await useGraphiql();
  } catch (err) {
    // What the page showed and logged, and what the service said, to tell why.
    t.diagnostic(`result pane: ${await result().catch((e) => e.message)}`);
    const logged = await webdriver('POST', `/session/${session}/se/log`, { type: 'browser' }).catch(() => []);
    for (const entry of logged) t.diagnostic(`browser ${entry.level}: ${entry.message}`);
    t.diagnostic(`pledge-api:\n${children[0].output}`);
    throw err;
  }
});

async function useGraphiql() {
  // Arrange: the page, until GraphiQL has drawn its editor.
  await webdriver('POST', `/session/${session}/url`, { url: `${origin}/graphql` });
  await until('GraphiQL to draw its editor', () =>
    inPage("return !!document.querySelector('.graphiql-query-editor .CodeMirror');"));

  // Act: a query.
  await setQuery('{ __typename }');
  const typename = await execute((json) => json.data?.__typename, 'the answer to { __typename }');

  // Assert
  assert.deepEqual(typename, { data: { __typename: 'Query' } });

  // Act: sign in as the demo ward official, and ask who we are with the token in the Headers tab.
  await setQuery(`mutation { login(input: { username: "lamson.official", password: "${DEMO_PASSWORD}" }) { accessToken user { username } } }`);
  const login = await execute((json) => json.data?.login || json.errors, 'the answer to login');
  assert.equal(login.errors, undefined, JSON.stringify(login.errors));
  assert.equal(login.data.login.user.username, 'lamson.official');
  const token = login.data.login.accessToken;
  // The tools section holds the variables editor, then the headers editor.
  await inPage(`
    const editors = document.querySelectorAll('.graphiql-editor-tool .CodeMirror');
    editors[editors.length - 1].CodeMirror.setValue(arguments[0]);`, JSON.stringify({ Authorization: `Bearer ${token}` }));
  await setQuery('{ me { username } }');
  const me = await execute((json) => json.data?.me || json.errors, 'the answer to { me }');

  // Assert
  assert.deepEqual(me, { data: { me: { username: 'lamson.official' } } });

  // Act: follow coverage over /graphql/ws, then record a pledge from another client.
  const { campaigns } = await graphql('{ campaigns(first: 10) { edges { node { id status startsOn } } } }', token);
  const campaign = campaigns.edges.map((edge) => edge.node).find((node) => node.status === 'OPEN');
  assert.ok(campaign, 'the demo campaign is open');
  const report = await graphql(`{ coverageReport(campaignId: "${campaign.id}") { groups { group { name }
    signedHouseholds unsignedHouseholds(first: 1) { edges { node { id } } } } } }`, token);
  const group = report.coverageReport.groups.find((g) => g.unsignedHouseholds.edges.length > 0);
  assert.ok(group, 'a household still to sign');
  await setQuery(`subscription { coverageUpdated(campaignId: "${campaign.id}") { group { name } signedHouseholds } }`);
  await inPage("document.querySelector('.graphiql-execute-button').click();");
  // The subscription is live once GraphiQL shows its stop button.
  await until('the subscription to start', () =>
    inPage("return document.querySelector('.graphiql-execute-button')?.getAttribute('aria-label')?.startsWith('Stop');"));
  await graphql(`mutation { recordPledge(input: { clientMutationId: "${crypto.randomUUID()}",
    householdId: "${group.unsignedHouseholds.edges[0].node.id}", campaignId: "${campaign.id}",
    signerName: "Nguyễn Văn An", signedOn: "${campaign.startsOn}" }) { id } }`, token);
  const event = await until('the coverage event in the result pane', async () => {
    const text = await result();
    return text.includes('coverageUpdated') ? JSON.parse(text) : undefined;
  });

  // Assert
  assert.deepEqual(event, {
    data: { coverageUpdated: { group: { name: group.group.name }, signedHouseholds: group.signedHouseholds + 1 } },
  });
  // Act: the parts of GraphiQL that draw overlays and rendered markdown, under the content policy.
  await inPage(`document.querySelector('[aria-label="Show Documentation Explorer"]').click();`);
  await until('the documentation explorer', () =>
    inPage("return document.querySelector('.graphiql-doc-explorer')?.textContent.includes('Subscription');"));
  await inPage(`document.querySelector('[aria-label="Open settings dialog"]').click();`);
  await until('the settings dialog', () => inPage("return !!document.querySelector('[role=dialog]');"));
  if (process.env.GRAPHIQL_SCREENSHOT) {
    const png = await webdriver('GET', `/session/${session}/screenshot`);
    writeFileSync(process.env.GRAPHIQL_SCREENSHOT, Buffer.from(png, 'base64'));
  }

  // Assert
  const requests = await networkRequests();
  const elsewhere = requests.filter((url) => !sameOrigin(url));
  assert.deepEqual(elsewhere, [], 'requests that left the service');
  for (const path of ['/graphql', '/graphql/ws', '/graphiql/']) {
    assert.ok(requests.some((url) => new URL(url).pathname.startsWith(path)), `no request to ${path}: ${requests}`);
  }
  const entries = await inPage('return performance.getEntriesByType("resource").map((e) => e.name);');
  assert.deepEqual(entries.filter((url) => !sameOrigin(url)), [], 'resources from elsewhere');
  const logged = await webdriver('POST', `/session/${session}/se/log`, { type: 'browser' });
  const problems = logged.filter((entry) => entry.level === 'SEVERE' || /Content Security Policy/i.test(entry.message));
  assert.deepEqual(problems, [], 'errors in the browser log');
}

/** Same origin as the service, in http(s) or ws(s); `data:` URLs are inside the page already. */
function sameOrigin(url) {
  if (url.startsWith('data:')) return true;
  const parsed = new URL(url);
  const service = new URL(origin);
  return parsed.host === service.host && ['http:', 'ws:'].includes(parsed.protocol);
}

/** Every URL the page asked for (its requests and WebSockets), from Chromium's network events. */
async function networkRequests() {
  const logged = await webdriver('POST', `/session/${session}/se/log`, { type: 'performance' });
  const urls = [];
  for (const entry of logged) {
    const { method, params } = JSON.parse(entry.message).message;
    if (method === 'Network.requestWillBeSent') urls.push(params.request.url);
    if (method === 'Network.webSocketCreated') urls.push(params.url);
  }
  return urls;
}
