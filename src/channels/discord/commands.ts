import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';

/** The one slash command and its subcommands. */
export const ORDER_COMMAND = 'order';

export const SUBCOMMANDS = [
  'start',
  'add',
  'cart',
  'remove',
  'shipping',
  'pay',
  'submit',
  'cancel',
  'status',
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

/** The largest quantity `/order add` takes at once (the session's own limit per SKU too). */
export const MAX_ADD_QUANTITY = 999;

const productOption = (description: string): APIApplicationCommandBasicOption => ({
  type: ApplicationCommandOptionType.String,
  name: 'product',
  description,
  required: true,
  autocomplete: true,
  max_length: 100,
});

const sub = (
  name: Subcommand,
  description: string,
  options: APIApplicationCommandBasicOption[] = [],
): APIApplicationCommandSubcommandOption => ({
  type: ApplicationCommandOptionType.Subcommand,
  name,
  description,
  options,
});

/**
 * What `ordersession discord register` writes to Discord, and what the handler answers to: the
 * handler dispatches on these names, so the two cannot drift apart.
 */
export const COMMAND_DEFINITIONS: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [
  {
    type: ApplicationCommandType.ChatInput,
    name: ORDER_COMMAND,
    description: 'Order from this server’s shop',
    integration_types: [ApplicationIntegrationType.GuildInstall],
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    options: [
      sub('start', 'Start an order (or show the one you have open)'),
      sub('add', 'Add a product to your cart', [
        productOption('Name or SKU'),
        {
          type: ApplicationCommandOptionType.Integer,
          name: 'quantity',
          description: `How many (1–${MAX_ADD_QUANTITY}; default 1)`,
          min_value: 1,
          max_value: MAX_ADD_QUANTITY,
        },
      ]),
      sub('cart', 'Show your cart'),
      sub('remove', 'Remove a product from your cart', [productOption('A product in your cart')]),
      sub('shipping', 'Give the shipping address'),
      sub('pay', 'Choose how to pay'),
      sub('submit', 'Place the order and get the payment link'),
      sub('cancel', 'Cancel your open order'),
      sub('status', 'Your recent orders and their payment windows'),
    ],
  },
];

/**
 * The `custom_id`s of our components and modal: a prefix, then `:`-separated arguments. Those of
 * a cart carry its session id, so that a press on an old message meets that session (expired,
 * say) rather than whatever is open now.
 */
export const CUSTOM_IDS = {
  /** A button adding one more of a variant: `add:<sessionId>:<variantId>`. */
  add: 'add',
  shippingButton: 'shipping',
  shippingModal: 'shipping-modal',
  paySelect: 'pay',
  payButton: 'pay-menu',
  submit: 'submit',
  cancel: 'cancel',
  cart: 'cart',
  /** A DM's retry button: `retry:<tenantId>:<orderId>` (the DM has no guild to route by). */
  retry: 'retry',
} as const;

/** The modal's text inputs, in order. */
export const SHIPPING_FIELDS = ['name', 'address', 'city', 'postalCode', 'country'] as const;
