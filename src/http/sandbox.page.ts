import type { PaymentSessionView } from '../app/payments/payment-window.ts';
import type { Order } from '../domain/order/types.ts';
import type { Payment } from '../domain/payment/types.ts';

type PageInput =
  | { kind: 'missing' }
  | {
      kind: 'payment';
      payment: Payment;
      order: Order;
      session: PaymentSessionView | null;
      now: Date;
      actionBase: string;
    };

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function money(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

/** The sandbox payment page: what is being paid, the live window timer, and two buttons. */
export function sandboxPage(input: PageInput): string {
  if (input.kind === 'missing')
    return layout('Payment not found', '<p>No such sandbox payment.</p>');
  const { payment, order, session, now, actionBase } = input;
  const open = payment.status === 'pending' && session?.status === 'active';
  const secondsLeft = session
    ? Math.max(0, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000))
    : 0;
  const rows = order.items
    .map(
      (item) =>
        `<tr><td>${escapeHtml(item.name)} × ${item.quantity}</td><td>${money(item.lineTotalCents, order.currency)}</td></tr>`,
    )
    .join('');
  const adjustments = order.adjustments
    .map(
      (a) =>
        `<tr><td>${escapeHtml(a.label)}</td><td>${money(a.amountCents, order.currency)}</td></tr>`,
    )
    .join('');
  const body = `
    <p class="muted">Order ${escapeHtml(order.orderNumber)} · attempt ${payment.attempt} of ${session?.maxPaymentAttempts ?? '?'}</p>
    <table>${rows}${adjustments}<tr class="total"><td>Total</td><td>${money(payment.amountCents, payment.currency)}</td></tr></table>
    <p>Payment: <strong id="payment-status">${escapeHtml(payment.status)}</strong> · order: <strong id="order-status">${escapeHtml(order.status)}</strong></p>
    ${
      session
        ? `<p>Payment window: <strong>${escapeHtml(session.status)}</strong>${
            session.status === 'active'
              ? `, closes in <strong id="timer" data-seconds="${secondsLeft}"></strong>`
              : ''
          }</p>`
        : ''
    }
    ${
      open
        ? `<form method="post" action="${actionBase}/succeed"><button class="pay">Pay ${money(payment.amountCents, payment.currency)}</button></form>
           <form method="post" action="${actionBase}/fail"><button class="fail">Fail this payment</button></form>`
        : '<p class="muted">This payment is settled or its window is closed.</p>'
    }
    <script>
      const timer = document.getElementById('timer');
      if (timer) {
        let left = Number(timer.dataset.seconds);
        const show = () => { timer.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0'); };
        show();
        setInterval(() => { left = Math.max(0, left - 1); show(); if (left === 0) location.reload(); }, 1000);
      }
    </script>`;
  return layout(`Sandbox payment: ${order.orderNumber}`, body);
}

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1d232a; }
  h1 { font-size: 1.3rem; } .muted { color: #66707a; } table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
  td { padding: .3rem 0; border-bottom: 1px solid #e3e6e9; } td:last-child { text-align: right; } .total td { font-weight: 600; }
  form { display: inline-block; margin: .5rem .5rem 0 0; } button { font: inherit; padding: .6rem 1.2rem; border: 0; border-radius: .4rem; cursor: pointer; }
  .pay { background: #1f7a4d; color: white; } .fail { background: #e3e6e9; }
</style></head><body><h1>${escapeHtml(title)}</h1><p class="muted">ordersession sandbox payment provider</p>${body}</body></html>`;
}
