import { formatMinorUnits } from '../domain/money-format.ts';
/**
 * Every message of the buyer's pages (payment page and sandbox provider), in one table: English
 * and Vietnamese. `{name}` placeholders are filled by `t()`. The console is English only.
 */
export const LOCALES = ['en', 'vi'] as const;
export type Locale = (typeof LOCALES)[number];

const MESSAGES = {
  en: {
    'pay.title': 'Pay for order {number}',
    'pay.order': 'Order {number}',
    'pay.item': 'Item',
    'pay.amount': 'Amount',
    'pay.total': 'Total',
    'pay.timeLeft': 'Time left to pay',
    'pay.attempts': 'Attempt {used} of {max}',
    'pay.attemptsLeft': '{left} left',
    'pay.button': 'Pay {amount}',
    'pay.retry': 'Retry payment',
    'pay.state.awaiting': 'Waiting for your payment.',
    'pay.state.failed': 'The last payment attempt failed. You can try again.',
    'pay.state.attempts_used_up': 'Every payment attempt has been used. Please create a new order.',
    'pay.state.expired': 'The time to pay has run out. Please create a new order.',
    'pay.state.paid': 'Paid. Thank you! This is your receipt.',
    'pay.state.cancelled': 'This order was cancelled.',
    'pay.receipt': 'Receipt',
    'pay.paidWith': 'Paid with {provider}, payment {payment}.',
    'pay.failureReason': 'Reason: {reason}',
    'pay.invalidTitle': 'This link is not valid',
    'pay.invalidBody':
      'The payment link is wrong, belongs to another order, or has expired. Please use the latest link you received.',
    'pay.liveNote': 'This page updates by itself.',
    'error.SESSION_EXPIRED': 'The time to pay has run out.',
    'error.SESSION_NOT_ACTIVE': 'This payment window is closed.',
    'error.MAX_ATTEMPTS_REACHED': 'Every payment attempt has been used.',
    'error.PAYMENT_PROVIDER_FAILED': 'The payment provider could not start the payment.',
    'error.RATE_LIMITED': 'Too many attempts; please wait a minute.',
    'error.other': 'Something went wrong. Please try again.',
    'sandbox.title': 'Sandbox payment',
    'sandbox.note': 'Test payment provider: no money moves.',
    'sandbox.pay': 'Pay {amount}',
    'sandbox.fail': 'Fail',
    'sandbox.cancel': 'Cancel',
    'sandbox.closed': 'This payment is settled or its window is closed.',
    'sandbox.back': 'Back to the order',
    'sandbox.missing': 'No such sandbox payment.',
  },
  vi: {
    'pay.title': 'Thanh toán đơn hàng {number}',
    'pay.order': 'Đơn hàng {number}',
    'pay.item': 'Sản phẩm',
    'pay.amount': 'Số tiền',
    'pay.total': 'Tổng cộng',
    'pay.timeLeft': 'Thời gian còn lại để thanh toán',
    'pay.attempts': 'Lần thử {used}/{max}',
    'pay.attemptsLeft': 'còn {left} lần',
    'pay.button': 'Thanh toán {amount}',
    'pay.retry': 'Thử thanh toán lại',
    'pay.state.awaiting': 'Đang chờ bạn thanh toán.',
    'pay.state.failed': 'Lần thanh toán vừa rồi không thành công. Bạn có thể thử lại.',
    'pay.state.attempts_used_up': 'Bạn đã dùng hết số lần thanh toán. Vui lòng tạo đơn hàng mới.',
    'pay.state.expired': 'Đã hết thời gian thanh toán. Vui lòng tạo đơn hàng mới.',
    'pay.state.paid': 'Đã thanh toán. Cảm ơn bạn! Đây là biên nhận của bạn.',
    'pay.state.cancelled': 'Đơn hàng này đã bị hủy.',
    'pay.receipt': 'Biên nhận',
    'pay.paidWith': 'Đã thanh toán qua {provider}, mã thanh toán {payment}.',
    'pay.failureReason': 'Lý do: {reason}',
    'pay.invalidTitle': 'Liên kết không hợp lệ',
    'pay.invalidBody':
      'Liên kết thanh toán bị sai, thuộc về đơn hàng khác hoặc đã hết hạn. Vui lòng dùng liên kết mới nhất bạn nhận được.',
    'pay.liveNote': 'Trang này tự động cập nhật.',
    'error.SESSION_EXPIRED': 'Đã hết thời gian thanh toán.',
    'error.SESSION_NOT_ACTIVE': 'Phiên thanh toán này đã đóng.',
    'error.MAX_ATTEMPTS_REACHED': 'Bạn đã dùng hết số lần thanh toán.',
    'error.PAYMENT_PROVIDER_FAILED': 'Nhà cung cấp thanh toán không thể bắt đầu giao dịch.',
    'error.RATE_LIMITED': 'Bạn thử quá nhiều lần; vui lòng đợi một phút.',
    'error.other': 'Đã có lỗi xảy ra. Vui lòng thử lại.',
    'sandbox.title': 'Thanh toán thử nghiệm',
    'sandbox.note': 'Cổng thanh toán thử nghiệm: không có tiền thật được chuyển.',
    'sandbox.pay': 'Thanh toán {amount}',
    'sandbox.fail': 'Thất bại',
    'sandbox.cancel': 'Hủy',
    'sandbox.closed': 'Khoản thanh toán này đã xong hoặc đã hết thời gian.',
    'sandbox.back': 'Quay lại đơn hàng',
    'sandbox.missing': 'Không có khoản thanh toán thử nghiệm này.',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type MessageKey = keyof (typeof MESSAGES)['en'];

// Both languages have every key: the type above checks English, this checks Vietnamese.
const _sameKeys: Record<MessageKey, string> = MESSAGES.vi;
void _sameKeys;

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  return (key, values = {}) =>
    MESSAGES[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in values ? String(values[name]) : whole,
    );
}

/** The error code's message, or a general one for codes the buyer need not tell apart. */
export function errorKey(code: string): MessageKey {
  const key = `error.${code}`;
  return key in MESSAGES.en ? (key as MessageKey) : 'error.other';
}

/** The best of our locales for an `Accept-Language` header (q-values honoured); English else. */
export function pickLocale(header: string | undefined): Locale {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return {
        language: tag.split('-')[0] ?? '',
        weight: Number.isFinite(weight) ? weight : 0,
        index,
      };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { language } of ranked) {
    if ((LOCALES as readonly string[]).includes(language)) return language as Locale;
  }
  return 'en';
}

/** Amounts in minor units, shown with the locale's separators and the currency's decimals. */
export function formatMoney(cents: number, currency: string, locale: Locale): string {
  return formatMinorUnits(cents, currency, locale === 'vi' ? 'vi-VN' : 'en-US');
}
