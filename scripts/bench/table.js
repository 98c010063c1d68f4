#!/usr/bin/env node
// Turns the benchmark's results (one JSON object a line) into the Markdown table of
// docs/performance.md, with the ratios the targets are stated in.
'use strict';
const fs = require('fs');
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
const rows = lines.map((l) => JSON.parse(l));

const fmt = (n, digits = 0) =>
    n === undefined || n === null || Number.isNaN(n) ? '' :
    Number(n).toLocaleString('en-US', {maximumFractionDigits: digits, minimumFractionDigits: digits});
const rate = (count, seconds) => (seconds > 0 ? count / seconds : undefined);
const mb = (kb) => (kb ? kb / 1024 : undefined);

const out = [];
out.push('| case | rows | read r/s | map r/s | diff r/s | send r/s | end-to-end r/s | wall s | requests | MB sent | 429s | peak RSS MB | CPU s |');
out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows.filter((x) => !x.windows)) {
    const s = r.seconds || {};
    out.push(`| ${r.case} | ${fmt(r.rows)} | ${fmt(rate(r.rows, s.read))} | ${fmt(rate(r.rows, s.map))} | ` +
             `${fmt(rate(r.rows, s.diff))} | ${fmt(rate(r.sent, s.send))} | ${fmt(rate(r.rows, r.wall))} | ` +
             `${fmt(r.wall, 2)} | ${fmt(r.requests)} | ${fmt(r.bytes / 1e6, 1)} | ${fmt(r.throttled)} | ` +
             `${fmt(mb(r.rss_kb), 1)} | ${fmt(r.cpu, 2)} |`);
}
console.log(out.join('\n'));

// Ratios against the targets of the benchmark issue, from this same run.
const find = (name) => rows.find((r) => r.case === name);
const ratio = (a, b) => (a && b && b.wall > 0 ? a.wall / b.wall : undefined);
const notes = [];
for (const n of rows.map((r) => r.scale).filter((v, i, a) => a.indexOf(v) === i)) {
    const first = find(`profiles first run ${n}`);
    const rerun = find(`profiles no change ${n}`);
    const sqlite = find(`sqlite3 -json export (profiles) ${n}`);
    const sdk = find(`node SDK profiles ${n}`);
    const evFirst = find(`events first run ${n}`);
    const sdkEv = find(`node SDK events ${n}`);
    if (first) notes.push(`- ${fmt(n)} profiles: end to end ${fmt(rate(first.rows, first.wall))} rows/s`);
    if (first && sdk) notes.push(`  - connector vs Node SDK script (profiles): ${fmt(sdk.wall / first.wall, 2)}x the script's rate`);
    if (evFirst && sdkEv) notes.push(`  - connector vs Node SDK script (events): ${fmt(sdkEv.wall / evFirst.wall, 2)}x the script's rate`);
    if (rerun && sqlite) notes.push(`  - no-change rerun / sqlite3 JSON export: ${fmt(ratio(rerun, sqlite), 2)}x`);
    if (first) notes.push(`  - peak RSS first run: ${fmt(mb(first.rss_kb), 1)} MB`);
}
const small = rows.filter((r) => r.case.startsWith('profiles first run'));
if (small.length >= 2) {
    const a = small[small.length - 2], b = small[small.length - 1];
    notes.push(`- peak RSS growth ${fmt(a.rows)} -> ${fmt(b.rows)} rows: ${fmt((b.rss_kb / a.rss_kb - 1) * 100, 1)}%`);
}
const real = rows.find((r) => r.case.startsWith('events real limits'));
if (real) {
    const perMin = real.requests / (real.seconds.send / 60);
    notes.push(`- real limits: ${fmt(real.requests)} bulk requests in ${fmt(real.seconds.send, 1)} s of sending = ` +
               `${fmt(perMin, 1)} requests/min over the run, ${fmt(real.throttled)} 429s`);
}
// The steady ceiling is per fixed 60 s window: the windows the run filled to its end (all but
// the last, where it ran out of events) say how much of it the connector used.
const windows = rows.find((r) => r.windows);
const bulk = windows && windows.windows.bulk_create_events;
if (bulk) {
    const per = bulk.accepted_per_window;
    const full = per.slice(0, -1);
    const used = full.reduce((a, b) => a + b, 0);
    notes.push(`- real limits, bulk event requests per 60 s window: ${per.join(', ')}; ` +
               (full.length ? `the ${full.length} full window(s) used ${fmt(used / (full.length * bulk.steady_limit) * 100, 1)}% ` +
                              `of the ${bulk.steady_limit}/min ceiling` : 'no full window (a longer case is needed)'));
}
console.log('\n' + notes.join('\n'));
