import type { UpdateCheckoutSessionCommand } from './inputs.ts';
import { type SavedAddress, sameAddress } from './merchant.ts';
import type {
  CheckoutSession,
  Destination,
  FulfillmentMethod,
  LineItem,
  PostalAddress,
} from './types.ts';

/** A requested line resolved to its catalog variant by the use case. */
export interface ResolvedLine {
  id?: string | undefined;
  variantId: string;
  sku: string;
  title: string;
  unitPriceCents: number;
  sellerId: string | null;
  quantity: number;
}

const ZERO_LINE_TOTALS = { subtotalCents: 0, discountCents: 0, totalCents: 0 };

/**
 * Merges an update into the session: each field present replaces the session's. Derived
 * fields (prices, totals, options, messages, status) are left to `recompute`.
 */
export function applyUpdate(
  session: CheckoutSession,
  command: UpdateCheckoutSessionCommand,
  resolved: { lines?: readonly ResolvedLine[]; savedAddresses: readonly SavedAddress[] },
): CheckoutSession {
  let next: CheckoutSession = { ...session };
  if (command.currency !== undefined) next.currency = command.currency;
  if (resolved.lines !== undefined) next = replaceLines(next, resolved.lines);
  if (command.buyer !== undefined) next.buyer = command.buyer;
  if (command.billingAddress !== undefined) next.billingAddress = command.billingAddress;
  if (command.paymentInstruments !== undefined)
    next.paymentInstruments = command.paymentInstruments;
  if (command.discountCodes !== undefined) next.discountCodes = [...new Set(command.discountCodes)];
  if (command.continueUrl !== undefined) next.continueUrl = command.continueUrl;
  if (command.metadata !== undefined) next.metadata = { ...next.metadata, ...command.metadata };
  if (command.shippingAddress !== undefined) {
    next.fulfillment = {
      methods:
        command.shippingAddress === null
          ? []
          : [
              mergeMethod(
                next.fulfillment.methods[0],
                {
                  type: 'shipping',
                  destinations: [{ ...command.shippingAddress }],
                  selectedDestinationId: null,
                },
                0,
                resolved.savedAddresses,
                true,
              ),
            ],
    };
  }
  if (command.fulfillment !== undefined) {
    next.fulfillment = {
      methods: (command.fulfillment?.methods ?? []).map((input, index) =>
        mergeMethod(
          next.fulfillment.methods.find((m) => input.id && m.id === input.id) ??
            next.fulfillment.methods[index],
          input,
          index,
          resolved.savedAddresses,
          false,
        ),
      ),
    };
  }
  return next;
}

/** Appends lines (each its own new line id), keeping every line already there. */
export function appendLines(
  session: CheckoutSession,
  lines: readonly ResolvedLine[],
): CheckoutSession {
  return replaceLines(session, [
    ...session.lineItems,
    ...lines.map((line) => ({ ...line, id: undefined })),
  ]);
}

function replaceLines(
  session: CheckoutSession,
  lines: readonly (ResolvedLine | LineItem)[],
): CheckoutSession {
  let nextLineNo = session.nextLineNo;
  const known = new Set(session.lineItems.map((l) => l.id));
  const used = new Set<string>();
  const lineItems: LineItem[] = lines.map((line) => {
    let id = line.id;
    if (id === undefined || !known.has(id) || used.has(id)) id = `li_${nextLineNo++}`;
    used.add(id);
    return {
      id,
      variantId: line.variantId,
      sku: line.sku,
      title: line.title,
      unitPriceCents: line.unitPriceCents,
      quantity: line.quantity,
      sellerId: line.sellerId,
      totals: 'totals' in line ? line.totals : ZERO_LINE_TOTALS,
    };
  });
  return { ...session, lineItems, nextLineNo };
}

type MethodInput = {
  id?: string | undefined;
  type: 'shipping';
  destinations?: (PostalAddress & { id?: string | undefined })[] | undefined;
  selectedDestinationId?: string | null | undefined;
  groups?: { id?: string | undefined; selectedOptionId?: string | null | undefined }[] | undefined;
};

function mergeMethod(
  existing: FulfillmentMethod | undefined,
  input: MethodInput,
  index: number,
  saved: readonly SavedAddress[],
  selectOnly: boolean,
): FulfillmentMethod {
  const id = input.id || existing?.id || `shipping_${index + 1}`;
  let destinations: Destination[] = existing?.destinations ?? [];
  if (input.destinations !== undefined) {
    let counter = 0;
    const taken = new Set(input.destinations.map((d) => d.id).filter((d) => d));
    destinations = input.destinations.map((d) => {
      const match = saved.find((s) => sameAddress(s, d));
      let destinationId = d.id;
      if (!destinationId) {
        if (match) destinationId = match.id;
        else {
          do destinationId = `dest_${++counter}`;
          while (taken.has(destinationId));
        }
      }
      taken.add(destinationId);
      const { id: _ignored, ...address } = d;
      return match
        ? { ...address, id: destinationId, savedAddressId: match.id }
        : { ...address, id: destinationId };
    });
  }
  let selectedDestinationId =
    input.selectedDestinationId !== undefined
      ? input.selectedDestinationId
      : (existing?.selectedDestinationId ?? null);
  if (selectOnly) selectedDestinationId = destinations[0]?.id ?? null;
  const existingGroup = existing?.groups[0];
  const groupInput = input.groups?.[0];
  const group = {
    id: groupInput?.id || existingGroup?.id || `${id}_group`,
    lineItemIds: existingGroup?.lineItemIds ?? [],
    options: existingGroup?.options ?? [],
    selectedOptionId:
      groupInput?.selectedOptionId !== undefined
        ? groupInput.selectedOptionId
        : (existingGroup?.selectedOptionId ?? null),
  };
  return {
    id,
    type: 'shipping',
    lineItemIds: existing?.lineItemIds ?? [],
    destinations,
    selectedDestinationId,
    groups: [group],
  };
}
