import { closeDatastore } from '@gaesession/persistence';
import { deleteNamespace, newRunContext } from './context.js';
const ctx = newRunContext();
const ds = ctx.datastore();
for (const ns of process.argv.slice(2)) console.log(ns, await deleteNamespace(ds, ns));
await closeDatastore(ds);
