/**
 * The whole of import.service.test.ts again, with every file read and validated on a worker
 * thread (importTuning.workerMinBytes 0), in small batches (so a file's rows come in several),
 * and the indexes deferred from the first rows: the same reports, rows and rejections as when
 * the importing thread does it all.
 */
import { importTuning } from './import.service.ts';

importTuning.workerMinBytes = 0;
importTuning.batch = 7;
importTuning.deferIndexesAt = 1;

await import('./import.service.test.ts');
