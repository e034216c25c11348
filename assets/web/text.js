// Text and numbers as Vietnamese readers expect them, and the search key households are matched by.

/**
 * Folds text for searching, as the server does for `households(filter: {search})`: decomposed (NFD),
 * combining marks dropped, đ/Đ (a letter of its own, not d plus a mark) made d, lower case, runs of
 * white space made one space. "Trần Thị Đào" and "tran thi dao" give the same key.
 */
export function fold(text) {
  return String(text ?? '')
    .normalize('NFD')
    .replace(/[đĐ]/g, 'd')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The key a household is found by: its head's name, code and address, kept apart so a phrase never spans two. */
export function householdKey(household) {
  return `${fold(household.headName)} | ${fold(household.code)} | ${fold(household.address)}`;
}

/** Whether `household` matches the search `phrase` (empty matches everything). */
export function matches(household, phrase) {
  const wanted = fold(phrase);
  return wanted === '' || householdKey(household).includes(wanted);
}

const percentFormat = new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 });
const numberFormat = new Intl.NumberFormat('vi-VN');

/**
 * A share as a percentage with one decimal, rounded down: a group one household short never reads
 * "100%" (199/200 is 99,5%).
 */
export function percent(share) {
  return percentFormat.format(Math.floor((share ?? 0) * 1000) / 1000);
}

/** A count with Vietnamese grouping (1.234). */
export function count(n) {
  return numberFormat.format(n ?? 0);
}

/** An ISO date (2023-05-19) as 19/05/2023. */
export function date(iso) {
  if (!iso) return '';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/** A moment (RFC 3339) as "14:05 19/05/2023" in Vietnam's time (UTC+7 all year). */
export function moment(iso) {
  if (!iso) return '';
  const shifted = new Date(new Date(iso).getTime() + 7 * 3600_000).toISOString();
  return `${shifted.slice(11, 16)} ${date(shifted)}`;
}

/** Today in Vietnam, as an ISO date: the day the server checks "not in the future" against. */
export function todayInVietnam() {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** `iso` kept inside [from, to]. */
export function clampDate(iso, from, to) {
  if (from && iso < from) return from;
  if (to && iso > to) return to;
  return iso;
}

/** A new id for a record made on this device: its idempotency key. */
export function newId() {
  return crypto.randomUUID();
}

/** Natural order of codes: "2" before "10". */
export const byCode = new Intl.Collator('vi', { numeric: true, sensitivity: 'base' }).compare;

/** The kinds of good deed, as the pages (and the year-end workbook) name them. */
export const DEED_CATEGORIES = {
  CRIME_REPORT: 'Tố giác tội phạm',
  FIRE_PREVENTION: 'Phòng cháy, chữa cháy',
  LOST_PROPERTY_RETURNED: 'Trả lại của rơi',
  DISPUTE_MEDIATION: 'Hòa giải mâu thuẫn',
  REINTEGRATION_SUPPORT: 'Giúp người hoàn lương',
  TRAFFIC_SAFETY: 'An toàn giao thông',
  PATROL: 'Tuần tra',
  DRUG_PREVENTION: 'Phòng chống ma túy',
  OTHER: 'Việc tốt khác',
};

/** Where a good deed stands. */
export const DEED_STATUSES = {
  REPORTED: 'Chờ xác minh',
  VERIFIED: 'Đã xác minh',
  REJECTED: 'Không công nhận',
};
