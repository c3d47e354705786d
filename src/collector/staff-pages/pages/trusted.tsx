/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The only places the staff pages insert markup that Preact does not escape. Each takes text the
 * collector made itself, never anything a person or a kiosk typed.
 */

/**
 * An SVG the `qrcode` library generated from our own provisioning link: its markup is made of the
 * library's <svg> and <path> elements only (the link is encoded as path data, never as text), so it is
 * safe to insert as it is. Rendered as the <svg> element itself, without a wrapper.
 */
export function TrustedSvg({ markup }: { markup: string }) {
  const match = /^\s*<svg([^>]*)>([\s\S]*)<\/svg>\s*$/.exec(markup);
  if (!match) return null;
  const attributes = Object.fromEntries([...match[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  return <svg {...attributes} dangerouslySetInnerHTML={{ __html: match[2] }} />;
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the line separators are
 * escaped, so no text inside can close the script element or start a comment.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Data for a page's script: inert JSON (never run), read by id. */
export function JsonScript({ id, value }: { id: string; value: unknown }) {
  return <script type="application/json" id={id} dangerouslySetInnerHTML={{ __html: jsonForScript(value) }} />;
}
