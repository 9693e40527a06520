import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** A whole page as a string: the doctype, then the tree (escaped by the renderer). */
export function renderPage(page: VNode): string {
  return `<!doctype html>${renderToString(page)}`;
}

export function renderFragment(node: VNode): string {
  return renderToString(node);
}

/** Static files are served under this prefix from web/static (see plugin.ts). */
export const STATIC = '/static';

export function Layout(props: {
  title: string;
  lang?: string;
  /** Scripts of web/static to load, deferred. */
  scripts?: string[];
  header?: ComponentChildren;
  /** Console pages use the full width. */
  wide?: boolean;
  children: ComponentChildren;
}) {
  return (
    <html lang={props.lang ?? 'en'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={`${STATIC}/style.css`} />
        {(props.scripts ?? []).map((name) => (
          <script defer src={`${STATIC}/${name}`} />
        ))}
      </head>
      <body>
        <header class="top">
          <span class="brand">ordersession</span>
          {props.header}
        </header>
        <main id="main" class={props.wide ? 'wide' : undefined}>
          {props.children}
        </main>
      </body>
    </html>
  );
}
