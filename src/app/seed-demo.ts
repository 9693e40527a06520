import type { ProductWithVariants, VariantOptions } from '../domain/catalog/types.ts';
import type { ProductRepository } from './catalog/repository.ts';
import type { Clock } from './ports.ts';

interface DemoVariant {
  id: string;
  sku: string;
  name: string;
  options: VariantOptions;
  priceCents: number;
  onHand: number;
}

interface DemoProduct {
  /** The id of its first variant too, so that older README requests naming it still work. */
  id: string;
  title: string;
  description: string;
  images: string[];
  category: string;
  optionNames: string[];
  sellerId: string | null;
  variants: readonly DemoVariant[];
}

const demoId = (n: number) => `01930000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
const image = (name: string) => `https://images.example.com/demo/${name}.jpg`;

/**
 * The demo catalog. Ids are fixed so that the README's requests work as written. Seeding is
 * idempotent: a product whose id (or any of whose SKUs) exists is left as it is.
 */
export const DEMO_PRODUCTS = [
  {
    id: demoId(1),
    title: 'Classic tee',
    description: 'Heavyweight organic cotton tee with a relaxed fit.',
    images: [image('tee-black'), image('tee-white')],
    category: 'apparel',
    optionNames: ['size', 'colour'],
    sellerId: null,
    variants: [
      {
        id: demoId(1),
        sku: 'TEE-BLACK-M',
        name: 'Classic tee, black, M',
        options: { size: 'M', colour: 'black' },
        priceCents: 1999,
        onHand: 100,
      },
      {
        id: demoId(0x11),
        sku: 'TEE-BLACK-L',
        name: 'Classic tee, black, L',
        options: { size: 'L', colour: 'black' },
        priceCents: 1999,
        onHand: 60,
      },
      {
        id: demoId(0x12),
        sku: 'TEE-WHITE-M',
        name: 'Classic tee, white, M',
        options: { size: 'M', colour: 'white' },
        priceCents: 1999,
        onHand: 40,
      },
    ],
  },
  {
    id: demoId(2),
    title: 'Enamel camp mug',
    description: 'A 350 ml steel mug with an enamel finish, for the trail and the kitchen.',
    images: [image('mug')],
    category: 'kitchen',
    optionNames: [],
    sellerId: null,
    variants: [
      {
        id: demoId(2),
        sku: 'MUG-ENAMEL',
        name: 'Enamel camp mug',
        options: {},
        priceCents: 1250,
        onHand: 250,
      },
    ],
  },
  {
    id: demoId(3),
    title: 'Merino hiking socks',
    description: 'Cushioned merino wool socks that stay warm when wet.',
    images: [image('socks')],
    category: 'outdoor',
    optionNames: ['size'],
    sellerId: 'seller-alpine',
    variants: [
      {
        id: demoId(3),
        sku: 'SOCKS-MERINO',
        name: 'Merino hiking socks, M',
        options: { size: 'M' },
        priceCents: 1600,
        onHand: 80,
      },
      {
        id: demoId(0x31),
        sku: 'SOCKS-MERINO-L',
        name: 'Merino hiking socks, L',
        options: { size: 'L' },
        priceCents: 1600,
        onHand: 50,
      },
    ],
  },
  {
    id: demoId(4),
    title: 'Wireless headphones',
    description: 'Over-ear Bluetooth headphones with 30 hours of battery.',
    images: [image('headphones')],
    category: 'electronics',
    optionNames: [],
    sellerId: 'seller-sound',
    variants: [
      {
        id: demoId(4),
        sku: 'HEADPHONES-BT',
        name: 'Wireless headphones',
        options: {},
        priceCents: 8999,
        onHand: 25,
      },
    ],
  },
  {
    id: demoId(5),
    title: 'Limited art print (flash sale)',
    description: 'A signed giclée print, numbered, in a limited run.',
    images: [image('print')],
    category: 'art',
    optionNames: [],
    sellerId: null,
    variants: [
      {
        id: demoId(5),
        sku: 'PRINT-LIMITED',
        name: 'Limited art print (flash sale)',
        options: {},
        priceCents: 4500,
        onHand: 100,
      },
    ],
  },
] as const satisfies readonly DemoProduct[];

/** Inserts the demo products a tenant lacks; returns how many it inserted. */
export async function seedDemoCatalog(
  products: ProductRepository,
  tenantId: string,
  clock: Clock,
): Promise<number> {
  let inserted = 0;
  const now = clock.now();
  for (const demo of DEMO_PRODUCTS) {
    if (await products.findProduct(tenantId, demo.id)) continue;
    const product: ProductWithVariants = {
      id: demo.id,
      tenantId,
      title: demo.title,
      description: demo.description,
      images: [...demo.images],
      category: demo.category,
      optionNames: [...demo.optionNames],
      status: 'active',
      createdAt: now,
      updatedAt: now,
      variants: demo.variants.map((variant) => ({
        ...variant,
        options: { ...variant.options },
        tenantId,
        productId: demo.id,
        currency: 'USD',
        sellerId: demo.sellerId,
        status: 'active',
        reserved: 0,
        createdAt: now,
        updatedAt: now,
      })),
    };
    if (!('skuTaken' in (await products.insertProduct(product)))) inserted++;
  }
  return inserted;
}
