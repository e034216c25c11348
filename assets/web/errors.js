// Every refusal of the API, said in Vietnamese. The API answers in English for developers, with a
// code (`extensions.code`) and, for a bad input, the field at fault (`extensions.field`): the pages
// choose their words from those two, never from the English text, and put them next to the field.

/** An error of the API or of the way to it, with its code and the input field it names. */
export class ApiError extends Error {
  constructor(code, message, extensions = {}) {
    super(message || code);
    this.code = code;
    this.field = extensions.field ?? null;
    this.extensions = extensions;
  }

  /** The first error of a GraphQL answer. */
  static from(error) {
    const extensions = error?.extensions ?? {};
    return new ApiError(extensions.code ?? 'INTERNAL_SERVER_ERROR', error?.message, extensions);
  }
}

/** The server could not be reached, or answered something that is not the API's. */
export const NETWORK = 'NETWORK';

/** Codes after which sending the same thing later may succeed: the record stays queued. */
const TRANSIENT = new Set([NETWORK, 'SERVICE_UNAVAILABLE', 'TIMEOUT', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR']);

/** Whether trying again later may succeed. */
export function isTransient(code) {
  return TRANSIENT.has(code);
}

const BY_CODE = {
  NETWORK: 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại; những gì đã nhập vẫn được giữ.',
  UNAUTHENTICATED: 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại; những gì đã nhập vẫn được giữ.',
  FORBIDDEN: 'Tài khoản của bạn không có quyền làm việc này.',
  NOT_FOUND: 'Không tìm thấy: đã bị xóa, hoặc nằm ngoài phạm vi tài khoản của bạn.',
  BAD_USER_INPUT: 'Thông tin nhập chưa hợp lệ.',
  CONFLICT: 'Dữ liệu vừa được người khác thay đổi. Tải lại rồi thử lại.',
  LIMIT_EXCEEDED: 'Yêu cầu quá lớn. Hãy gửi ít bản ghi hơn mỗi lần.',
  PERSISTED_QUERY_NOT_FOUND: 'Trang này cũ hơn máy chủ. Hãy tải lại trang.',
  PERSISTED_QUERY_REQUIRED: 'Trang này cũ hơn máy chủ. Hãy tải lại trang.',
  SERVICE_UNAVAILABLE: 'Máy chủ tạm thời không truy cập được cơ sở dữ liệu. Sẽ thử lại sau ít phút.',
  TIMEOUT: 'Máy chủ trả lời quá lâu. Sẽ thử lại sau.',
  INTERNAL_SERVER_ERROR: 'Máy chủ gặp lỗi. Sẽ thử lại sau; nếu vẫn lỗi, hãy báo cho quản trị viên.',
};

/** What each input field is called on the pages. */
const FIELD_NAMES = {
  username: 'Tên đăng nhập',
  password: 'Mật khẩu',
  signerName: 'Họ tên người ký',
  signedOn: 'Ngày ký',
  householdId: 'Hộ gia đình',
  campaignId: 'Cuộc vận động',
  groupId: 'Tổ dân phố',
  wardId: 'Phường/xã',
  category: 'Loại việc tốt',
  occurredOn: 'Ngày',
  description: 'Nội dung',
  locale: 'Định dạng tệp',
};

/** Refusals whose cause is known from the code and the field together. */
const BY_CODE_AND_FIELD = {
  'BAD_USER_INPUT signerName': 'Họ tên người ký: bắt buộc, tối đa 200 ký tự, không có ký tự điều khiển.',
  'BAD_USER_INPUT signedOn': 'Ngày ký phải trong thời gian của cuộc vận động và không sau hôm nay.',
  'BAD_USER_INPUT occurredOn': 'Ngày xảy ra không được sau hôm nay.',
  'BAD_USER_INPUT description': 'Nội dung: bắt buộc, tối đa 2.000 ký tự.',
  'BAD_USER_INPUT campaignId': 'Cuộc vận động này không dành cho phường của hộ.',
  'BAD_USER_INPUT householdId': 'Hộ này không thuộc tổ dân phố đã chọn.',
  'CONFLICT householdId': 'Hộ không còn cư trú (đã chuyển đi hoặc giải thể) nên không ký được.',
  'CONFLICT campaignId': 'Cuộc vận động đã đóng hoặc chưa mở: không ghi nhận thêm.',
  'CONFLICT clientMutationId': 'Bản ghi này đã được gửi trước đó với nội dung khác; không ghi đè.',
  'NOT_FOUND householdId': 'Không tìm thấy hộ này trong tổ của bạn (có thể đã bị xóa).',
  'NOT_FOUND campaignId': 'Không tìm thấy cuộc vận động này.',
  'NOT_FOUND groupId': 'Không tìm thấy tổ dân phố này trong phạm vi của bạn.',
};

/**
 * The Vietnamese sentence for `error` (an ApiError, or an item error `{code, field, existingPledgeId}`
 * of `recordPledges`). `context` names what was being done, for the sign-in form's wording.
 */
export function explain(error, context = '') {
  const code = error?.code ?? 'INTERNAL_SERVER_ERROR';
  const field = error?.field ?? error?.extensions?.field ?? null;
  if (context === 'login' && code === 'UNAUTHENTICATED') return 'Sai tên đăng nhập hoặc mật khẩu.';
  if (code === 'CONFLICT' && (error?.existingPledgeId || error?.extensions?.existingPledgeId)) {
    return 'Hộ này đã ký cam kết, do người khác ghi nhận trước. Bản ghi của bạn không ghi đè.';
  }
  if (code === 'RATE_LIMITED') {
    const seconds = Number(error?.extensions?.retryAfterSeconds);
    return seconds > 0
      ? `Quá nhiều lần thử. Vui lòng chờ ${seconds} giây rồi thử lại.`
      : 'Quá nhiều lần thử. Vui lòng chờ một lát rồi thử lại.';
  }
  const specific = BY_CODE_AND_FIELD[`${code} ${field}`];
  if (specific) return specific;
  const general = BY_CODE[code] ?? BY_CODE.INTERNAL_SERVER_ERROR;
  if (code === 'BAD_USER_INPUT' && field && FIELD_NAMES[field]) return `${FIELD_NAMES[field]}: chưa hợp lệ.`;
  return general;
}
