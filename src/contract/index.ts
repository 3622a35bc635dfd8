/**
 * The API's contract: the JSON of every request body and answer, camelCase, as the server's
 * presenters (src/http/presenters) make them and the web app reads them. Types only; imports
 * nothing of the project but core.
 */
export type * from './common.ts';
export type * from './auth.ts';
export type * from './registry.ts';
export type * from './schemes.ts';
export type * from './campaigns.ts';
export type * from './assessments.ts';
export type * from './audit.ts';
export type * from './score-sheet.ts';
export type * from './finding-values.ts';
