// The board's year-end report: a ward's movement year (from 1 November, or the ward's own first day,
// to the day before a year later) as `movementYearReport` gives it: the totals, one row per group,
// incidents against the year before, the satisfaction surveys, the self-management models, the
// awards and the festival days. Words for the API's codes are the workbook's, so both read alike.

import { h } from './dom.js';
import { count, date, moment, percent } from './text.js';

export const YEAR_REPORT = `query BoardYear($wardId: ID!, $year: Int!) {
  movementYearReport(wardId: $wardId, year: $year) {
    asOf year startsOn endsOn
    ward { name }
    campaign { title }
    totals { households signed percent deeds models awards ballotCount satisfactionRate }
    groups {
      group { id code name }
      coverage { households signed percent fullyCovered }
      goodDeedCount activeModelCount awardCount satisfactionRate ballotCount
      assessment { level { label } }
    }
    incidentsFrom incidentsTo
    incidents { category count previousCount change changePercent complete }
    surveys { survey { id title conductedOn } group { name } ballotCount satisfactionRate }
    models { id name kind status group { name } participatingHouseholdCount unitCount startedOn }
    awards { id issuer issuerName decisionNumber decisionDate recipientKind group { name } recipientName citation status }
    events { id heldOn kind title attendance hostingGroup { name } }
  }
}`;

const INCIDENTS = {
  SECURITY_ORDER: 'An ninh, trật tự',
  TRAFFIC_ACCIDENT: 'Tai nạn giao thông',
  FIRE: 'Cháy, nổ',
  SERIOUS_CRIME: 'Tội phạm nghiêm trọng',
  MASS_COMPLAINT: 'Khiếu kiện đông người',
};
const MODEL_KINDS = {
  REINTEGRATION: 'Giúp người hoàn lương',
  SECURITY_CAMERAS: 'Camera an ninh',
  REPORTING_CHANNEL: 'Kênh tiếp nhận tin báo',
  FIRE_SAFETY_GROUP: 'Tổ liên gia an toàn PCCC',
  PUBLIC_FIRE_POINT: 'Điểm chữa cháy công cộng',
  OTHER: 'Mô hình khác',
};
const MODEL_STATUSES = { ACTIVE: 'Đang hoạt động', SUSPENDED: 'Tạm dừng', ENDED: 'Đã kết thúc' };
const ISSUERS = { CITY_PEOPLES_COMMITTEE: 'Chủ tịch UBND thành phố', WARD_PEOPLES_COMMITTEE: 'Chủ tịch UBND phường' };
const EVENT_KINDS = { FESTIVAL: 'Ngày hội', FORUM: 'Diễn đàn', OTHER: 'Sự kiện khác' };

/** A figure the API already gives in percent (72.4), with a decimal comma. */
const inPercent = (value) => (value === null || value === undefined
  ? '—'
  : `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(value)}%`);

/** A share (0.91) in percent, or a dash when there is none. */
const share = (value) => (value === null || value === undefined ? '—' : percent(value));

/** A change with its sign: "+3", "−5", "0". */
const signed = (value) => (value > 0 ? `+${count(value)}` : value < 0 ? `−${count(-value)}` : '0');

/** A `YYYY-MM` month as MM/YYYY. */
const month = (value) => (value ? `${value.slice(5)}/${value.slice(0, 4)}` : '');

function table(caption, headings, rows) {
  return h('div', { class: 'scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
    h('table', { class: 'year-table' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, headings.map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, rows)));
}

function section(title, ...content) {
  return h('section', { class: 'year-part' }, h('h3', {}, title), ...content);
}

const none = (text) => h('p', { class: 'muted' }, text);

/** The report as page content. */
export function yearReport(report) {
  const t = report.totals;
  const totals = h('ul', { class: 'year-totals' },
    h('li', {}, h('strong', {}, t.signed === null ? '—' : `${count(t.signed)}/${count(t.households)}`),
      ` hộ đã ký cam kết (${inPercent(t.percent)})`),
    h('li', {}, h('strong', {}, count(t.deeds)), ' việc tốt đã xác minh'),
    h('li', {}, h('strong', {}, count(t.models)), ' mô hình tự quản'),
    h('li', {}, h('strong', {}, count(t.awards)), ' khen thưởng'),
    h('li', {}, h('strong', {}, count(t.ballotCount)), ` phiếu khảo sát, hài lòng ${share(t.satisfactionRate)}`));

  const groups = table('Các tổ dân phố trong năm',
    ['Tổ dân phố', 'Ký cam kết', 'Việc tốt', 'Mô hình', 'Khen thưởng', 'Hài lòng', 'Xếp loại'],
    report.groups.map((row) => h('tr', { dataset: { groupId: row.group.id } },
      h('th', { scope: 'row' }, row.group.name),
      h('td', { class: 'num' }, row.coverage.signed === null ? '—' : `${count(row.coverage.signed)}/${count(row.coverage.households)} (${inPercent(row.coverage.percent)})`,
        row.coverage.fullyCovered ? h('span', { class: 'mark' }, ' ✓ 100%') : null),
      h('td', { class: 'num' }, count(row.goodDeedCount)),
      h('td', { class: 'num' }, count(row.activeModelCount)),
      h('td', { class: 'num' }, count(row.awardCount)),
      h('td', { class: 'num' }, row.ballotCount ? share(row.satisfactionRate) : '—'),
      h('td', {}, row.assessment?.level.label ?? 'Chưa xếp loại'))));

  const incidents = report.incidents.length
    ? table('Tình hình an ninh, trật tự so với năm trước',
      ['Loại vụ việc', 'Năm nay', 'Năm trước', 'Tăng, giảm', 'Tỷ lệ'],
      report.incidents.map((row) => h('tr', { dataset: { category: row.category } },
        h('th', { scope: 'row' }, INCIDENTS[row.category] ?? row.category,
          row.complete ? null : h('span', { class: 'muted' }, ' (chưa đủ số liệu các tháng)')),
        h('td', { class: 'num' }, count(row.count)),
        h('td', { class: 'num' }, count(row.previousCount)),
        h('td', { class: 'num' }, signed(row.change)),
        h('td', { class: 'num' }, row.changePercent === null ? '—' : `${row.changePercent > 0 ? '+' : ''}${inPercent(row.changePercent)}`))))
    : none('Chưa có số liệu vụ việc.');

  const surveys = report.surveys.length
    ? h('ul', { class: 'year-list' }, report.surveys.map((row) => h('li', {},
      h('strong', {}, row.survey.title), ` (${date(row.survey.conductedOn)}${row.group ? `, ${row.group.name}` : ''}): `,
      `${count(row.ballotCount)} phiếu, hài lòng ${share(row.satisfactionRate)}`)))
    : none('Không có cuộc khảo sát nào trong năm.');

  const models = report.models.length
    ? table('Mô hình tự quản', ['Mô hình', 'Loại', 'Nơi', 'Tình trạng', 'Số hộ tham gia'],
      report.models.map((model) => h('tr', {},
        h('th', { scope: 'row' }, model.name),
        h('td', {}, MODEL_KINDS[model.kind] ?? model.kind),
        h('td', {}, model.group?.name ?? 'Toàn phường'),
        h('td', {}, MODEL_STATUSES[model.status] ?? model.status),
        h('td', { class: 'num' }, count(model.participatingHouseholdCount)))))
    : none('Không có mô hình tự quản nào trong năm.');

  const awards = report.awards.length
    ? h('ul', { class: 'year-list' }, report.awards.map((award) => h('li', { class: award.status === 'REVOKED' ? 'revoked' : null },
      h('strong', {}, award.recipientKind === 'COLLECTIVE' ? `Tập thể ${award.group?.name ?? ''}` : `Cá nhân ${award.recipientName ?? ''}`),
      ` · ${award.issuer === 'OTHER' ? award.issuerName ?? 'Khác' : ISSUERS[award.issuer]}, quyết định ${award.decisionNumber} ngày ${date(award.decisionDate)}`,
      award.status === 'REVOKED' ? ' (đã thu hồi)' : null,
      h('span', { class: 'deed-text' }, award.citation))))
    : none('Không có khen thưởng nào trong năm.');

  const events = report.events.length
    ? h('ul', { class: 'year-list' }, report.events.map((event) => h('li', {},
      h('strong', {}, `${date(event.heldOn)} · ${EVENT_KINDS[event.kind] ?? event.kind}`), ` ${event.title}`,
      event.hostingGroup ? ` (tại ${event.hostingGroup.name})` : '',
      event.attendance ? `, ${count(event.attendance)} người tham dự` : '')))
    : none('Không có ngày hội, diễn đàn nào trong năm.');

  return [
    h('p', {}, `${report.ward.name}, năm ${report.year}: từ ${date(report.startsOn)} đến ${date(report.endsOn)}`,
      report.campaign ? ` · ${report.campaign.title}` : ' · không có cuộc vận động ký cam kết',
      h('span', { class: 'muted' }, ` · số liệu lúc ${moment(report.asOf)}`)),
    section('Tổng hợp', totals),
    section('Các tổ dân phố', groups),
    section(`Tình hình an ninh, trật tự (${month(report.incidentsFrom)}–${month(report.incidentsTo)}, so với cùng kỳ năm trước)`, incidents),
    section('Khảo sát sự hài lòng', surveys),
    section('Mô hình tự quản', models),
    section('Khen thưởng', awards),
    section('Ngày hội, diễn đàn', events),
  ];
}
