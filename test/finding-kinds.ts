/** The scheme with issue 18's finding kinds (test/fixtures/schemes/finding-kinds.yaml), for the tests of such findings. */
import { readFileSync } from 'node:fs';

export const FINDING_KINDS_TEXT = readFileSync(new URL('./fixtures/schemes/finding-kinds.yaml', import.meta.url), 'utf8');
