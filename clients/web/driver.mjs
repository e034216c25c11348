// What the page tests need around the browser: a demo server, chromedriver and headless Chromium,
// driven by plain WebDriver HTTP calls and Chromium's DevTools commands (through chromedriver), with
// no npm package. Everything the browser asks for and logs is kept, so a test can check at the end
// that no request left the service and nothing was refused by the content policy.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const WAIT_MS = 20_000;
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** Waits until `probe` answers something truthy, and returns it. */
export async function until(what, probe, ms = WAIT_MS, every = 50) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, every));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A demo server, chromedriver and one browser session; `close()` stops all three. */
export class Browser {
  static async start({ password }) {
    const browser = new Browser();
    browser.work = mkdtempSync(join(tmpdir(), 'pledge-pages-'));
    browser.downloads = join(browser.work, 'downloads');
    mkdirSync(browser.downloads);
    browser.children = [];
    browser.requests = [];
    browser.logged = [];

    const port = await freePort();
    const server = browser.spawn(process.env.PLEDGE_API_BIN, ['serve', '--demo'], {
      cwd: browser.work,
      env: {
        PATH: process.env.PATH,
        PLEDGE_ENV: 'development',
        PLEDGE_BIND: `127.0.0.1:${port}`,
        DATABASE_URL: `sqlite://${join(browser.work, 'pledge.db')}?mode=rwc`,
        PLEDGE_DEMO_PASSWORD: password,
        PLEDGE_LOG_FORMAT: 'text',
      },
    });
    browser.server = server;
    await until('the service to listen', () => {
      if (server.exitCode !== null) throw new Error(`pledge-api exited:\n${server.output}`);
      return server.output.includes('pledge-api is ready');
    }, 60_000);
    browser.origin = `http://127.0.0.1:${port}`;

    const driverPort = await freePort();
    browser.spawn('chromedriver', [`--port=${driverPort}`]);
    browser.driver = `http://127.0.0.1:${driverPort}`;
    await until('chromedriver', async () => (await browser.webdriver('GET', '/status')).ready);
    const created = await browser.webdriver('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'chrome',
          'goog:chromeOptions': {
            binary: process.env.CHROMIUM ?? '/usr/bin/chromium',
            args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
              '--hide-scrollbars', '--window-size=1280,900', `--user-data-dir=${join(browser.work, 'profile')}`,
              '--lang=vi-VN'],
            prefs: { 'download.default_directory': browser.downloads, 'download.prompt_for_download': false },
            perfLoggingPrefs: { enableNetwork: true, enablePage: false },
          },
          'goog:loggingPrefs': { browser: 'ALL', performance: 'ALL' },
        },
      },
    });
    browser.session = created.sessionId;
    await browser.cdp('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: browser.downloads });
    await browser.cdp('Network.enable', {});
    // Reading a log empties it: start from a blank page, so what is logged after is the pages' alone
    // (not the new-tab page's own chrome:// files).
    await browser.webdriver('POST', `/session/${browser.session}/url`, { url: 'about:blank' });
    for (const type of ['browser', 'performance']) await browser.webdriver('POST', `/session/${browser.session}/se/log`, { type });
    return browser;
  }

  /** Starts a program and keeps its output, to show when something fails. */
  spawn(command, args, options = {}) {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    child.output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => { child.output += chunk; });
    }
    this.children.push(child);
    return child;
  }

  async close() {
    if (this.session) await this.webdriver('DELETE', `/session/${this.session}`).catch(() => {});
    for (const child of this.children) child.kill();
    rmSync(this.work, { recursive: true, force: true });
  }

  /** One WebDriver command; answers its `value`, throws on a WebDriver error. */
  async webdriver(method, path, body) {
    const response = await fetch(`${this.driver}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(answer.value).slice(0, 500)}`);
    return answer.value;
  }

  /** A DevTools command on the page's target. */
  cdp(cmd, params = {}) {
    return this.webdriver('POST', `/session/${this.session}/goog/cdp/execute`, { cmd, params });
  }

  /** Runs `source` (a function body) in the page. */
  run(source, ...args) {
    return this.webdriver('POST', `/session/${this.session}/execute/sync`, { script: source, args });
  }

  /** Runs `source` (a function body that may await) in the page. */
  runAsync(source, ...args) {
    const script = `const done = arguments[arguments.length - 1];
      (async () => { ${source} })(...Array.from(arguments).slice(0, -1)).then(done, (err) => done({ error: String(err) }));`;
    return this.webdriver('POST', `/session/${this.session}/execute/async`, { script, args });
  }

  open(path) {
    return this.webdriver('POST', `/session/${this.session}/url`, { url: `${this.origin}${path}` });
  }

  /** The first element matching `css`, waited for. */
  async element(css) {
    const found = await until(`an element ${css}`, async () => {
      const list = await this.webdriver('POST', `/session/${this.session}/elements`, { using: 'css selector', value: css });
      return list[0];
    });
    return found[ELEMENT];
  }

  /** Clicks the element; found again if the page drew it anew in between. */
  async click(css) {
    await until(`a click on ${css}`, async () => {
      const id = await this.element(css);
      try {
        await this.webdriver('POST', `/session/${this.session}/element/${id}/click`, {});
        return true;
      } catch (err) {
        if (/stale element/.test(err.message)) return false;
        throw err;
      }
    });
  }

  /** Types into a field as a person would (key by key), after emptying it. */
  async type(css, text) {
    const id = await this.element(css);
    await this.webdriver('POST', `/session/${this.session}/element/${id}/clear`, {});
    await this.webdriver('POST', `/session/${this.session}/element/${id}/value`, { text });
  }

  /** The viewport of a phone or a desktop. */
  async viewport(width, height, mobile) {
    await this.cdp('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile });
  }

  /** With `offline`, the page and its worker have no network (as a phone out of coverage). */
  async network(offline) {
    await this.cdp('Network.emulateNetworkConditions', {
      offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
    });
  }

  /** Saves the page as a PNG: the whole page, or the viewport only. */
  async screenshot(path, { fullPage = false } = {}) {
    if (!path) return;
    const params = { format: 'png', captureBeyondViewport: fullPage };
    if (fullPage) {
      const { cssContentSize } = await this.cdp('Page.getLayoutMetrics');
      params.clip = { x: 0, y: 0, width: cssContentSize.width, height: cssContentSize.height, scale: 1 };
    }
    const { data } = await this.cdp('Page.captureScreenshot', params);
    writeFileSync(path, Buffer.from(data, 'base64'));
  }

  /** Files downloaded so far (finished ones). */
  downloaded() {
    return readdirSync(this.downloads).filter((name) => !name.endsWith('.crdownload'));
  }

  /** Reads the browser's logs into `requests` (every URL asked for) and `logged`; answers the new requests. */
  async drain() {
    const performance = await this.webdriver('POST', `/session/${this.session}/se/log`, { type: 'performance' });
    const fresh = [];
    for (const entry of performance) {
      const { method, params } = JSON.parse(entry.message).message;
      if (method === 'Network.requestWillBeSent') {
        fresh.push({ url: params.request.url, method: params.request.method, body: params.request.postData ?? '' });
      }
      if (method === 'Network.webSocketCreated') fresh.push({ url: params.url, method: 'WS', body: '' });
    }
    this.requests.push(...fresh);
    this.logged.push(...await this.webdriver('POST', `/session/${this.session}/se/log`, { type: 'browser' }));
    return fresh;
  }

  /** Whether `url` is this service (http or ws on its host), or inside the page already. */
  ownsUrl(url) {
    if (url.startsWith('data:') || url.startsWith('blob:')) return true;
    const parsed = new URL(url);
    return parsed.host === new URL(this.origin).host && ['http:', 'ws:'].includes(parsed.protocol);
  }

  /** GraphQL over HTTP from the test itself, as a second client would. */
  async graphql(query, variables, token) {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${this.origin}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = await response.json();
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data;
  }

  async login(username, password) {
    const data = await this.graphql(`mutation($input: LoginInput!) { login(input: $input) { accessToken } }`,
      { input: { username, password } });
    return data.login.accessToken;
  }
}
