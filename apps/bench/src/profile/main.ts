// Summarizes a bench server's CPU profile (`npm run bench -- --cpu-prof <dir>`, the main thread's
// file, `CPU.*.<pid>.0.*.cpuprofile`) per measured run:
//   tsx apps/bench/src/profile/main.ts <file> --read-marker <label> --write-marker <label>
//       [--rates read=N,write=M] [--top 25]
// A marker is part of the label (`name file:line:column`) of the route handler of that run, e.g.
// `servers/gaesession.ts:1:575`; see runPhases. With --rates (the bench's req/s of each run),
// times are µs per request, else µs per second of the run.
import { parseArgs } from 'node:util';
import { readProfile, samplesOf } from './cpuprofile.js';
import { runPhases } from './phases.js';
import { tally, top } from './tally.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rates: { type: 'string' },
    top: { type: 'string', default: '25' },
    'read-marker': { type: 'string', default: 'servers/gaesession.ts:1:575' },
    'write-marker': { type: 'string', default: 'servers/gaesession.ts:1:724' },
  },
});

const file = positionals[0];
if (file === undefined) {
  console.error('usage: main.ts <file> [--read-marker m] [--write-marker m] [--rates read=N,write=M] [--top n]');
  process.exit(2);
}
const rates = new Map(
  (values.rates ?? '')
    .split(',')
    .filter((pair) => pair.includes('='))
    .map((pair) => {
      const [name = '', count = ''] = pair.split('=');
      return [name, Number(count)] as const;
    }),
);
const count = Number(values.top);
const phases = runPhases(samplesOf(readProfile(file)), {
  read: values['read-marker'],
  write: values['write-marker'],
});
if (phases === undefined) {
  console.error(`${file}: no samples in the read or the write handler`);
  process.exit(1);
}
const named = [
  { name: 'read', phase: phases.read },
  { name: 'write', phase: phases.write },
];

const fmt = (us: number, per: number): string => (us / per).toFixed(1).padStart(8);
for (const { name, phase } of named) {
  const seconds = (phase.end - phase.start) / 1e6;
  const rate = rates.get(name);
  const per = rate === undefined ? seconds : rate * seconds;
  const unit = rate === undefined ? 'µs per second' : `µs per request (${rate} req/s)`;
  const t = tally(phase.samples);
  console.log(`\n== ${name}: ${seconds.toFixed(1)} s, busy ${fmt(t.busy, per).trim()} ${unit}`);
  console.log('-- self time by package');
  for (const [key, us] of top(t.byPackage, count)) console.log(`${fmt(us, per)}  ${key}`);
  console.log('-- self time by function');
  for (const [key, us] of top(t.self, count)) console.log(`${fmt(us, per)}  ${key}`);
  console.log('-- total time by function');
  for (const [key, us] of top(t.total, count)) console.log(`${fmt(us, per)}  ${key}`);
}
