import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIInteractionResponseCallbackData,
  type APIModalInteractionResponseCallbackData,
  ButtonStyle,
  ComponentType,
  MessageFlags,
  TextInputStyle,
} from 'discord-api-types/v10';
import type { DmOrder } from '../../app/discord/dm-ports.ts';
import type { PaymentSessionView } from '../../app/payments/payment-window.ts';
import { formatMinorUnits } from '../../domain/money-format.ts';
import type { Order } from '../../domain/order/types.ts';
import { sessionSubtotalCents } from '../../domain/order-session/rules.ts';
import type { OrderSessionRecord, ShippingAddress } from '../../domain/order-session/types.ts';
import type { Payment } from '../../domain/payment/types.ts';
import { CUSTOM_IDS, type SHIPPING_FIELDS } from './commands.ts';

/** Pure translations from our records to Discord messages: no I/O, unit tested. */

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;
export type Message = APIInteractionResponseCallbackData;

const BRAND = 0x5865f2;
const WARNING = 0xfaa61a;
const SUCCESS = 0x3ba55c;

/** Discord shows amounts the way every other page does. */
export function formatMoney(cents: number, currency: string): string {
  return formatMinorUnits(cents, currency);
}

const truncate = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** What the buyer should do next, by state. */
const NEXT_STEP: Record<OrderSessionRecord['state'], string> = {
  COLLECTING_ITEMS: 'Add a product with `/order add`.',
  COLLECTING_SHIPPING: 'Add more, or give your address with **Shipping**.',
  SELECTING_PAYMENT: 'Choose how to pay with **Payment method**.',
  READY_TO_SUBMIT: 'All set: **Submit** places the order.',
  SUBMITTED: 'Submitted: see `/order status`.',
  CANCELLED: 'Cancelled. `/order start` begins a new order.',
  EXPIRED: 'Expired. `/order start` begins a new order.',
};

export function addressLines(address: ShippingAddress): string {
  return [
    address.name,
    address.line1,
    address.line2,
    `${address.postalCode} ${address.city}`,
    address.region,
    address.country,
  ]
    .filter((line): line is string => Boolean(line))
    .join('\n');
}

export function cartEmbed(session: OrderSessionRecord): APIEmbed {
  const currency = session.currency;
  const lines = session.items.map((item) => {
    const total = formatMoney(item.unitPriceCents * item.quantity, item.currency);
    return `**${item.name}** (\`${item.sku}\`) × ${item.quantity} — ${total}`;
  });
  const fields: NonNullable<APIEmbed['fields']> = [];
  if (currency) {
    fields.push({
      name: 'Subtotal',
      value: formatMoney(sessionSubtotalCents(session.items), currency),
      inline: true,
    });
  }
  if (session.shippingAddress) {
    fields.push({
      name: 'Ship to',
      value: truncate(addressLines(session.shippingAddress), 1024),
      inline: true,
    });
  }
  if (session.paymentMethod) {
    fields.push({ name: 'Payment', value: session.paymentMethod, inline: true });
  }
  const open = !['SUBMITTED', 'CANCELLED', 'EXPIRED'].includes(session.state);
  return {
    title: 'Your cart',
    color: BRAND,
    description: truncate(
      [lines.length > 0 ? lines.join('\n') : '_Empty._', '', NEXT_STEP[session.state]].join('\n'),
      4096,
    ),
    fields,
    footer: { text: `Session ${session.id.slice(-8)} · ${session.state}` },
    ...(open ? { timestamp: session.expiresAt.toISOString() } : {}),
  };
}

const button = (
  customId: string,
  label: string,
  style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger,
): APIButtonComponent => ({
  type: ComponentType.Button,
  custom_id: customId,
  label: truncate(label, 80),
  style,
});

const row = (components: APIComponentInMessageActionRow[]): Row => ({
  type: ComponentType.ActionRow,
  components,
});

/** "+1" buttons for the first items, then the next sensible steps. */
export function cartComponents(session: OrderSessionRecord): Row[] {
  const rows: Row[] = [];
  const editable = session.state === 'COLLECTING_SHIPPING';
  if (editable && session.items.length > 0) {
    rows.push(
      row(
        session.items
          .slice(0, 5)
          .map((item) =>
            button(
              `${CUSTOM_IDS.add}:${session.id}:${item.productId}`,
              `+1 ${item.name}`,
              ButtonStyle.Secondary,
            ),
          ),
      ),
    );
  }
  const steps: APIButtonComponent[] = [];
  if (['COLLECTING_SHIPPING', 'SELECTING_PAYMENT', 'READY_TO_SUBMIT'].includes(session.state)) {
    const label = session.shippingAddress ? 'Change shipping' : 'Shipping';
    const style = session.shippingAddress ? ButtonStyle.Secondary : ButtonStyle.Primary;
    steps.push(button(`${CUSTOM_IDS.shippingButton}:${session.id}`, label, style));
  }
  if (session.state === 'SELECTING_PAYMENT' || session.state === 'READY_TO_SUBMIT') {
    const style = session.paymentMethod ? ButtonStyle.Secondary : ButtonStyle.Primary;
    steps.push(button(`${CUSTOM_IDS.payButton}:${session.id}`, 'Payment method', style));
  }
  if (session.state === 'READY_TO_SUBMIT') {
    steps.push(button(`${CUSTOM_IDS.submit}:${session.id}`, 'Submit', ButtonStyle.Success));
  }
  if (!['SUBMITTED', 'CANCELLED', 'EXPIRED'].includes(session.state)) {
    steps.push(button(`${CUSTOM_IDS.cancel}:${session.id}`, 'Cancel', ButtonStyle.Danger));
  }
  if (steps.length > 0) rows.push(row(steps));
  return rows;
}

export function ephemeral(message: Message): Message {
  return { ...message, flags: MessageFlags.Ephemeral };
}

export function cartMessage(session: OrderSessionRecord, note?: string): Message {
  return ephemeral({
    ...(note ? { content: note } : {}),
    embeds: [cartEmbed(session)],
    components: cartComponents(session),
  });
}

export function textMessage(text: string): Message {
  return ephemeral({ content: truncate(text, 2000), embeds: [], components: [] });
}

export function paymentMenu(session: OrderSessionRecord, methods: readonly string[]): Message {
  const current = session.paymentMethod;
  return ephemeral({
    content: 'How would you like to pay?',
    components: [
      row([
        {
          type: ComponentType.StringSelect,
          custom_id: `${CUSTOM_IDS.paySelect}:${session.id}`,
          placeholder: 'Payment method',
          min_values: 1,
          max_values: 1,
          options: methods.slice(0, 25).map((method) => ({
            label: method,
            value: method,
            default: method === current,
          })),
        },
      ]),
    ],
  });
}

/** Discord's modals hold five inputs, so the address lines share one paragraph input. */
export function shippingModal(session: OrderSessionRecord): {
  type: 9;
  data: APIModalInteractionResponseCallbackData;
} {
  const input = (
    id: (typeof SHIPPING_FIELDS)[number],
    label: string,
    value: string | undefined,
    options: { paragraph?: boolean; max: number; min?: number; placeholder?: string },
  ) => ({
    type: ComponentType.ActionRow as const,
    components: [
      {
        type: ComponentType.TextInput as const,
        custom_id: id,
        label,
        style: options.paragraph ? TextInputStyle.Paragraph : TextInputStyle.Short,
        required: true,
        min_length: options.min ?? 1,
        max_length: options.max,
        ...(value ? { value } : {}),
        ...(options.placeholder ? { placeholder: options.placeholder } : {}),
      },
    ],
  });
  const current = session.shippingAddress;
  const address = current ? [current.line1, current.line2].filter(Boolean).join('\n') : undefined;
  return {
    type: 9,
    data: {
      custom_id: `${CUSTOM_IDS.shippingModal}:${session.id}`,
      title: 'Shipping address',
      components: [
        input('name', 'Full name', current?.name, { max: 200 }),
        input('address', 'Street address (a second line is optional)', address, {
          paragraph: true,
          max: 401,
        }),
        input('city', 'City', current?.city, { max: 100 }),
        input('postalCode', 'Postal code', current?.postalCode, { max: 20 }),
        input('country', 'Country (two letters, e.g. US or DE)', current?.country, {
          max: 2,
          min: 2,
          placeholder: 'US',
        }),
      ],
    },
  };
}

/** The modal's values as a shipping address (validated by the session service). */
export function addressFromModal(values: Record<string, string>): ShippingAddress {
  const [line1 = '', ...rest] = (values.address ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const line2 = rest.join(', ');
  return {
    name: (values.name ?? '').trim(),
    line1,
    ...(line2 ? { line2 } : {}),
    city: (values.city ?? '').trim(),
    postalCode: (values.postalCode ?? '').trim(),
    country: (values.country ?? '').trim().toUpperCase(),
  };
}

const link = (url: string, label: string): APIButtonComponent => ({
  type: ComponentType.Button,
  style: ButtonStyle.Link,
  url,
  label: truncate(label, 80),
});

/** The answer to a submit: each order with its total, and one payment-link button per order. */
export function submittedMessage(orders: readonly Order[], payments: readonly Payment[]): Message {
  const links = orders.flatMap((order) => {
    const payment = payments.find((p) => p.orderId === order.id);
    return payment?.paymentUrl
      ? [
          link(
            payment.paymentUrl,
            `Pay ${formatMoney(order.totals.totalCents, order.currency)} · ${order.orderNumber}`,
          ),
        ]
      : [];
  });
  const rows: Row[] = [];
  for (let i = 0; i < links.length && rows.length < 5; i += 5)
    rows.push(row(links.slice(i, i + 5)));
  return ephemeral({
    content:
      orders.length === 1
        ? 'Your order is placed. Pay with the button below before the payment window closes.'
        : `Your ${orders.length} orders are placed (one per seller). Pay each with its button.`,
    embeds: orders.slice(0, 10).map((order) => ({
      title: `Order ${order.orderNumber}`,
      color: SUCCESS,
      description: order.items
        .map(
          (item) =>
            `${item.name} × ${item.quantity} — ${formatMoney(item.lineTotalCents, order.currency)}`,
        )
        .join('\n'),
      fields: [
        {
          name: 'Total',
          value: formatMoney(order.totals.totalCents, order.currency),
          inline: true,
        },
        { name: 'Status', value: order.status, inline: true },
      ],
    })),
    components: rows,
  });
}

export function statusMessage(
  entries: readonly { order: Order; window: PaymentSessionView | null }[],
): Message {
  if (entries.length === 0)
    return textMessage('You have no orders yet. `/order start` begins one.');
  return ephemeral({
    embeds: [
      {
        title: 'Your recent orders',
        color: BRAND,
        fields: entries.slice(0, 10).map(({ order, window }) => ({
          name: `${order.orderNumber} · ${order.status}`,
          value: [
            formatMoney(order.totals.totalCents, order.currency),
            window && window.status === 'active'
              ? `pay by <t:${unixSeconds(window.expiresAt)}:t> (${window.remainingMinutes} min left, attempt ${window.paymentAttempts} of ${window.maxPaymentAttempts})`
              : window
                ? `payment window ${window.status}`
                : null,
          ]
            .filter(Boolean)
            .join(' · '),
        })),
      },
    ],
    components: [],
  });
}

export type { DmOrder };

/** The DMs the outbox's Discord sink sends. */
export function paidDm(order: DmOrder): Message {
  return {
    embeds: [
      {
        title: `Order ${order.orderNumber} is paid`,
        color: SUCCESS,
        description: `Thank you! We received ${formatMoney(order.totalCents, order.currency)}. We will let the shop know.`,
      },
    ],
  };
}

export function expiringDm(order: DmOrder, expiresAt: Date, retryCustomId: string | null): Message {
  return {
    embeds: [
      {
        title: `Order ${order.orderNumber}: payment window closing`,
        color: WARNING,
        description: `Your order of ${formatMoney(order.totalCents, order.currency)} is not paid yet; its payment window closes <t:${unixSeconds(expiresAt)}:R>. ${retryCustomId ? '**Retry payment** gives you a new payment link.' : '`/order status` shows it.'}`,
      },
    ],
    components: retryCustomId
      ? [row([button(retryCustomId, 'Retry payment', ButtonStyle.Primary)])]
      : [],
  };
}

export function expiredDm(order: DmOrder): Message {
  return {
    embeds: [
      {
        title: `Order ${order.orderNumber} expired`,
        description:
          'Its payment window closed before it was paid, so the order is cancelled and nothing was charged. `/order start` begins a new one.',
      },
    ],
  };
}

export function retryMessage(order: Order, payment: Payment, remainingAttempts: number): Message {
  return ephemeral({
    content: `A new payment for order ${order.orderNumber} is ready (${remainingAttempts} attempt${remainingAttempts === 1 ? '' : 's'} left).`,
    components: payment.paymentUrl
      ? [
          row([
            link(payment.paymentUrl, `Pay ${formatMoney(payment.amountCents, payment.currency)}`),
          ]),
        ]
      : [],
  });
}
