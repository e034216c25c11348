// The officials' board: a campaign and a ward, every group's coverage (lowest first), the ward's
// total and its day-by-day progress, followed live; a group's unsigned households (printable, for
// visiting door to door) and good deeds; the year-end report; the spreadsheet exports.
//
// The refresh token is kept in sessionStorage: it lives as long as this tab, survives a reload, and
// is gone when the tab closes (an office computer is often shared). See README.

import { Api, dataOf } from './api.js';
import { ApiError, explain } from './errors.js';
import { announce, byId, fill, h } from './dom.js';
import { sessionDialog, signInForm } from './signin.js';
import { LiveCoverage } from './live.js';
import { progressChart } from './chart.js';
import { download } from './download.js';
import { DEED_CATEGORIES, DEED_STATUSES, byCode, count, date, moment, percent } from './text.js';
import { YEAR_REPORT, yearReport } from './year.js';

const SESSION_KEY = 'pledge.board.session';
const CHOICE_KEY = 'pledge.board.choice';

const vault = {
  async load() {
    try {
      return JSON.parse(sessionStorage.getItem(SESSION_KEY));
    } catch {
      return null;
    }
  },
  async save(session) {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  },
  async clear() {
    sessionStorage.removeItem(SESSION_KEY);
  },
};

const CHOICES = `query BoardChoices {
  campaigns(first: 100) { edges { node { id year title status startsOn endsOn ward { id name } } } }
  wards(first: 100) { edges { node { id code name province } } }
}`;

const REPORT = `query BoardReport($campaignId: ID!, $wardId: ID) {
  coverageReport(campaignId: $campaignId, wardId: $wardId) {
    asOf totalHouseholds signedHouseholds coverage fullyCovered groupsTotal groupsFullyCovered
    daily { date signed cumulativeCoverage }
    groups { group { id code name } totalHouseholds signedHouseholds coverage fullyCovered }
  }
}`;

const UNSIGNED = `query BoardUnsigned($campaignId: ID!, $groupId: ID!, $after: String) {
  coverageReport(campaignId: $campaignId, groupId: $groupId) {
    groups {
      group { id name }
      totalHouseholds signedHouseholds
      unsignedHouseholds(first: 100, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { id code headName address phone } }
      }
    }
  }
}`;

const DEEDS = `query BoardDeeds($groupId: ID!) {
  goodDeeds(filter: { groupId: $groupId }, first: 50) {
    totalCount
    edges { node { id category occurredOn description status household { code headName } } }
  }
}`;

/** Roles that read a ward's coverage on this board. */
const BOARD_ROLES = new Set(['ADMIN', 'WARD_OFFICIAL', 'WARD_POLICE']);

const state = {
  user: null,
  campaigns: [],
  wards: [],
  campaign: null,
  wardId: null,
  rows: new Map(),
  rowElements: new Map(),
  daily: [],
  openGroupId: null,
  reloadTimer: null,
};

const api = new Api({ vault, onSessionLost: () => again.open(state.user?.username ?? '') });
const again = sessionDialog({ api, onSignedIn: (user) => start(user) });
const live = new LiveCoverage({
  api,
  onEvent: (row) => applyEvent(row),
  onStatus: (status) => showLiveStatus(status),
  onReconnect: () => loadReport(),
});

const show = (id, visible) => { byId(id).hidden = !visible; };

/** Ward-level figures drawn as a bar: an SVG of two rectangles (no inline style needed). */
function bar(share, full) {
  const width = Math.max(0, Math.min(100, share * 100));
  return h('svg:svg', { class: `bar${full ? ' full' : ''}`, viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
    h('svg:rect', { class: 'track', width: 100, height: 10, rx: 2 }),
    h('svg:rect', { class: 'fill', width: width.toFixed(2), height: 10, rx: 2 }));
}

function fullMark() {
  return h('span', { class: 'mark' }, h('span', { 'aria-hidden': 'true' }, '✓ '), 'Đạt 100%');
}

// ---- signing in and out -------------------------------------------------------------------------

async function boot() {
  const session = await vault.load();
  if (session?.refreshToken) {
    try {
      const { me } = dataOf(await api.registered('Me'));
      await start(me);
      return;
    } catch (err) {
      // The session could not be resumed: say why above the form, unless it simply ended.
      if (!(err instanceof ApiError) || err.code !== 'UNAUTHENTICATED') byId('boot-error').textContent = explain(err);
    }
  }
  showSignIn();
}

function showSignIn() {
  again.element.open && again.element.close();
  for (const id of ['loading', 'board-view', 'account', 'leader-note']) show(id, false);
  fill(byId('signin-slot'), signInForm({ api, prefix: 'signin', onSignedIn: (user) => start(user) }));
  show('signin-view', true);
  byId('signin-username').focus();
}

async function start(user) {
  // A new session (or the same person again after one ended): live updates start over with it.
  live.stop();
  state.user = user;
  byId('boot-error').textContent = '';
  show('loading', false);
  show('signin-view', false);
  fill(byId('who'), user.displayName);
  show('account', true);
  if (!user.roleAssignments.some((assignment) => BOARD_ROLES.has(assignment.role))) {
    show('leader-note', true);
    return;
  }
  show('board-view', true);
  try {
    const data = dataOf(await api.query(CHOICES));
    state.campaigns = data.campaigns.edges.map((edge) => edge.node)
      .sort((a, b) => (b.status === 'OPEN') - (a.status === 'OPEN') || b.year - a.year);
    state.wards = data.wards.edges.map((edge) => edge.node);
    fillChoices();
    await loadReport();
  } catch (err) {
    byId('load-error').textContent = explain(err);
  }
}

byId('logout').addEventListener('click', async () => {
  live.stop();
  await api.logout();
  state.user = null;
  sessionStorage.removeItem(CHOICE_KEY);
  showSignIn();
});

// ---- choosing a campaign and a ward -------------------------------------------------------------

const CAMPAIGN_STATUS = { OPEN: 'đang mở', CLOSED: 'đã đóng', DRAFT: 'bản nháp' };

function fillChoices() {
  let saved = {};
  try {
    saved = JSON.parse(sessionStorage.getItem(CHOICE_KEY)) ?? {};
  } catch {
    saved = {};
  }
  const campaignSelect = byId('campaign');
  fill(campaignSelect, state.campaigns.map((c) =>
    h('option', { value: c.id }, `${c.title} (${CAMPAIGN_STATUS[c.status] ?? c.status})`)));
  if (!state.campaigns.length) {
    byId('load-error').textContent = 'Chưa có cuộc vận động nào trong phạm vi của bạn.';
    return;
  }
  const campaign = state.campaigns.find((c) => c.id === saved.campaignId) ?? state.campaigns[0];
  campaignSelect.value = campaign.id;
  chooseCampaign(campaign, saved.wardId);
}

function chooseCampaign(campaign, wardId) {
  state.campaign = campaign;
  const wards = campaign.ward ? state.wards.filter((w) => w.id === campaign.ward.id) : state.wards;
  const wardSelect = byId('ward');
  fill(wardSelect, wards.map((w) => h('option', { value: w.id }, `${w.name} (${w.province})`)));
  const ward = wards.find((w) => w.id === wardId) ?? wards[0];
  state.wardId = ward?.id ?? null;
  if (ward) wardSelect.value = ward.id;
  wardSelect.disabled = wards.length < 2;
  fillYears();
}

/** The movement years to report on: those of the campaigns, the chosen campaign's first. */
function fillYears() {
  const years = [...new Set(state.campaigns.map((c) => c.year))].sort((a, b) => b - a);
  if (!years.length) years.push(new Date().getFullYear());
  fill(byId('year-select'), years.map((year) => h('option', { value: year }, `Năm ${year}`)));
  byId('year-select').value = String(state.campaign?.year ?? years[0]);
  fill(byId('year-report'));
}

byId('campaign').addEventListener('change', (event) => {
  const campaign = state.campaigns.find((c) => c.id === event.target.value);
  chooseCampaign(campaign, state.wardId);
  loadReport();
});

byId('ward').addEventListener('change', (event) => {
  state.wardId = event.target.value;
  fill(byId('year-report'));
  loadReport();
});

// ---- the report ---------------------------------------------------------------------------------

async function loadReport() {
  if (!state.campaign || !state.wardId) return;
  sessionStorage.setItem(CHOICE_KEY, JSON.stringify({ campaignId: state.campaign.id, wardId: state.wardId }));
  const wardName = state.wards.find((w) => w.id === state.wardId)?.name ?? '';
  // "Phường Lam Sơn" reads "Toàn phường Lam Sơn": the kind of ward in lower case inside the sentence.
  fill(byId('total-title'), wardName ? `Toàn ${wardName[0].toLowerCase()}${wardName.slice(1)}` : 'Toàn phường');
  byId('load-error').textContent = '';
  try {
    const { coverageReport } = dataOf(await api.query(REPORT, { campaignId: state.campaign.id, wardId: state.wardId }));
    state.rows = new Map(coverageReport.groups.map((row) => [row.group.id, row]));
    state.daily = coverageReport.daily;
    renderRows();
    renderTotal(coverageReport.asOf);
    renderChart();
    live.follow(state.campaign.id, state.wardId);
  } catch (err) {
    byId('load-error').textContent = explain(err);
  }
}

function order(a, b) {
  return a.coverage - b.coverage || byCode(a.group.code ?? '', b.group.code ?? '') || (a.group.id < b.group.id ? -1 : 1);
}

function renderTotal(asOf) {
  const rows = [...state.rows.values()];
  const total = rows.reduce((sum, row) => sum + row.totalHouseholds, 0);
  const signed = rows.reduce((sum, row) => sum + row.signedHouseholds, 0);
  const withHouseholds = rows.filter((row) => row.totalHouseholds > 0);
  const full = withHouseholds.filter((row) => row.fullyCovered).length;
  const share = total ? signed / total : 0;
  const wardFull = withHouseholds.length > 0 && full === withHouseholds.length;
  fill(byId('total-figures'),
    h('strong', { class: 'big' }, percent(share)), ' ',
    `${count(signed)}/${count(total)} hộ đã ký cam kết`, wardFull ? [' ', fullMark()] : null);
  fill(byId('total-bar'), bar(share, wardFull));
  fill(byId('total-groups'), `${full}/${rows.length} tổ dân phố đạt 100%`,
    asOf ? h('span', { class: 'muted' }, ` · số liệu lúc ${moment(asOf)}`) : null);
}

function renderRows() {
  const body = byId('groups').tBodies[0];
  const focused = document.activeElement;
  const seen = new Set();
  for (const row of [...state.rows.values()].sort(order)) {
    let tr = state.rowElements.get(row.group.id);
    if (!tr) {
      tr = h('tr', { dataset: { groupId: row.group.id } });
      state.rowElements.set(row.group.id, tr);
    }
    drawRow(tr, row);
    body.append(tr);
    seen.add(row.group.id);
  }
  for (const [id, tr] of state.rowElements) {
    if (!seen.has(id)) {
      tr.remove();
      state.rowElements.delete(id);
    }
  }
  // Moving a row takes focus from its button: give it back.
  if (focused && focused !== document.activeElement && focused.isConnected) focused.focus();
}

function drawRow(tr, row) {
  tr.classList.toggle('full', row.fullyCovered);
  tr.dataset.signed = String(row.signedHouseholds);
  tr.dataset.total = String(row.totalHouseholds);
  fill(tr,
    h('th', { scope: 'row' },
      h('button', { type: 'button', class: 'link', 'aria-controls': 'group-detail', onclick: () => openGroup(row.group.id) },
        row.group.name)),
    h('td', { class: 'num' }, `${count(row.signedHouseholds)}/${count(row.totalHouseholds)}`),
    h('td', { class: 'share' }, h('div', { class: 'share-line' }, bar(row.coverage, row.fullyCovered),
      h('span', { class: 'pct' }, percent(row.coverage))), row.fullyCovered ? fullMark() : null));
}

function renderChart() {
  const box = byId('chart');
  fill(box, progressChart(state.daily, Math.max(box.clientWidth, 280)));
}

let resizeTimer;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => state.daily.length && renderChart(), 200);
});

// ---- live ---------------------------------------------------------------------------------------

const LIVE_WORDS = {
  connecting: 'Đang kết nối cập nhật trực tiếp…',
  live: 'Đang cập nhật trực tiếp: số liệu tự thay đổi khi có chữ ký mới.',
  waiting: 'Mất kết nối cập nhật trực tiếp; đang thử lại. Số liệu có thể chưa mới nhất.',
};

function showLiveStatus(status) {
  const element = byId('live-status');
  element.dataset.state = status;
  element.textContent = LIVE_WORDS[status] ?? '';
}

function applyEvent(event) {
  const row = state.rows.get(event.group.id);
  if (!row) {
    scheduleReload(0);
    return;
  }
  Object.assign(row, {
    totalHouseholds: event.totalHouseholds,
    signedHouseholds: event.signedHouseholds,
    coverage: event.coverage,
    fullyCovered: event.fullyCovered,
  });
  renderRows();
  renderTotal(null);
  const tr = state.rowElements.get(event.group.id);
  tr.classList.remove('changed');
  // Restart the highlight: reading a layout property between the two class changes.
  void tr.offsetWidth;
  tr.classList.add('changed');
  announce(byId('row-news'), `${row.group.name}: ${row.signedHouseholds}/${row.totalHouseholds} hộ đã ký, ${percent(row.coverage)}.`);
  if (state.openGroupId === event.group.id) openGroup(event.group.id, { keepFocus: true });
  // The day-by-day figures and the time of the figures come with the next full read.
  scheduleReload(2000);
}

function scheduleReload(ms) {
  clearTimeout(state.reloadTimer);
  state.reloadTimer = setTimeout(() => loadReport(), ms);
}

// ---- one group ----------------------------------------------------------------------------------

async function openGroup(groupId, { keepFocus = false } = {}) {
  const row = state.rows.get(groupId);
  if (!row) return;
  state.openGroupId = groupId;
  const section = byId('group-detail');
  section.hidden = false;
  fill(byId('detail-title'), row.group.name);
  fill(byId('detail-figures'), `${count(row.signedHouseholds)}/${count(row.totalHouseholds)} hộ đã ký (${percent(row.coverage)})`);
  byId('detail-error').textContent = '';
  byId('detail-status').textContent = '';
  fill(byId('unsigned'), h('p', { class: 'muted' }, 'Đang tải danh sách hộ chưa ký…'));
  fill(byId('deeds'), '');
  if (!keepFocus) section.focus();
  const [unsigned, deeds] = await Promise.allSettled([loadUnsigned(groupId), loadDeeds(groupId)]);
  if (state.openGroupId !== groupId) return;
  fill(byId('unsigned'), unsigned.status === 'fulfilled'
    ? unsignedList(row, unsigned.value)
    : h('p', { class: 'error' }, `Danh sách hộ chưa ký: ${explain(unsigned.reason)}`));
  fill(byId('deeds'), deeds.status === 'fulfilled'
    ? deedList(deeds.value)
    : h('p', { class: 'error' }, `Việc tốt: ${explain(deeds.reason)}`));
}

async function loadUnsigned(groupId) {
  const households = [];
  let after = null;
  // At most 50 pages of 100: a group of 5,000 households is far beyond any residential group.
  for (let page = 0; page < 50; page += 1) {
    const { coverageReport } = dataOf(await api.query(UNSIGNED, { campaignId: state.campaign.id, groupId, after }));
    const list = coverageReport.groups[0]?.unsignedHouseholds;
    if (!list) break;
    households.push(...list.edges.map((edge) => edge.node));
    if (!list.pageInfo.hasNextPage) break;
    after = list.pageInfo.endCursor;
  }
  return households;
}

async function loadDeeds(groupId) {
  const { goodDeeds } = dataOf(await api.query(DEEDS, { groupId }));
  return goodDeeds;
}

function unsignedList(row, households) {
  const heading = h('h3', {}, `Hộ chưa ký cam kết: ${count(households.length)} hộ`);
  const printedTitle = h('p', { class: 'print-only' },
    `${row.group.name} · ${state.campaign.title} · in lúc ${moment(new Date().toISOString())}`);
  if (!households.length) return [heading, printedTitle, h('p', {}, 'Tất cả các hộ đã ký cam kết.')];
  const table = h('table', { class: 'unsigned' },
    h('thead', {}, h('tr', {},
      ['STT', 'Mã hộ', 'Chủ hộ', 'Địa chỉ', 'Điện thoại', 'Ghi chú khi đến hộ'].map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, households.map((household, i) => h('tr', {},
      h('td', { class: 'num' }, i + 1),
      h('td', {}, household.code),
      h('td', {}, household.headName),
      h('td', {}, household.address),
      h('td', {}, household.phone ?? ''),
      h('td', { class: 'blank' }, '')))));
  return [heading, printedTitle,
    h('div', { class: 'scroll', role: 'region', 'aria-label': 'Bảng hộ chưa ký', tabindex: '0' }, table)];
}

function deedList(deeds) {
  fill(byId('deeds-title'), `Việc tốt (${count(deeds.totalCount)})`);
  if (!deeds.edges.length) return h('p', {}, 'Chưa có việc tốt nào được ghi nhận.');
  return h('ul', { class: 'deeds' }, deeds.edges.map(({ node }) => h('li', {},
    h('span', { class: 'deed-head' }, `${date(node.occurredOn)} · ${DEED_CATEGORIES[node.category] ?? node.category}`),
    h('span', { class: `tag ${node.status.toLowerCase()}` }, DEED_STATUSES[node.status] ?? node.status),
    h('span', { class: 'deed-text' }, node.description),
    node.household ? h('span', { class: 'muted' }, `Hộ ${node.household.code} · ${node.household.headName}`) : null)));
}

byId('close-detail').addEventListener('click', () => {
  const groupId = state.openGroupId;
  state.openGroupId = null;
  byId('group-detail').hidden = true;
  state.rowElements.get(groupId)?.querySelector('button')?.focus();
});

byId('print-unsigned').addEventListener('click', () => window.print());

// ---- the year-end report -------------------------------------------------------------------------

byId('year-pick').addEventListener('submit', async (event) => {
  event.preventDefault();
  const year = Number(byId('year-select').value);
  const status = byId('year-status');
  byId('year-error').textContent = '';
  status.textContent = `Đang tải báo cáo năm ${year}…`;
  try {
    const { movementYearReport } = dataOf(await api.query(YEAR_REPORT, { wardId: state.wardId, year }));
    fill(byId('year-report'), yearReport(movementYearReport));
    status.textContent = `Báo cáo năm ${year} đã sẵn sàng.`;
  } catch (err) {
    status.textContent = '';
    byId('year-error').textContent = `Báo cáo tổng kết năm: ${explain(err)}`;
  }
});

// ---- exports ------------------------------------------------------------------------------------

async function exportFile(button, statusId, errorId, path, fallback) {
  const status = byId(statusId);
  const error = byId(errorId);
  error.textContent = '';
  status.textContent = 'Đang chuẩn bị tệp…';
  button.disabled = true;
  try {
    const name = await download(api, path, fallback);
    status.textContent = `Đã tải tệp ${name}.`;
  } catch (err) {
    status.textContent = '';
    error.textContent = `${button.textContent}: ${explain(err)}`;
  } finally {
    button.disabled = false;
  }
}

const query = (params) => new URLSearchParams(params).toString();

byId('export-coverage').addEventListener('click', (event) => exportFile(event.currentTarget, 'export-status', 'export-error',
  `/exports/coverage.xlsx?${query({ campaignId: state.campaign.id, wardId: state.wardId })}`, 'coverage.xlsx'));
byId('export-coverage-csv').addEventListener('click', (event) => exportFile(event.currentTarget, 'export-status', 'export-error',
  `/exports/coverage.csv?${query({ campaignId: state.campaign.id, wardId: state.wardId, locale: 'vi-VN' })}`, 'coverage-vi-VN.csv'));
byId('export-year').addEventListener('click', (event) => {
  const year = byId('year-select').value;
  exportFile(event.currentTarget, 'year-status', 'year-error',
    `/exports/movement-year.xlsx?${query({ wardId: state.wardId, year })}`, `movement-year-${year}.xlsx`);
});
byId('export-unsigned').addEventListener('click', (event) => exportFile(event.currentTarget, 'detail-status', 'detail-error',
  `/exports/unsigned.xlsx?${query({ campaignId: state.campaign.id, groupId: state.openGroupId })}`, 'unsigned.xlsx'));

boot();
