import type { BuyerPaymentView } from '../app/payments/buyer-page.ts';
import { Layout } from './html.tsx';
import { formatMoney, type Locale, type Translate } from './i18n.ts';

export interface PayPageProps {
  view: BuyerPaymentView;
  locale: Locale;
  t: Translate;
  /** The signed token, sent back with the retry form (it is the page's capability). */
  token: string;
  /** An error of the last retry, already translated. */
  problem?: string | undefined;
}

/** A stamp of what the panel shows: the script swaps the panel when it changes. */
export function panelVersion(view: BuyerPaymentView): string {
  return [view.state, view.order.status, view.latest?.id ?? '', view.latest?.status ?? ''].join(
    ':',
  );
}

export function secondsLeft(view: BuyerPaymentView): number {
  if (!view.session || (view.state !== 'awaiting' && view.state !== 'failed')) return 0;
  return Math.max(0, Math.floor((view.session.expiresAt.getTime() - view.now.getTime()) / 1000));
}

export function mmss(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** The order's lines, adjustments and total. */
function OrderTable({ view, locale, t }: PayPageProps) {
  const { order } = view;
  const money = (cents: number) => formatMoney(cents, order.currency, locale);
  return (
    <table class="lines">
      <caption class="visually-hidden">{t('pay.order', { number: order.orderNumber })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('pay.item')}</th>
          <th scope="col" class="num">
            {t('pay.amount')}
          </th>
        </tr>
      </thead>
      <tbody>
        {order.items.map((item) => (
          <tr>
            <td>
              {item.name} × {item.quantity}
            </td>
            <td class="num">{money(item.lineTotalCents)}</td>
          </tr>
        ))}
        {order.adjustments.map((adjustment) => (
          <tr class="adjustment">
            <td>{adjustment.label}</td>
            <td class="num">{money(adjustment.amountCents)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t('pay.total')}</th>
          <td class="num">{money(order.totals.totalCents)}</td>
        </tr>
      </tfoot>
    </table>
  );
}

/** The part that changes with the window's state; re-rendered by /state for the script. */
export function PayPanel(props: PayPageProps) {
  const { view, t, locale } = props;
  const { session, state, latest } = view;
  const used = session?.paymentAttempts ?? 0;
  const max = session?.maxPaymentAttempts ?? 0;
  const open = state === 'awaiting' || state === 'failed';
  const tone = state === 'paid' ? 'ok' : state === 'awaiting' ? 'info' : 'warn';
  return (
    <div id="panel" data-state={state} data-version={panelVersion(view)}>
      <p class={`status ${tone}`} id="state-message">
        {t(`pay.state.${state}`)}
      </p>
      {props.problem ? (
        <p class="status warn" role="alert">
          {props.problem}
        </p>
      ) : null}
      {open ? (
        <div class="timer">
          <span id="timer-label">{t('pay.timeLeft')}</span>
          <span id="countdown" role="timer" aria-labelledby="timer-label">
            {mmss(secondsLeft(view))}
          </span>
        </div>
      ) : null}
      {session && state !== 'paid' ? (
        <p class="muted" id="attempts">
          {t('pay.attempts', { used, max })} ·{' '}
          {t('pay.attemptsLeft', { left: Math.max(0, max - used) })}
        </p>
      ) : null}
      {state === 'failed' && latest?.failureReason ? (
        <p class="muted">{t('pay.failureReason', { reason: latest.failureReason })}</p>
      ) : null}
      {state === 'awaiting' && view.checkoutUrl ? (
        <a class="button primary" id="pay" href={view.checkoutUrl}>
          {t('pay.button', {
            amount: formatMoney(latest?.amountCents ?? 0, view.order.currency, locale),
          })}
        </a>
      ) : null}
      {state === 'failed' ? (
        <form method="post" action={`/pay/${view.order.id}/retry`}>
          <input type="hidden" name="t" value={props.token} />
          <button type="submit" class="primary" id="retry">
            {t('pay.retry')}
          </button>
        </form>
      ) : null}
      {state === 'paid' && latest ? (
        <section class="receipt" aria-labelledby="receipt-title">
          <h2 id="receipt-title">{t('pay.receipt')}</h2>
          <p>{t('pay.paidWith', { provider: latest.provider, payment: latest.id })}</p>
          <p class="total">{formatMoney(latest.amountCents, latest.currency, locale)}</p>
        </section>
      ) : null}
    </div>
  );
}

export function PayPage(props: PayPageProps) {
  const { view, t, locale } = props;
  const expiresAt = view.session?.expiresAt.toISOString() ?? '';
  return (
    <Layout
      title={t('pay.title', { number: view.order.orderNumber })}
      lang={locale}
      scripts={['pay.js']}
    >
      <article
        class="card"
        id="pay-page"
        data-state-url={`/pay/${view.order.id}/state?t=${encodeURIComponent(props.token)}`}
        data-server-now={view.now.toISOString()}
        data-expires-at={expiresAt}
      >
        <h1>{t('pay.order', { number: view.order.orderNumber })}</h1>
        <OrderTable {...props} />
        <div aria-live="polite">
          <PayPanel {...props} />
        </div>
        <p class="muted small">{t('pay.liveNote')}</p>
      </article>
    </Layout>
  );
}

export function InvalidLinkPage({ locale, t }: { locale: Locale; t: Translate }) {
  return (
    <Layout title={t('pay.invalidTitle')} lang={locale}>
      <article class="card" id="invalid-link">
        <h1>{t('pay.invalidTitle')}</h1>
        <p>{t('pay.invalidBody')}</p>
      </article>
    </Layout>
  );
}
