import { type Kysely, sql } from 'kysely';
import { runStatements } from './run-statements.ts';

/**
 * Products: what a shop shows (title, description, images, category, option names), each with
 * the variants a buyer picks and buys (SKU, price, stock, option values). Every existing
 * variant becomes a product of its own that takes the variant's id, so existing ids keep
 * naming the same thing.
 *
 * Text search uses a stored tsvector on products (cold rows) only: a generated column on
 * product_variants would be recomputed on every stock update of the hot row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE products (
      tenant_id text NOT NULL,
      id uuid NOT NULL,
      title text NOT NULL,
      description text NOT NULL DEFAULT '',
      images jsonb NOT NULL DEFAULT '[]',
      category text,
      option_names jsonb NOT NULL DEFAULT '[]',
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
      search_doc tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', coalesce(category, '')), 'B')
        || setweight(to_tsvector('english', description), 'C')
      ) STORED,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );

    CREATE INDEX products_search ON products USING gin (search_doc);
    CREATE INDEX products_by_category ON products (tenant_id, lower(category), id);

    INSERT INTO products (tenant_id, id, title, created_at, updated_at)
      SELECT tenant_id, id, name, created_at, updated_at FROM product_variants;

    ALTER TABLE product_variants
      ADD COLUMN product_id uuid,
      ADD COLUMN options jsonb NOT NULL DEFAULT '{}',
      ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived'));

    UPDATE product_variants SET product_id = id;

    ALTER TABLE product_variants ALTER COLUMN product_id SET NOT NULL;

    ALTER TABLE product_variants ADD CONSTRAINT product_variants_product_fk
      FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id);

    CREATE INDEX product_variants_by_product ON product_variants (tenant_id, product_id, id);
  `,
  );
  // A variant inserted the old way, without a product (bulk seeds, older tools), gets a product
  // of its own, titled by its name; an upsert of a known SKU keeps the product it has.
  await sql
    .raw(`CREATE FUNCTION product_variants_default_product() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  SELECT v.product_id INTO NEW.product_id FROM product_variants v
    WHERE v.tenant_id = NEW.tenant_id AND v.sku = NEW.sku;
  IF NEW.product_id IS NULL THEN
    NEW.product_id := NEW.id;
    INSERT INTO products (tenant_id, id, title, created_at, updated_at)
      VALUES (NEW.tenant_id, NEW.id, NEW.name, NEW.created_at, NEW.updated_at)
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NEW;
END
$fn$`)
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER product_variants_default_product BEFORE INSERT ON product_variants
       FOR EACH ROW WHEN (NEW.product_id IS NULL) EXECUTE FUNCTION product_variants_default_product()`,
    )
    .execute(db);
}
