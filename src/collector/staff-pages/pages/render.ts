import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** A page component as the HTML document sent to the browser. */
export function renderDocument(page: VNode): string {
  return `<!doctype html>\n${renderToString(page)}`;
}
