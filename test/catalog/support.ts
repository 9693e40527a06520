import { expect } from 'vitest';
import type { Answer, Client } from '../support/http.ts';

export interface VariantView {
  variantId: string;
  productId: string;
  sku: string;
  name: string;
  options: Record<string, string>;
  priceCents: number;
  currency: string;
  sellerId: string | null;
  status: 'active' | 'archived';
  available: boolean;
  onHand?: number;
  reserved?: number;
}

export interface ProductView {
  id: string;
  title: string;
  description: string;
  images: string[];
  category: string | null;
  optionNames: string[];
  status: 'active' | 'archived';
  variants: VariantView[];
}

export interface ProductPage {
  items: ProductView[];
  nextCursor: string | null;
}

let counter = 0;
/** A unique SKU stem for this file's products. */
export function sku(stem: string): string {
  counter++;
  return `${stem}-${process.pid}-${counter}`;
}

/** A tee with sizes and colours: three variants. */
export function teeBody(overrides: Record<string, unknown> = {}) {
  const stem = sku('TEE');
  return {
    title: 'Classic tee',
    description: 'Heavyweight organic cotton tee with a relaxed fit.',
    images: [
      'https://images.example.com/tee-black.jpg',
      'https://images.example.com/tee-white.jpg',
    ],
    category: 'Apparel',
    optionNames: ['size', 'colour'],
    variants: [
      {
        sku: `${stem}-BM`,
        options: { size: 'M', colour: 'black' },
        priceCents: 1999,
        currency: 'USD',
        onHand: 10,
      },
      {
        sku: `${stem}-BL`,
        options: { size: 'L', colour: 'black' },
        priceCents: 2099,
        currency: 'USD',
        onHand: 0,
      },
      {
        sku: `${stem}-WM`,
        options: { size: 'M', colour: 'white' },
        priceCents: 1999,
        currency: 'USD',
        onHand: 5,
      },
    ],
    ...overrides,
  };
}

export function expectError(answer: Answer<unknown>, status: number, code: string) {
  expect({ status: answer.status, error: answer.body.error }, JSON.stringify(answer.body)).toEqual({
    status,
    error: code,
  });
}

export async function createProduct(admin: Client, body: unknown): Promise<ProductView> {
  const created = await admin.post<ProductView>('/api/admin/products', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.data;
}

/** Every page of a search, following nextCursor. */
export async function walk(client: Client, url: string): Promise<ProductView[][]> {
  const pages: ProductView[][] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const next: string = cursor === null ? url : `${url}${sep}cursor=${encodeURIComponent(cursor)}`;
    const page = await client.get<ProductPage>(next);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    pages.push(page.body.data.items);
    cursor = page.body.data.nextCursor;
  } while (cursor !== null && pages.length < 50);
  return pages;
}
