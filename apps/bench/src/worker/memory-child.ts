// The memory measurement in a process of its own (started by `measureMemoryApart`, with
// --expose-gc): nothing the other measurements allocated or freed shows in its samples.
// argv: <run id> <MemoryOptions as JSON>; prints the MemoryResult as one JSON line on stdout.
import { newRunContext } from './context.js';
import { measureMemory, type MemoryOptions } from './memory.js';

const [runId, json] = process.argv.slice(2);
if (runId === undefined || json === undefined) throw new Error('usage: memory-child.ts <run id> <options JSON>');
const options = JSON.parse(json) as MemoryOptions;
const result = await measureMemory(newRunContext(undefined, runId), options);
process.stdout.write(`${JSON.stringify(result)}\n`);
