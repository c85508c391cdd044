// After the end-to-end runs (scripts/test.sh): every control a test's page showed
// enabled must have been used (clicked, typed in, chosen) by some test, or be named in
// ELSEWHERE with the test that covers it. Writes the whole table to
// .work/controls-report.txt: each control and the tests that used it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONTROLS_DIR } from './controls.js';
import { ROOT } from './harness.js';

/** Controls no end-to-end test uses, and the test that does instead. */
const ELSEWHERE = {
};

const records = readdirSync(CONTROLS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(CONTROLS_DIR, f), 'utf8')));
if (records.length === 0) {
  console.error(`no control records in ${CONTROLS_DIR}: did the end-to-end tests run?`);
  process.exit(1);
}

const seenBy = new Map();
const usedBy = new Map();
const add = (map, key, test) => map.set(key, (map.get(key) ?? new Set()).add(test));
for (const { test, run, seen, operated } of records) {
  for (const key of seen) add(seenBy, key, `${test} [${run}]`);
  for (const key of operated) add(usedBy, key, `${test} [${run}]`);
}

const unused = [...seenBy.keys()].filter((key) => !usedBy.has(key) && !(key in ELSEWHERE)).sort();
const stale = Object.keys(ELSEWHERE).filter((key) => usedBy.has(key) || !seenBy.has(key));

const lines = [];
for (const key of [...new Set([...seenBy.keys(), ...usedBy.keys()])].sort()) {
  const by = usedBy.get(key);
  lines.push(key);
  if (by) lines.push(...[...by].sort().slice(0, 3).map((t) => `    used by ${t}`), ...(by.size > 3 ? [`    … and ${by.size - 3} more`] : []));
  else if (key in ELSEWHERE) lines.push(`    covered elsewhere: ${ELSEWHERE[key]}`);
  else lines.push(`    NEVER USED; shown by ${[...seenBy.get(key)][0]}`);
}
writeFileSync(path.join(ROOT, '.work', 'controls-report.txt'), `${lines.join('\n')}\n`);

const used = [...seenBy.keys()].filter((key) => usedBy.has(key)).length;
console.log(`${seenBy.size} controls shown enabled across ${records.length} test records; ${used} used by a test, ` +
  `${seenBy.size - used - unused.length} covered elsewhere, ${unused.length} never used`);
for (const key of stale) console.log(`  (ELSEWHERE lists "${key}", which is now used here or no longer shown: remove it)`);
if (unused.length) {
  console.log('Controls shown but used by no test (screen | role | name):');
  for (const key of unused) console.log(`  - ${key}    shown by ${[...seenBy.get(key)][0]}`);
  console.log('1 failed');
  process.exit(1);
}
console.log('1 passed');
