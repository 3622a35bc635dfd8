// Entry of Kaohe's worker threads: registers tsx so the worker can run the TypeScript
// module named in workerData.module (a worker does not inherit the parent's loader hooks).
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.module);
