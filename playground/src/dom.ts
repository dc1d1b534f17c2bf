/** A few DOM helpers: the page is plain DOM, no framework. */

type Child = Node | string | false | null | undefined;
type Attrs = Record<string, string | boolean | number | ((e: Event) => void) | undefined>;

/** Creates an element: `h('p', { class: 'x', onclick: fn }, 'text', child)`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === false || child === null || child === undefined) continue;
    el.append(child);
  }
  return el;
}

/** The element with this id; a missing one is a bug in index.html, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

/** Announces a short message to screen readers and shows it briefly. */
export function announce(text: string): void {
  const status = byId('status');
  status.textContent = text;
}

/** A button that copies `value()` to the clipboard. */
export function copyButton(label: string, value: () => string): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'copy',
      'aria-label': `Copy ${label}`,
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(value());
          announce(`${label} copied`);
        } catch {
          announce(`cannot copy ${label}: select it and copy by hand`);
        }
      },
    },
    'Copy',
  );
}
