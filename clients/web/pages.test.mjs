// The board and the leader's page in headless Chromium, against `pledge-api serve --demo`, with the
// network cut (./run starts this inside a namespace where only loopback exists): an official signs
// in, sees the ward's twelve groups, watches a pledge recorded elsewhere move a bar, downloads an
// export and reads the year-end report; a leader on a phone records three signatures offline, comes back online, and the three
// reach the database once each. At the end no request may have left the service and the browser
// may have logged no error (a blocked file, a content-policy refusal).
//
// PLEDGE_API_BIN names the built binary; PAGES_SCREENSHOTS, a folder for the screenshots.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, until } from './driver.mjs';

const PASSWORD = 'pages-offline-demo';
const shots = process.env.PAGES_SCREENSHOTS;
const shot = (name) => (shots ? join(shots, name) : null);

let browser;
let official;

before(async () => {
  browser = await Browser.start({ password: PASSWORD });
  official = await browser.login('lamson.official', PASSWORD);
});

after(async () => {
  await browser?.close();
});

/** Runs `body`; on failure, says what the browser logged and the server printed. */
async function explained(t, body) {
  try {
    await body();
  } catch (err) {
    await browser.drain().catch(() => {});
    for (const entry of browser.logged) t.diagnostic(`browser ${entry.level}: ${entry.message}`);
    const said = await browser.run(`return [...document.querySelectorAll('[role=status], [role=alert], .error')]
      .map((e) => (e.id || e.className) + ': ' + e.textContent).filter((line) => !line.endsWith(': '));`).catch((e) => [e.message]);
    for (const line of said) t.diagnostic(`page ${line}`);
    for (const request of browser.requests.slice(-15)) {
      t.diagnostic(`request ${request.method} ${request.url} ${request.body.slice(0, 60)}`);
    }
    t.diagnostic(`pledge-api:\n${browser.server.output.slice(-4000)}`);
    throw err;
  }
}

/** The demo campaign and ward, and a group's unsigned households, read through the API. */
async function demo() {
  const { campaigns, wards } = await browser.graphql(`{ campaigns { edges { node { id status } } }
    wards { edges { node { id } } } }`, {}, official);
  const campaign = campaigns.edges.map((e) => e.node).find((c) => c.status === 'OPEN');
  return { campaignId: campaign.id, wardId: wards.edges[0].node.id };
}

async function unsignedOf(groupName) {
  const { campaignId, wardId } = await demo();
  const { coverageReport } = await browser.graphql(`query($c: ID!, $w: ID) { coverageReport(campaignId: $c, wardId: $w) {
    groups { group { id name } signedHouseholds unsignedHouseholds(first: 100) { edges { node { id headName } } } } } }`,
  { c: campaignId, w: wardId }, official);
  const row = coverageReport.groups.find((g) => g.group.name === groupName);
  return { campaignId, row, households: row.unsignedHouseholds.edges.map((e) => e.node) };
}

/** The rows of the board's groups table, in the order shown. */
function boardRows() {
  return browser.run(`return [...document.querySelectorAll('#groups tbody tr')].map((tr) => ({
    id: tr.dataset.groupId, name: tr.querySelector('th').textContent.trim(), signed: Number(tr.dataset.signed),
    total: Number(tr.dataset.total), text: tr.textContent, full: tr.classList.contains('full'),
    mark: tr.querySelector('.mark')?.textContent ?? null }));`);
}

test('an official signs in, sees every group, watches a pledge arrive live, downloads an export and reads the year-end report', (t) => explained(t, async () => {
  // Arrange
  await browser.viewport(1280, 900, false);
  await browser.open('/');
  await browser.drain();

  // Act: sign in as a person would.
  await browser.type('#signin-username', 'lamson.official');
  await browser.type('#signin-password', PASSWORD);
  await browser.click('form.signin button[type=submit]');
  const rows = await until('the twelve groups', async () => {
    const shown = await boardRows();
    return shown.length === 12 ? shown : undefined;
  });

  // Assert: every group, lowest coverage first, Tổ dân phố 11 complete and marked.
  const eleven = rows.find((row) => row.name === 'Tổ dân phố 11');
  assert.deepEqual([eleven.signed, eleven.total, eleven.full, eleven.mark], [39, 39, true, '✓ Đạt 100%']);
  assert.ok(eleven.text.includes('100%'), eleven.text);
  assert.deepEqual(rows.filter((row) => row.full).map((row) => row.name), ['Tổ dân phố 11']);
  const shares = rows.map((row) => row.signed / row.total);
  assert.deepEqual(shares, [...shares].sort((a, b) => a - b), 'lowest coverage first');
  assert.equal(rows.at(-1).name, 'Tổ dân phố 11');
  const total = await browser.run("return document.getElementById('total-figures').textContent;");
  assert.ok(total.includes('388/536 hộ đã ký'), total);
  const chart = await browser.run("return document.querySelector('#chart svg')?.getAttribute('aria-label');");
  assert.match(chart, /Tiến độ ký cam kết theo ngày: .*72,3%/);
  await until('the live updates', () => browser.run("return document.getElementById('live-status').dataset.state === 'live';"));
  await browser.screenshot(shot('board-desktop.png'));

  // Act: a pledge recorded elsewhere (a leader's phone, here the API) for Tổ dân phố 12.
  const { campaignId, row, households } = await unsignedOf('Tổ dân phố 12');
  await browser.run('window.sameDocument = true;');
  const sent = Date.now();
  await browser.graphql(`mutation($input: RecordPledgeInput!) { recordPledge(input: $input) { id } }`, {
    input: { clientMutationId: crypto.randomUUID(), householdId: households[0].id, campaignId,
      signerName: 'Nguyễn Văn An', signedOn: '2023-10-20' },
  }, official);
  await until('the bar of Tổ dân phố 12 to move', async () => {
    const moved = await boardRows();
    return moved.find((r) => r.id === row.group.id)?.signed === row.signedHouseholds + 1;
  }, 5_000, 20);
  const elapsed = Date.now() - sent;

  // Assert: within a second, in the same document (no reload), the ward's total moved with it.
  t.diagnostic(`the bar moved ${elapsed} ms after the pledge was answered`);
  assert.ok(elapsed < 1000, `${elapsed} ms`);
  assert.equal(await browser.run('return window.sameDocument === true;'), true, 'the page was not reloaded');
  const after = await browser.run("return document.getElementById('total-figures').textContent;");
  assert.ok(after.includes('389/536 hộ đã ký'), after);

  // Act: the coverage workbook.
  await browser.click('#export-coverage');
  const file = await until('the workbook in the downloads', () => browser.downloaded().find((n) => n.endsWith('.xlsx')));

  // Assert: a workbook (a zip holding xl/workbook.xml) named by the server, and said on the page.
  const bytes = readFileSync(join(browser.downloads, file));
  assert.equal(bytes.subarray(0, 4).toString('hex'), '504b0304', 'a zip file');
  assert.ok(bytes.includes(Buffer.from('xl/workbook.xml')), 'an xlsx workbook');
  assert.match(file, /^coverage.*\.xlsx$/);
  const said = await browser.run("return document.getElementById('export-status').textContent;");
  assert.equal(said, `Đã tải tệp ${file}.`);

  // Act: the group's door-to-door list.
  await browser.click(`#groups tr[data-group-id="${row.group.id}"] button`);
  const listed = await until('the unsigned households', () =>
    browser.run("return document.querySelectorAll('#unsigned tbody tr').length || undefined;"));

  // Assert
  assert.equal(listed, households.length - 1);
  await until('the good deeds', () => browser.run("return document.getElementById('deeds').textContent.length > 0;"));
  await browser.screenshot(shot('board-group-desktop.png'));

  // Act: the year-end report of 2023, and its workbook.
  await browser.click('#year-show');
  const security = await until('the year-end report', () => browser.run(`const row = document.querySelector(
    '#year-report tr[data-category="SECURITY_ORDER"]'); return row && [...row.cells].map((c) => c.textContent);`));
  const yearGroups = await browser.run("return [...document.querySelectorAll('#year-report tr[data-group-id]')].map((tr) => tr.textContent);");
  await browser.click('#export-year');
  const workbook = await until('the year-end workbook', () => browser.downloaded().find((n) => n.startsWith('movement-year')));

  // Assert: the ward's incidents against the year before, every group, the workbook.
  assert.deepEqual(security, ['An ninh, trật tự (chưa đủ số liệu các tháng)', '23', '28', '−5', '-17,9%']);
  assert.equal(yearGroups.length, 12);
  assert.ok(yearGroups.some((text) => text.startsWith('Tổ dân phố 11') && text.includes('39/39 (100%)')), yearGroups.join('\n'));
  const report = await browser.run("return document.getElementById('year-report').textContent;");
  for (const part of ['Tổng hợp', '389/536 hộ đã ký cam kết', 'Mô hình tự quản', 'Khen thưởng', 'Ngày hội', 'Khảo sát sự hài lòng']) {
    assert.ok(report.includes(part), `${part} is not in the report`);
  }
  assert.match(workbook, /^movement-year-.*-2023\.xlsx$/);
  const book = readFileSync(join(browser.downloads, workbook));
  assert.equal(book.subarray(0, 4).toString('hex'), '504b0304', 'a zip file');
  await browser.run("document.getElementById('year').scrollIntoView();");
  await browser.screenshot(shot('board-year-desktop.png'));

  await browser.viewport(360, 740, true);
  await browser.run('window.scrollTo(0, 0);');
  await browser.screenshot(shot('board-phone.png'));
  await browser.click('#logout');
  await browser.element('#signin-username');
  await browser.drain();
}));

/** The household buttons of the leader's list, as shown. */
function leaderList() {
  return browser.run(`return [...document.querySelectorAll('#households button.household')].map((b) => ({
    id: b.dataset.id, name: b.querySelector('.hh-name').textContent,
    kind: [...b.classList].find((c) => c !== 'household'), badge: b.querySelector('.badge').textContent }));`);
}

const text = (id) => browser.run(`return document.getElementById('${id}').textContent;`);

/** Every pledge of `householdId`, with how many `pledge.record` audit events each has. */
async function pledgesOf(householdId) {
  const { household } = await browser.graphql(`query($id: ID!) { household(id: $id) {
    pledges { id status signerName clientMutationId } } }`, { id: householdId }, official);
  const pledges = [];
  for (const pledge of household.pledges) {
    const { auditEvents } = await browser.graphql(`query($id: ID!) {
      auditEvents(filter: { targetId: $id, action: "pledge.record" }) { totalCount } }`, { id: pledge.id }, official);
    pledges.push({ ...pledge, recorded: auditEvents.totalCount });
  }
  return pledges;
}

/** Records a signature from the open list: the household's dialog, the signer's name, the button. */
async function sign(householdId, signer) {
  await browser.click(`button.household[data-id="${householdId}"]`);
  await until('the household dialog', () => browser.run("return document.getElementById('household-dialog').open;"));
  await browser.type('#signer', signer);
  await browser.click('#pledge-form button[type=submit]');
  await until('the signature to wait in the queue', async () =>
    (await leaderList()).find((x) => x.id === householdId)?.kind === 'pending');
}

/** Browser log entries that are errors, leaving out the network failures `offline` expects. */
function problems(entries, offline) {
  return entries.filter((entry) => (entry.level === 'SEVERE' || /Content Security Policy/i.test(entry.message))
    && !(offline && /ERR_INTERNET_DISCONNECTED/.test(entry.message)));
}

test('a leader on a phone records three signatures offline; back online they reach the database once each', (t) => explained(t, async () => {
  // Arrange: a phone-sized window, signed in as the leader of Tổ dân phố 12.
  await browser.viewport(360, 740, true);
  await browser.open('/to-dan-pho');
  await browser.type('#signin-username', 'tdp12.leader');
  await browser.type('#signin-password', PASSWORD);
  await browser.click('form.signin button[type=submit]');
  const list = await until('the 54 households', async () => {
    const shown = await leaderList();
    return shown.length === 54 ? shown : undefined;
  });
  await until('the service worker to keep the page', () => browser.run('return !!navigator.serviceWorker.controller;'));

  // Act: a search typed without diacritics.
  await browser.type('#search', 'ly xuan nam');
  const found = await until('the search', async () => {
    const shown = await leaderList();
    return shown.length < 54 ? shown : undefined;
  });

  // Assert
  assert.deepEqual(found.map((x) => x.name), ['Lý Xuân Nam']);
  await browser.run("const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input'));");

  // Act: the network goes; the page is opened again from the phone alone, and three households sign.
  assert.equal((await problems((await browser.drain(), browser.logged), false)).length, 0, JSON.stringify(browser.logged));
  await browser.network(true);
  await browser.open('/to-dan-pho');
  await until('the list, from the phone', async () => (await leaderList()).length === 54);
  await until('the page to say it is offline', () => browser.run("return document.getElementById('net-status').dataset.online === 'false';"));
  const chosen = list.filter((x) => x.kind === 'unsigned').slice(0, 3);
  for (const [i, household] of chosen.entries()) await sign(household.id, `Người ký thử ${i + 1}`);

  // Assert: all three wait on the phone, none reached the server.
  assert.equal(await text('queue-count'), 'Chờ gửi: 3 bản ghi.');
  for (const household of chosen) assert.deepEqual(await pledgesOf(household.id), []);
  await browser.run('window.scrollTo(0, 0);');
  await browser.screenshot(shot('leader-phone.png'));
  await browser.drain();
  const offline = browser.logged.splice(0);
  assert.deepEqual(problems(offline, true), [], 'errors while offline');

  // Act: the network comes back.
  await browser.network(false);
  await until('the three to be sent', async () => (await text('queue-count')) === 'Không có bản ghi chờ gửi.'
    && (await text('sync-result')).startsWith('Đã gửi'));

  // Assert: each signature once in the database, recorded once, and shown as signed.
  assert.equal(await text('sync-result'), 'Đã gửi 3 bản ghi: 3 chữ ký đã được ghi nhận.');
  for (const [i, household] of chosen.entries()) {
    const pledges = await pledgesOf(household.id);
    assert.equal(pledges.length, 1, JSON.stringify(pledges));
    assert.deepEqual([pledges[0].status, pledges[0].signerName, pledges[0].recorded], ['SIGNED', `Người ký thử ${i + 1}`, 1]);
  }
  const shown = await until('the list to show them signed', async () => {
    const now = await leaderList();
    return chosen.every((c) => now.find((x) => x.id === c.id)?.kind === 'signed') ? now : undefined;
  });
  assert.equal(shown.length, 54);

  // Act: a second sync.
  await browser.drain();
  await browser.click('#sync-now');
  await until('the answer to the second sync', async () => (await text('sync-result')) === 'Không có bản ghi nào chờ gửi.');
  await new Promise((resolve) => setTimeout(resolve, 500));

  // Assert: nothing was sent.
  const sent = (await browser.drain()).filter((request) => request.method === 'POST');
  assert.deepEqual(sent, [], 'requests of the second sync');
  for (const household of chosen) assert.equal((await pledgesOf(household.id)).length, 1);
}));

test('a household someone else signed while the phone was offline is shown, and nothing is lost', (t) => explained(t, async () => {
  // Arrange: offline, the leader records a signature; meanwhile the ward office records another one.
  const household = (await leaderList()).find((x) => x.kind === 'unsigned');
  await browser.drain();
  await browser.network(true);
  await sign(household.id, 'Trần Văn Bình');
  await until('the page to say it is offline', () => browser.run("return document.getElementById('net-status').dataset.online === 'false';"));
  const { campaignId } = await demo();
  await browser.graphql(`mutation($input: RecordPledgeInput!) { recordPledge(input: $input) { id } }`, {
    input: { clientMutationId: crypto.randomUUID(), householdId: household.id, campaignId,
      signerName: 'Cán bộ phường ghi hộ', signedOn: '2023-10-25' },
  }, official);
  await browser.drain();
  assert.deepEqual(problems(browser.logged.splice(0), true), [], 'errors while offline');

  // Act
  await browser.network(false);
  const refusal = await until('the refusal', async () => {
    const said = await browser.run("return document.getElementById('refusals').textContent;");
    return said.includes('Cán bộ phường ghi hộ') ? said : undefined;
  });

  // Assert: said in Vietnamese with who signed first; the household shows the standing signature.
  assert.ok(refusal.includes('Hộ này đã ký cam kết, do người khác ghi nhận trước. Bản ghi của bạn không ghi đè.'), refusal);
  assert.ok(refusal.includes('Trần Văn Bình'), refusal);
  // The result is said in a live region, emptied first so that the same words are heard again.
  await until('the result of the sync', async () => (await text('sync-result')).includes('1 bị từ chối'));
  assert.equal((await leaderList()).find((x) => x.id === household.id).kind, 'signed');
  const pledges = await pledgesOf(household.id);
  assert.deepEqual(pledges.map((p) => p.signerName), ['Cán bộ phường ghi hộ']);
  await browser.viewport(1280, 900, false);
  await browser.run('window.scrollTo(0, 0);');
  await browser.screenshot(shot('leader-desktop.png'));

  // Act: the leader has read it.
  await browser.click('#refusals button:last-child');
  await until('the refusal to be put away', async () => (await text('refusals')) === '');
}));

test('an ended session asks to sign in again over the page, keeping what was typed and the queue', (t) => explained(t, async () => {
  // Arrange: offline, one signature waits and another is half typed in its dialog.
  await browser.viewport(360, 740, true);
  const [waiting, typing] = (await leaderList()).filter((x) => x.kind === 'unsigned');
  await browser.drain();
  await browser.network(true);
  await sign(waiting.id, 'Phạm Thị Chờ');
  await browser.click(`button.household[data-id="${typing.id}"]`);
  await browser.type('#signer', 'Đang gõ dở');
  // Meanwhile the ward ends the leader's sessions (a deactivation ends every one of them at once).
  const { users } = await browser.graphql('{ users(first: 100) { edges { node { id username } } } }', {}, official);
  const leader = users.edges.map((e) => e.node).find((u) => u.username === 'tdp12.leader');
  const activate = 'mutation($id: ID!, $active: Boolean!) { setUserActive(id: $id, active: $active) { id } }';
  await browser.graphql(activate, { id: leader.id, active: false }, official);
  await browser.graphql(activate, { id: leader.id, active: true }, official);
  await browser.drain();
  assert.deepEqual(problems(browser.logged.splice(0), true), [], 'errors while offline');

  // Act: the network comes back; the page tries to send and finds its session gone.
  await browser.network(false);
  await until('the sign-in dialog', () => browser.run("return document.querySelector('dialog.session')?.open === true;"));

  // Assert: over the page, nothing lost.
  assert.equal(await browser.run("return document.getElementById('household-dialog').open;"), true);
  assert.equal(await browser.run("return document.getElementById('signer').value;"), 'Đang gõ dở');
  assert.equal(await text('queue-count'), 'Chờ gửi: 1 bản ghi.');
  assert.equal(await browser.run("return document.getElementById('again-username').value;"), 'tdp12.leader');

  // Act: signing in again.
  await browser.type('#again-password', PASSWORD);
  await browser.click('dialog.session button[type=submit]');
  await until('the waiting signature to be sent', async () => (await text('queue-count')) === 'Không có bản ghi chờ gửi.');

  // Assert: sent once; the half-typed name is still there.
  assert.deepEqual((await pledgesOf(waiting.id)).map((p) => [p.signerName, p.recorded]), [['Phạm Thị Chờ', 1]]);
  assert.equal(await browser.run("return document.querySelector('dialog.session').open;"), false);
  assert.equal(await browser.run("return document.getElementById('signer').value;"), 'Đang gõ dở');
  await browser.click('#hh-close');
}));

/**
 * What a screen reader or a person with low vision would stumble on in the page as shown: text under
 * 4.5:1 contrast against its background, a field without a label, a button without a name, a page
 * not in Vietnamese. Answers one line per problem.
 */
function accessibilityProblems() {
  return browser.run(`
    const problems = [];
    const rgb = (text) => {
      const m = /rgba?\\(([^)]+)\\)/.exec(text);
      if (!m) return null;
      const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    const luminance = ({ r, g, b }) => {
      const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (element) => {
      for (let e = element; e; e = e.parentElement) {
        const colour = rgb(getComputedStyle(e).backgroundColor);
        if (colour && colour.a > 0.5) return colour;
      }
      return { r: 255, g: 255, b: 255 };
    };
    for (const element of document.querySelectorAll('body *')) {
      if (!element.checkVisibility() || element.closest('[disabled], svg')) continue;
      if (![...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(background(element))].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      if (ratio < 4.5) problems.push(element.tagName + '.' + element.className + ' "' + element.textContent.trim().slice(0, 40) + '": ' + ratio.toFixed(2));
    }
    for (const field of document.querySelectorAll('input, select, textarea')) {
      if (!field.labels.length && !field.getAttribute('aria-label')) problems.push('no label: #' + field.id);
    }
    for (const button of document.querySelectorAll('button')) {
      if (!button.textContent.trim() && !button.getAttribute('aria-label')) problems.push('a button without a name');
    }
    if (document.documentElement.lang !== 'vi') problems.push('the page is not marked lang="vi"');
    return problems;`);
}

test('both pages give every field a label, every button a name and every text enough contrast', (t) => explained(t, async () => {
  // The leader's page as left by the tests before, its list and a household's dialog.
  await browser.viewport(360, 740, true);
  await browser.open('/to-dan-pho');
  await until('the list', async () => (await leaderList()).length === 54);
  assert.deepEqual(await accessibilityProblems(), [], 'the leader\'s list');
  const unsigned = (await leaderList()).find((x) => x.kind === 'unsigned');
  await browser.click(`button.household[data-id="${unsigned.id}"]`);
  await browser.type('#signer', '');
  await browser.click('#pledge-form button[type=submit]');
  await until('the refusal next to the field', async () => (await text('signer-error')) !== '');
  assert.deepEqual(await accessibilityProblems(), [], 'the household dialog, with an error');
  assert.equal(await browser.run('return document.activeElement.id;'), 'signer', 'the focus on the field at fault');
  await browser.click('#hh-close');

  // The board: signing in, then the ward and a group.
  await browser.viewport(1280, 900, false);
  await browser.open('/');
  await browser.element('#signin-username');
  assert.deepEqual(await accessibilityProblems(), [], 'the sign-in page');
  await browser.type('#signin-username', 'lamson.official');
  await browser.type('#signin-password', PASSWORD);
  await browser.click('form.signin button[type=submit]');
  await until('the groups', async () => (await boardRows()).length === 12);
  await browser.click('#groups tbody tr:first-child button');
  await until('the unsigned households', () => browser.run("return document.querySelectorAll('#unsigned tbody tr').length > 0;"));
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.deepEqual(await accessibilityProblems(), [], 'the board');
}));

test('no request left the service, and the browser logged no error', async () => {
  await browser.drain();
  const elsewhere = browser.requests.filter((request) => !browser.ownsUrl(request.url));
  assert.deepEqual(elsewhere, [], 'requests that left the service');
  const paths = browser.requests.map((request) => new URL(request.url).pathname);
  for (const path of ['/', '/to-dan-pho', '/graphql', '/graphql/ws', '/exports/coverage.xlsx']) {
    assert.ok(paths.includes(path), `no request to ${path}`);
  }
  assert.ok(paths.some((path) => path.startsWith('/web/')), 'no file under /web/');
  assert.deepEqual(problems(browser.logged, false), [], 'errors in the browser log');
});
