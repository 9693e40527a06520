import type { PaymentSessionView } from '../app/payments/payment-window.ts';
import type { Order } from '../domain/order/types.ts';
import type { Payment } from '../domain/payment/types.ts';
import { Layout, renderPage } from './html.tsx';
import { formatMoney, type Locale, translator } from './i18n.ts';

export type SandboxPageInput =
  | { kind: 'missing'; locale?: Locale }
  | {
      kind: 'payment';
      payment: Payment;
      order: Order;
      session: PaymentSessionView | null;
      now: Date;
      actionBase: string;
      /** The buyer's order page, where every button leads back. */
      returnUrl?: string | undefined;
      locale?: Locale;
    };

/** The sandbox provider's page, in the payment page's look: Pay, Fail and Cancel. */
export function sandboxPage(input: SandboxPageInput): string {
  const locale = input.locale ?? 'en';
  const t = translator(locale);
  if (input.kind === 'missing') {
    return renderPage(
      <Layout title={t('sandbox.title')} lang={locale}>
        <article class="card">
          <h1>{t('sandbox.title')}</h1>
          <p>{t('sandbox.missing')}</p>
        </article>
      </Layout>,
    );
  }
  const { payment, order, session, now, actionBase } = input;
  const open =
    payment.status === 'pending' &&
    session?.status === 'active' &&
    now.getTime() < session.expiresAt.getTime();
  const amount = formatMoney(payment.amountCents, payment.currency, locale);
  return renderPage(
    <Layout title={`${t('sandbox.title')}: ${order.orderNumber}`} lang={locale}>
      <article class="card sandbox" id="sandbox-page">
        <h1>{t('sandbox.title')}</h1>
        <p class="muted">{t('sandbox.note')}</p>
        <p>
          {t('pay.order', { number: order.orderNumber })} ·{' '}
          {t('pay.attempts', { used: payment.attempt, max: session?.maxPaymentAttempts ?? '?' })}
        </p>
        <p class="total">{amount}</p>
        <p class="muted">
          <span id="payment-status">{payment.status}</span> ·{' '}
          <span id="order-status">{order.status}</span>
        </p>
        {open ? (
          <div class="actions">
            <form method="post" action={`${actionBase}/succeed`}>
              <button type="submit" class="primary" id="sandbox-pay">
                {t('sandbox.pay', { amount })}
              </button>
            </form>
            <form method="post" action={`${actionBase}/fail`}>
              <button type="submit" class="danger" id="sandbox-fail">
                {t('sandbox.fail')}
              </button>
            </form>
            <form method="post" action={`${actionBase}/cancel`}>
              <button type="submit" id="sandbox-cancel">
                {t('sandbox.cancel')}
              </button>
            </form>
          </div>
        ) : (
          <p class="status warn">{t('sandbox.closed')}</p>
        )}
        {input.returnUrl ? (
          <p>
            <a href={input.returnUrl}>{t('sandbox.back')}</a>
          </p>
        ) : null}
      </article>
    </Layout>,
  );
}
