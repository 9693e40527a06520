import type { ComponentChildren } from 'preact';
import { formatMinorUnits } from '../../domain/money-format.ts';
import { Layout } from '../html.tsx';

/** The hidden field every console form carries. */
export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function money(cents: number, currency: string): string {
  return formatMinorUnits(cents, currency);
}

export function when(date: Date | null): string {
  return date ? date.toISOString().replace('T', ' ').slice(0, 19) : '—';
}

export function AdminLayout(props: {
  title: string;
  csrf: string;
  tenantId: string;
  children: ComponentChildren;
}) {
  return (
    <Layout
      title={`${props.title} · console`}
      wide
      header={
        <>
          <nav aria-label="Console">
            <a href="/admin/orders">Orders</a>
            <a href="/admin/products">Products</a>
            <a href="/admin/outbox">Outbox</a>
            <a href="/admin/pricing">Pricing</a>
          </nav>
          <span class="muted small">tenant {props.tenantId}</span>
          <form method="post" action="/admin/logout">
            <Csrf token={props.csrf} />
            <button type="submit">Sign out</button>
          </form>
        </>
      }
    >
      <h1>{props.title}</h1>
      {props.children}
    </Layout>
  );
}

export function LoginPage(props: {
  csrf: string;
  defaultTenant: string;
  next: string;
  problem?: string | undefined;
}) {
  return (
    <Layout title="Sign in · console">
      <article class="card">
        <h1>Operator console</h1>
        {props.problem ? (
          <p class="status warn" role="alert">
            {props.problem}
          </p>
        ) : null}
        <form method="post" action="/admin/login">
          <Csrf token={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <div class="field">
            <label for="key">Admin key</label>
            <input id="key" name="key" type="password" autocomplete="current-password" required />
          </div>
          <div class="field">
            <label for="tenant">Tenant</label>
            <input id="tenant" name="tenant" value={props.defaultTenant} required />
          </div>
          <button type="submit" class="primary">
            Sign in
          </button>
        </form>
        <p class="muted small">
          The key is ADMIN_KEY, or the one printed at start and kept in the data folder.
        </p>
      </article>
    </Layout>
  );
}

/** A refused action or a missing record: the code and message, and a way back. */
export function ProblemPage(props: {
  csrf: string;
  tenantId: string;
  code: string;
  message: string;
  back: string;
}) {
  return (
    <AdminLayout title="Refused" csrf={props.csrf} tenantId={props.tenantId}>
      <p class="status warn" role="alert">
        <code>{props.code}</code>: {props.message}
      </p>
      <p>
        <a href={props.back}>Back</a>
      </p>
    </AdminLayout>
  );
}
