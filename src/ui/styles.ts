/**
 * The dashboard's stylesheet, served by the Worker at /ui/app.css (a few KB:
 * not worth a static asset). Colours meet WCAG AA contrast on white; focus is
 * always visible; tables scroll sideways on a phone instead of squeezing.
 */
export const STATUS_COLOURS = {
  queued: "#57606a",
  sending: "#0550ae",
  retrying: "#8a4600",
  sent: "#116329",
  failed: "#a40e26",
} as const;

export const CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #57606a; --line: #d0d7de; --bg: #fff; --soft: #f6f8fa; --accent: #0550ae; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible, [tabindex]:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; z-index: 10; }
.skip:focus { left: .5rem; }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); background: var(--soft); }
header.top .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
nav.main ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
nav.main a[aria-current="page"] { font-weight: 700; color: var(--fg); }
header.top .who { margin-left: auto; display: flex; gap: .75rem; align-items: center; color: var(--muted); }
main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
h1 { font-size: 1.4rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; white-space: nowrap; }
th { background: var(--soft); font-weight: 600; }
tbody tr:last-child td { border-bottom: 0; }
td.wrap { white-space: normal; word-break: break-word; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .85rem; font-weight: 600; border: 1px solid currentColor; }
form.inline { display: inline; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: 1rem; }
label { display: block; font-weight: 600; margin-bottom: .2rem; }
.field { margin-bottom: .9rem; }
.hint { color: var(--muted); font-size: .875rem; margin: .2rem 0 0; }
input[type=text], input[type=password], input[type=search], input[type=url], select, textarea {
  font: inherit; padding: .35rem .5rem; border: 1px solid #8c959f; border-radius: 6px; background: #fff; color: var(--fg); max-width: 100%; }
input[type=text], input[type=password], input[type=url], textarea { width: 100%; }
textarea { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .875rem; min-height: 5rem; }
textarea[aria-invalid=true], input[aria-invalid=true] { border-color: #a40e26; border-width: 2px; }
button, .button { font: inherit; font-weight: 600; padding: .35rem .9rem; border-radius: 6px; border: 1px solid #1f6feb; background: #0969da; color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: #a40e26; border-color: #a40e26; }
.editor { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.5rem; }
@media (max-width: 760px) { .editor { grid-template-columns: minmax(0, 1fr); } header.top .who { margin-left: 0; } }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; font-size: .85rem; margin: .3rem 0; }
.notice { padding: .6rem .8rem; border-radius: 6px; border: 1px solid var(--line); background: var(--soft); margin: .5rem 0 1rem; }
.notice.error { border-color: #a40e26; background: #fff5f5; color: #82071e; }
.notice.ok { border-color: #116329; background: #f0fff4; color: #0a4a1f; }
.field-error { color: #82071e; font-size: .875rem; margin: .2rem 0 0; }
.once { font-family: ui-monospace, monospace; font-size: 1rem; padding: .5rem; background: #fff8c5; border: 1px solid #8a4600; word-break: break-all; }
ol.timeline { list-style: none; padding: 0; margin: 0; border-left: 3px solid var(--line); }
ol.timeline li { padding: .2rem 0 .6rem 1rem; position: relative; }
ol.timeline li::before { content: ""; position: absolute; left: -.5rem; top: .6rem; width: .7rem; height: .7rem; border-radius: 50%; background: var(--muted); }
ol.timeline li.ok::before { background: #116329; } ol.timeline li.bad::before { background: #a40e26; }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem 1rem; margin: 1rem 0; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; word-break: break-word; }
figure.chart { margin: 0; }
.chart svg { width: 100%; height: 9rem; display: block; border-bottom: 1px solid #8c959f; background: var(--soft); }
.chart .axis { display: flex; justify-content: space-between; gap: .5rem; font-size: .8rem; color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: .3rem 1rem; list-style: none; padding: 0; margin: .3rem 0; font-size: .875rem; }
.legend span.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .3rem; vertical-align: -1px; }
${Object.entries(STATUS_COLOURS).map(([status, colour]) => `.badge.${status} { color: ${colour}; } .swatch.${status} { background: ${colour}; }`).join("\n")}
.live { font-size: .875rem; color: var(--muted); }
.live[data-state=on]::before { content: "● "; color: #116329; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: .6rem; margin: .5rem 0 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; }
.card strong { display: block; font-size: 1.4rem; }
.sign-in { max-width: 26rem; margin: 3rem auto; }
.actions-row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0 1rem; }
`;
