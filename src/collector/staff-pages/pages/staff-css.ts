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
@media print {
  html { font-size: 12pt; }
  header.top, .no-print, form.filters, form.stack, .actions { display: none !important; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  table, figure, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
