// The group leader's phone page: the group's households (searched without diacritics), and for each
// a signature or a good deed recorded into the queue on the phone, sent when the network allows.
// It works offline once opened: the service worker keeps the page, IndexedDB the households, the
// queue and the session. Every request is a registered document, sent by its id.

import { Api, dataOf } from './api.js';
import { ApiError, explain, isTransient } from './errors.js';
import { announce, byId, fill, h } from './dom.js';
import { sessionDialog, signInForm } from './signin.js';
import { store } from './store.js';
import { drop, enqueue, queued, sync } from './queue.js';
import { DEED_CATEGORIES, byCode, clampDate, count, date, matches, newId, todayInVietnam } from './text.js';

/** The refresh token and who holds it, in IndexedDB: the page must open signed in after being closed offline. */
const vault = {
  load: () => store.get('session', 'current'),
  save: (session) => store.put('session', session, 'current'),
  clear: () => store.forgetAllButQueue(),
};

const state = {
  user: null,
  group: null,
  groups: [],
  campaigns: [],
  campaign: null,
  households: [],
  queue: [],
  serverMatches: null,
  syncing: false,
  retryTimer: null,
  drafts: new Map(),
  current: null,
  correcting: null,
  reachable: false,
  failedAttempts: 0,
};

// Whether the server answers is learnt from the requests themselves, not from `navigator.onLine`:
// a browser may call itself offline while the service (on the ward office's own network, or this
// very machine) answers, and online behind a network that reaches nothing.
const api = new Api({
  vault,
  onSessionLost: () => again.open(state.user?.username ?? ''),
  onNetwork: (up) => showNet(up),
});
const again = sessionDialog({
  api,
  later: 'Để sau (vẫn ghi nhận trên máy)',
  onSignedIn: async (user) => {
    await signedIn(user);
    syncNow();
  },
});

const show = (id, visible) => { byId(id).hidden = !visible; };

// ---- starting ------------------------------------------------------------------------------------

async function boot() {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/to-dan-pho/sw.js', { scope: '/to-dan-pho' }).catch(() => {});
  }
  fill(byId('category'), h('option', { value: '' }, 'Chọn loại việc tốt'),
    Object.entries(DEED_CATEGORIES).map(([value, label]) => h('option', { value }, label)));
  const session = await vault.load();
  if (!session?.user) {
    showSignIn();
    return;
  }
  // What the phone already has first, so the page works at once with or without network.
  await showLeader(session.user);
  if (!session.refreshToken) {
    again.open(session.user.username);
    return;
  }
  refreshFromServer().then(() => syncNow());
}

function showSignIn() {
  for (const id of ['loading', 'leader-view', 'account', 'not-leader']) show(id, false);
  fill(byId('signin-slot'), signInForm({ api, prefix: 'signin', onSignedIn: async (user) => {
    await signedIn(user);
    syncNow();
  } }));
  show('signin-view', true);
  byId('signin-username').focus();
}

/** After a login: who it is, their groups, then the page. */
async function signedIn(user) {
  const previous = state.user;
  state.user = user;
  if (previous && previous.id !== user.id) {
    // Another person on this phone: the first one's households are not theirs to see.
    await store.forgetGroupData();
  }
  await showLeader(user);
  await refreshFromServer();
}

async function showLeader(user) {
  state.user = user;
  show('loading', false);
  show('signin-view', false);
  fill(byId('who'), user.displayName);
  show('account', true);
  state.groups = user.roleAssignments.filter((a) => a.role === 'GROUP_LEADER' && a.group).map((a) => a.group);
  if (!state.groups.length) {
    show('leader-view', false);
    show('not-leader', true);
    return;
  }
  show('not-leader', false);
  show('leader-view', true);
  const meta = (await store.get('meta', 'choice')) ?? {};
  state.group = state.groups.find((g) => g.id === meta.groupId) ?? state.groups[0];
  state.campaigns = meta.campaigns ?? [];
  state.campaign = state.campaigns.find((c) => c.id === meta.campaignId) ?? state.campaigns[0] ?? null;
  fill(byId('group-name'), `· ${state.group.name}`);
  document.title = `Ký cam kết · ${state.group.name}`;
  fillGroupChoice();
  fillCampaignChoice();
  state.households = await store.byIndex('households', 'group', state.group.id);
  await refreshQueue();
  renderHouseholds();
}

/** Reads who the user is, the open campaigns and the households again; quietly keeps the old ones offline. */
async function refreshFromServer() {
  try {
    const { me } = dataOf(await api.registered('Me'));
    const session = await vault.load();
    await vault.save({ ...session, user: me });
    if (JSON.stringify(me.roleAssignments) !== JSON.stringify(state.user?.roleAssignments)) await showLeader(me);
    if (!state.group) return;
    const { campaigns } = dataOf(await api.registered('Campaigns', { first: 100 }));
    state.campaigns = campaigns.edges.map((e) => e.node).filter((c) => c.status === 'OPEN')
      .sort((a, b) => b.year - a.year);
    if (!state.campaigns.some((c) => c.id === state.campaign?.id)) state.campaign = state.campaigns[0] ?? null;
    fillCampaignChoice();
    await saveChoice();
    byId('campaign-error').textContent = state.campaign ? '' : 'Hiện không có cuộc vận động nào đang mở.';
    if (state.campaign) await loadHouseholds();
  } catch (err) {
    // Without network the phone's copy stays; a lost session has its own dialog.
    if (!(err instanceof ApiError && ['NETWORK', 'UNAUTHENTICATED'].includes(err.code))) {
      byId('campaign-error').textContent = explain(err);
    }
  }
}

/** Every household of the group with its pledge for the campaign, page by page, into IndexedDB. */
async function loadHouseholds() {
  const households = [];
  let after = null;
  for (let page = 0; page < 50; page += 1) {
    const { households: list } = dataOf(await api.registered('GroupHouseholds', {
      groupId: state.group.id, campaignId: state.campaign.id, first: 100, after,
    }));
    households.push(...list.edges.map((e) => e.node));
    if (!list.pageInfo.hasNextPage) break;
    after = list.pageInfo.endCursor;
  }
  const records = households.map((x) => ({ ...x, groupId: state.group.id, campaignId: state.campaign.id }));
  await store.replaceGroup(state.group.id, records);
  state.households = records;
  renderHouseholds();
}

async function saveChoice() {
  await store.put('meta', {
    groupId: state.group?.id, campaignId: state.campaign?.id, campaigns: state.campaigns,
  }, 'choice');
}

function fillGroupChoice() {
  show('group-field', state.groups.length > 1);
  fill(byId('group'), state.groups.map((g) => h('option', { value: g.id }, g.name)));
  byId('group').value = state.group.id;
}

function fillCampaignChoice() {
  const select = byId('campaign');
  fill(select, state.campaigns.map((c) => h('option', { value: c.id }, c.title)));
  if (state.campaign) select.value = state.campaign.id;
  select.disabled = state.campaigns.length < 2;
}

byId('group').addEventListener('change', async (event) => {
  state.group = state.groups.find((g) => g.id === event.target.value);
  await saveChoice();
  await showLeader(state.user);
  refreshFromServer();
});

byId('campaign').addEventListener('change', async (event) => {
  state.campaign = state.campaigns.find((c) => c.id === event.target.value);
  await saveChoice();
  renderHouseholds();
  await loadHouseholds().catch((err) => {
    if (err.code !== 'NETWORK') byId('campaign-error').textContent = explain(err);
  });
});

byId('logout').addEventListener('click', async () => {
  const waiting = state.queue.filter((item) => item.userId === state.user?.id && item.state === 'pending').length;
  if (waiting && !window.confirm(`Còn ${waiting} bản ghi chưa gửi. Đăng xuất thì chúng vẫn được giữ trên máy này `
    + 'và sẽ được gửi khi bạn đăng nhập lại. Đăng xuất?')) return;
  await api.logout();
  Object.assign(state, { user: null, group: null, households: [], campaigns: [], campaign: null });
  showSignIn();
});

// ---- the list -----------------------------------------------------------------------------------

/** What the phone knows of a household beyond the server: a queued or refused signature. */
function localPledge(household) {
  return state.queue.find((item) => item.kind === 'pledge' && item.input.householdId === household.id
    && item.input.campaignId === state.campaign?.id);
}

function describe(household) {
  const queuedItem = localPledge(household);
  if (household.status !== 'ACTIVE') {
    return { kind: 'inactive', text: household.status === 'MOVED_OUT' ? 'Đã chuyển đi' : 'Đã giải thể' };
  }
  if (household.pledge?.status === 'SIGNED') return { kind: 'signed', text: `Đã ký ${date(household.pledge.signedOn)}` };
  if (queuedItem?.state === 'pending') return { kind: 'pending', text: 'Chờ gửi' };
  if (queuedItem?.state === 'refused') return { kind: 'refused', text: 'Bị từ chối: xem lý do' };
  return { kind: 'unsigned', text: 'Chưa ký' };
}

function renderHouseholds() {
  const phrase = byId('search').value;
  const list = byId('households');
  const serverIds = state.serverMatches?.phrase === phrase ? state.serverMatches.ids : null;
  const shown = state.households
    .filter((x) => (serverIds ? serverIds.has(x.id) : matches(x, phrase)))
    .sort((a, b) => byCode(a.code, b.code));
  // Drawing the list again must not take the focus from a keyboard user's household.
  const focused = document.activeElement?.closest?.('button.household')?.dataset.id;
  fill(list, shown.map((household) => {
    const status = describe(household);
    return h('li', {},
      h('button', {
        type: 'button', class: `household ${status.kind}`, dataset: { id: household.id },
        onclick: () => openHousehold(household.id),
      },
      h('span', { class: 'hh-name' }, household.headName),
      h('span', { class: 'hh-meta' }, `Hộ ${household.code} · ${household.address}`),
      h('span', { class: 'badge' }, status.text)));
  }));
  if (focused) list.querySelector(`button.household[data-id="${focused}"]`)?.focus();
  const active = state.households.filter((x) => x.status === 'ACTIVE');
  const signed = active.filter((x) => x.pledge?.status === 'SIGNED').length;
  const waiting = active.filter((x) => describe(x).kind === 'pending').length;
  const found = phrase.trim() ? `Tìm thấy ${count(shown.length)} hộ. ` : '';
  byId('list-summary').textContent = state.households.length
    ? `${found}${count(signed)}/${count(active.length)} hộ đã ký${waiting ? `, ${count(waiting)} chữ ký chờ gửi` : ''}.`
    : (state.campaign ? 'Chưa có danh sách hộ trên máy: cần có mạng lần đầu.' : '');
}

let searchTimer;
byId('search').addEventListener('input', () => {
  renderHouseholds();
  clearTimeout(searchTimer);
  const phrase = byId('search').value;
  if (!phrase.trim() || !state.campaign) return;
  // The server folds diacritics the same way; its answer also finds households added since the list was read.
  searchTimer = setTimeout(async () => {
    try {
      const { households } = dataOf(await api.registered('GroupHouseholds', {
        groupId: state.group.id, campaignId: state.campaign.id, first: 100, filter: { search: phrase },
      }));
      const found = households.edges.map((e) => ({ ...e.node, groupId: state.group.id, campaignId: state.campaign.id }));
      await store.putAll('households', found);
      const known = new Map(state.households.map((x) => [x.id, x]));
      for (const household of found) known.set(household.id, household);
      state.households = [...known.values()];
      state.serverMatches = { phrase, ids: new Set(found.map((x) => x.id)) };
      if (byId('search').value === phrase) renderHouseholds();
    } catch {
      // Offline or refused: the list found on the phone stays.
    }
  }, 300);
});

// ---- recording ----------------------------------------------------------------------------------

const dialog = byId('household-dialog');

function openHousehold(householdId, correcting = null) {
  const household = state.households.find((x) => x.id === householdId);
  if (!household) return;
  state.current = household;
  state.correcting = correcting;
  fill(byId('hh-title'), household.headName);
  fill(byId('hh-info'), [`Hộ ${household.code}`, household.address, `${household.memberCount} nhân khẩu`,
    household.phone ? `ĐT ${household.phone}` : null].filter(Boolean).join(' · '));
  const status = describe(household);
  const queuedItem = localPledge(household);
  const words = {
    signed: `Đã ký cam kết ngày ${date(household.pledge?.signedOn)}, người ký: ${household.pledge?.signerName}.`,
    pending: `Chữ ký đã lưu trên máy, chờ gửi (người ký: ${queuedItem?.input.signerName}, ngày ${date(queuedItem?.input.signedOn)}).`,
    refused: `Chữ ký bị từ chối: ${explain(queuedItem?.error)}`,
    inactive: `${status.text}: không ghi nhận được.`,
    unsigned: 'Hộ chưa ký cam kết.',
  };
  fill(byId('hh-state'), correcting ? `Sửa bản ghi bị từ chối: ${explain(correcting.error)}` : words[status.kind]);
  byId('hh-state').dataset.kind = status.kind;
  const canSign = household.status === 'ACTIVE' && state.campaign
    && (status.kind === 'unsigned' || (status.kind === 'refused' && correcting));
  byId('pledge-form').hidden = !canSign;
  byId('deed-form').hidden = household.status !== 'ACTIVE';
  restoreDraft(household, correcting);
  clearErrors();
  dialog.showModal();
  // A refusal being corrected is said next to the field the server named.
  const at = correcting ? FORM_FIELDS[correcting.error?.field] : null;
  if (at) fieldError(at, explain(correcting.error));
  byId(at ?? (canSign ? 'signer' : 'hh-close')).focus();
}

/** The dialog's field for each input field the API may name. */
const FORM_FIELDS = {
  signerName: 'signer', signedOn: 'signed-on', category: 'category', occurredOn: 'occurred-on', description: 'description',
};

const DRAFT_FIELDS = ['signer', 'signed-on', 'category', 'occurred-on', 'description'];

function restoreDraft(household, correcting) {
  const today = todayInVietnam();
  const draft = state.drafts.get(household.id) ?? {};
  const defaults = {
    signer: household.headName,
    'signed-on': clampDate(today, state.campaign?.startsOn, state.campaign?.endsOn),
    category: '',
    'occurred-on': today,
    description: '',
  };
  if (correcting?.kind === 'pledge') {
    Object.assign(draft, { signer: correcting.input.signerName, 'signed-on': correcting.input.signedOn });
  } else if (correcting?.kind === 'goodDeed') {
    Object.assign(draft, {
      category: correcting.input.category, 'occurred-on': correcting.input.occurredOn,
      description: correcting.input.description,
    });
  }
  for (const id of DRAFT_FIELDS) byId(id).value = draft[id] ?? defaults[id];
  byId('signed-on').min = state.campaign?.startsOn ?? '';
  byId('signed-on').max = [state.campaign?.endsOn ?? today, today].sort()[0];
  byId('occurred-on').max = today;
}

// Whatever is typed is kept per household until it is recorded, even if the dialog is closed.
for (const id of DRAFT_FIELDS) {
  byId(id).addEventListener('input', () => {
    if (!state.current) return;
    const draft = state.drafts.get(state.current.id) ?? {};
    draft[id] = byId(id).value;
    state.drafts.set(state.current.id, draft);
  });
}

function clearErrors() {
  for (const id of DRAFT_FIELDS) {
    byId(`${id}-error`).textContent = '';
    byId(id).removeAttribute('aria-invalid');
  }
}

function fieldError(id, text) {
  byId(`${id}-error`).textContent = text;
  byId(id).setAttribute('aria-invalid', 'true');
}

function closeDialog() {
  const id = state.current?.id;
  dialog.close();
  state.current = null;
  state.correcting = null;
  if (id) document.querySelector(`button.household[data-id="${id}"]`)?.focus();
}

byId('hh-close').addEventListener('click', closeDialog);
dialog.addEventListener('cancel', (event) => {
  event.preventDefault();
  closeDialog();
});

byId('pledge-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors();
  const household = state.current;
  const signerName = byId('signer').value.trim();
  const signedOn = byId('signed-on').value;
  const today = todayInVietnam();
  const last = [state.campaign.endsOn, today].sort()[0];
  let first = null;
  if (!signerName || signerName.length > 200) {
    fieldError('signer', 'Hãy nhập họ tên người ký (tối đa 200 ký tự).');
    first ??= 'signer';
  }
  if (!signedOn || signedOn < state.campaign.startsOn || signedOn > last) {
    fieldError('signed-on', `Ngày ký phải từ ${date(state.campaign.startsOn)} đến ${date(last)}.`);
    first ??= 'signed-on';
  }
  if (first) {
    byId(first).focus();
    return;
  }
  const clientMutationId = newId();
  await enqueue({
    clientMutationId, kind: 'pledge', userId: state.user.id, label: `Hộ ${household.code} · ${household.headName}`,
    input: { clientMutationId, householdId: household.id, campaignId: state.campaign.id, signerName, signedOn },
  });
  await recorded(household, `Đã lưu chữ ký của hộ ${household.headName}.`);
});

byId('deed-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors();
  const household = state.current;
  const category = byId('category').value;
  const occurredOn = byId('occurred-on').value;
  const description = byId('description').value.trim();
  let first = null;
  if (!category) {
    fieldError('category', 'Hãy chọn loại việc tốt.');
    first ??= 'category';
  }
  if (!occurredOn || occurredOn > todayInVietnam()) {
    fieldError('occurred-on', 'Hãy chọn ngày, không sau hôm nay.');
    first ??= 'occurred-on';
  }
  if (!description || description.length > 2000) {
    fieldError('description', 'Hãy ghi nội dung việc tốt (tối đa 2.000 ký tự).');
    first ??= 'description';
  }
  if (first) {
    byId(first).focus();
    return;
  }
  const clientMutationId = newId();
  await enqueue({
    clientMutationId, kind: 'goodDeed', userId: state.user.id, label: `Hộ ${household.code} · ${household.headName}`,
    input: { clientMutationId, groupId: state.group.id, householdId: household.id, category, occurredOn, description },
  });
  await recorded(household, `Đã lưu việc tốt của hộ ${household.headName}.`);
});

/** After an item is queued: the draft is done with, a corrected refusal is replaced, and sending starts. */
async function recorded(household, words) {
  state.drafts.delete(household.id);
  if (state.correcting) await drop(state.correcting.clientMutationId);
  closeDialog();
  await refreshQueue();
  renderHouseholds();
  announce(byId('sync-result'), state.reachable ? `${words} Đang gửi…` : `${words} Chưa có mạng: sẽ tự gửi khi có mạng.`);
  syncNow({ quiet: !state.reachable });
}

// ---- the queue and sending ----------------------------------------------------------------------

async function refreshQueue() {
  state.queue = await queued();
  const mine = state.queue.filter((item) => item.userId === state.user?.id);
  const waiting = mine.filter((item) => item.state === 'pending').length;
  const others = state.queue.filter((item) => item.userId !== state.user?.id && item.state === 'pending').length;
  byId('queue-count').textContent = (waiting ? `Chờ gửi: ${count(waiting)} bản ghi.` : 'Không có bản ghi chờ gửi.')
    + (others ? ` (${count(others)} bản ghi của tài khoản khác chờ người đó đăng nhập.)` : '');
  byId('queue-count').dataset.waiting = String(waiting);
  renderRefusals(mine.filter((item) => item.state === 'refused'));
}

function renderRefusals(refused) {
  fill(byId('refusals'), refused.map((item) => {
    const household = state.households.find((x) => x.id === item.input.householdId);
    const what = item.kind === 'pledge'
      ? `Chữ ký của ${item.input.signerName} (${date(item.input.signedOn)})`
      : `Việc tốt ngày ${date(item.input.occurredOn)}`;
    const standing = item.error?.existingPledgeId && household?.pledge
      ? ` Đã ghi nhận trước: người ký ${household.pledge.signerName}, ngày ${date(household.pledge.signedOn)}.`
      : '';
    const correctable = item.error?.code === 'BAD_USER_INPUT' && household;
    return h('li', { class: 'refusal' },
      h('p', {}, h('strong', {}, item.label), ` · ${what}`),
      h('p', { class: 'error' }, `${explain(item.error)}${standing}`),
      h('div', { class: 'actions' },
        correctable ? h('button', { type: 'button', class: 'secondary', onclick: () => openHousehold(household.id, item) }, 'Sửa và gửi lại') : null,
        h('button', { type: 'button', class: 'secondary', onclick: async () => {
          await drop(item.clientMutationId);
          await refreshQueue();
          renderHouseholds();
          byId('sync-now').focus();
        } }, 'Đã xem, bỏ bản ghi này')));
  }));
}

function showNet(up) {
  state.reachable = up;
  const element = byId('net-status');
  if (element.dataset.online === String(up)) return;
  element.dataset.online = String(up);
  element.textContent = up
    ? 'Có mạng: bản ghi được gửi ngay.'
    : 'Không có mạng: bản ghi được lưu trên máy và tự gửi khi có mạng.';
}

byId('sync-now').addEventListener('click', () => syncNow({ manual: true }));

/**
 * Sends what is queued. With nothing queued it sends nothing and says so. Only one tab of the page
 * sends at a time. With `quiet`, a failure to reach the server is not announced (the page already
 * said the record waits on the phone).
 */
async function syncNow({ manual = false, quiet = false } = {}) {
  if (!state.user || state.syncing) return;
  await refreshQueue();
  const waiting = state.queue.filter((item) => item.userId === state.user.id && item.state === 'pending').length;
  if (!waiting) {
    if (manual) announce(byId('sync-result'), 'Không có bản ghi nào chờ gửi.');
    return;
  }
  if (!api.accessToken && !(await vault.load())?.refreshToken) {
    // Signing in again was put off: records keep waiting, and the dialog opens only when asked for.
    if (manual) again.open(state.user.username);
    else announce(byId('sync-result'), `Cần đăng nhập lại để gửi: ${count(waiting)} bản ghi chờ gửi.`);
    return;
  }
  state.syncing = true;
  byId('sync-now').disabled = true;
  clearTimeout(state.retryTimer);
  try {
    const run = () => sync(api, state.user.id);
    const result = navigator.locks
      ? await navigator.locks.request('pledge-sync', { ifAvailable: true }, (lock) => (lock ? run() : null))
      : await run();
    if (result) await afterSync(result, { quiet: quiet && !manual });
  } finally {
    state.syncing = false;
    byId('sync-now').disabled = false;
  }
}

/** Pause before sending again after a failure: every 5 s for the first minute, then every 30 s. */
function retryDelay() {
  state.failedAttempts += 1;
  return state.failedAttempts <= 12 ? 5_000 : 30_000;
}

async function afterSync(result, { quiet = false } = {}) {
  for (const item of result.recorded) {
    if (item.kind !== 'pledge') continue;
    const household = state.households.find((x) => x.id === item.input.householdId);
    if (!household) continue;
    household.pledge = { ...item.pledge, __typename: 'Pledge' };
    await store.put('households', household);
  }
  const pledges = result.recorded.filter((item) => item.kind === 'pledge').length;
  const deeds = result.recorded.length - pledges;
  const parts = [];
  if (pledges) parts.push(`${count(pledges)} chữ ký`);
  if (deeds) parts.push(`${count(deeds)} việc tốt`);
  let words = result.sent
    ? `Đã gửi ${count(result.sent)} bản ghi: ${parts.length ? `${parts.join(' và ')} đã được ghi nhận` : 'không bản ghi nào được ghi nhận'}`
      + (result.refused.length ? `, ${count(result.refused.length)} bị từ chối (xem lý do bên dưới).` : '.')
    : '';
  if (result.stopped) {
    const left = (await queued()).filter((item) => item.userId === state.user.id && item.state === 'pending').length;
    words = `${words} ${explain(result.stopped)} Còn ${count(left)} bản ghi chờ gửi.`.trim();
    // Trying again helps when the network or the server was the trouble; any other refusal of a whole
    // batch waits for the leader (a new record, "Gửi ngay", or the page opened again).
    if (isTransient(result.stopped.code)) state.retryTimer = setTimeout(() => syncNow({ quiet: true }), retryDelay());
  } else {
    state.failedAttempts = 0;
  }
  const nothingHappened = result.stopped?.code === 'NETWORK' && !result.sent;
  if (quiet && nothingHappened) return;
  await refreshQueue();
  renderHouseholds();
  announce(byId('sync-result'), words);
  // Refusals name a household someone else signed: read the list again to show who and when.
  if ((result.refused.length || result.recorded.length) && state.campaign) {
    await loadHouseholds().catch(() => {});
    await refreshQueue();
  }
}

// When the browser does notice the network coming back, there is no need to wait for the next try.
window.addEventListener('online', () => {
  if (state.user) refreshFromServer().then(() => syncNow());
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && state.user) syncNow({ quiet: true });
});

boot();
