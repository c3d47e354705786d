/** The one stylesheet of the staff pages: large, plain, high-contrast type; navigation and forms vanish on paper. */
export const STAFF_CSS = `
:root { color-scheme: light; --ink: #111; --muted: #444; --line: #888; --soft: #f1f3f5; --bad: #a4000f; --bad-bg: #fff0f0; --ok: #0b6b2f; --accent: #0b4f9c; }
* { box-sizing: border-box; }
html { font-size: 19px; }
body { margin: 0; font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: var(--ink); background: #fff; line-height: 1.5; }
a { color: var(--accent); }
header.top { background: #0b2e59; color: #fff; padding: .5rem 1rem; }
header.top nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; max-width: 72rem; margin: 0 auto; }
header.top a { color: #fff; text-decoration: none; padding: .35rem .5rem; border-radius: .3rem; }
header.top a[aria-current="page"] { background: #fff; color: #0b2e59; font-weight: 700; }
header.top .brand { font-weight: 700; margin-right: 1rem; }
header.top .right { margin-left: auto; display: flex; gap: .75rem; align-items: center; }
header.top button { font-size: .9rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
h1 { font-size: 1.7rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
p.lead { font-size: 1.05rem; color: var(--muted); max-width: 50rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
table.compact { width: auto; min-width: 24rem; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.text { min-width: 16rem; }
td.device { min-width: 10rem; }
th .hint { display: block; font-size: .75rem; line-height: 1.2; }
.table-wrap { overflow-x: auto; }
tr.attention td:first-child { border-left: .4rem solid var(--bad); }
tr.revoked { color: var(--muted); }
ul.problems { margin: 0; padding-left: 1.1rem; color: var(--bad); }
.ok { color: var(--ok); font-weight: 600; }
.bad { color: var(--bad); font-weight: 600; }
.note { background: var(--soft); border-left: .3rem solid var(--accent); padding: .6rem .8rem; max-width: 50rem; }
.warning { background: var(--bad-bg); border: 2px solid var(--bad); padding: .6rem .8rem; font-weight: 600; }
.big { font-size: 2.4rem; font-weight: 700; }
form.filters { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: flex-end; background: var(--soft); padding: .75rem; border-radius: .4rem; }
/* A select as wide as its longest option (a deep unit's long name) shrinks to the box rather than push the page sideways at large text. */
form.filters > label { max-width: 100%; grid-template-columns: minmax(0, 1fr); }
form.filters select { min-width: 0; max-width: 100%; }
form.stack { display: grid; gap: .75rem; max-width: 32rem; }
label { display: grid; gap: .2rem; font-weight: 600; }
label.inline { display: flex; gap: .5rem; align-items: center; font-weight: 400; }
.hint { font-weight: 400; color: var(--muted); font-size: .9rem; }
input, select, button { font: inherit; padding: .4rem .6rem; border: 1px solid var(--line); border-radius: .3rem; background: #fff; color: var(--ink); }
button, .button { background: var(--accent); color: #fff; border: 2px solid transparent; cursor: pointer; font-weight: 600; text-decoration: none; display: inline-block; padding: .5rem .9rem; border-radius: .3rem; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); border: 2px solid var(--accent); }
button.danger { background: var(--bad); }
.actions { display: flex; gap: .5rem; flex-wrap: wrap; }
.error { color: var(--bad); font-weight: 600; }
code, .mono { font-family: ui-monospace, Consolas, monospace; font-size: .9em; word-break: break-all; }
figure { margin: 1rem 0; }
figcaption { color: var(--muted); font-size: .9rem; }
svg text { font-family: inherit; }
.qr svg { width: 18rem; height: 18rem; border: 1px solid var(--line); }
.print-only { display: none; }
/* Paper (issue 11, part 7): A4 portrait with 2 cm margins; the page numbers go in the bottom margin box (PrintFrame.tsx). */
@page { size: A4 portrait; margin: 20mm; }
@media print {
  html { font-size: 11pt; }
  body { line-height: 1.35; }
  header.top, .no-print, form.filters, form.stack, .actions { display: none !important; }
  .print-only { display: block; }
  /* The printed report has its own title under the letterhead. */
  body:has(.print-letterhead) main > h1 { display: none; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
  /* Tables fit the printable width: no minimum widths, long words and texts wrap, numbers stay whole. */
  table { width: 100%; max-width: 100%; font-size: 8.5pt; break-inside: auto; }
  table.compact { width: auto; min-width: 0; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  tr, figure, .note, .print-signature { break-inside: avoid; }
  /* Words wrap whole (codes, dates and numbers are never split); only free text may break inside a word it cannot fit. */
  th, td { padding: .15rem .25rem; overflow-wrap: break-word; }
  td.text, td:last-child { overflow-wrap: anywhere; }
  td.num, th.num { overflow-wrap: normal; }
  td.text, td.device { min-width: 0; }
  th .hint, td .hint { font-size: 7pt; }
  td .ci { white-space: normal; }
  h2, h3 { break-after: avoid; }
  h2 { font-size: 13pt; margin: 1.2rem 0 .4rem; }
  h3 { font-size: 11pt; margin: 1rem 0 .3rem; }
  .big { font-size: 20pt; }
  .note { max-width: none; }
  svg { max-width: 100% !important; height: auto; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .print-letterhead p, .print-signature p { margin: 0; }
  .letterhead-row, .signature-row { display: flex; justify-content: space-between; gap: 1rem; text-align: center; }
  .letterhead-issuer { flex: 0 1 42%; }
  .letterhead-nation { flex: 0 1 58%; }
  .print-letterhead .strong, .print-signature .strong { font-weight: 700; }
  .print-letterhead .motto { text-decoration: underline; }
  .print-title { text-align: center; font-weight: 700; font-size: 12.5pt; margin: 1.2rem 0 .3rem !important; }
  .print-scope { text-align: center; font-size: 9.5pt; margin: 0 0 1rem !important; }
  .print-signature { margin-top: 1.5rem; }
  .signature-date { text-align: right; font-style: italic; margin-bottom: .3rem !important; }
  .signature-row > div { flex: 1 1 50%; min-height: 32mm; }
}
`;
