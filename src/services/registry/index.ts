/**
 * The registry's services, one per use case: what the registry pages read (RegistryReadService,
 * over the unit of work's registry repository) and its files — imports, errors files, exports,
 * templates (RegistryFileService, whose workers open their own connection to the store).
 */
import type { Repositories } from '../../store/unit-of-work.ts';
import { RegistryFileService, type StoreLocation } from './files.service.ts';
import { RegistryReadService } from './read.service.ts';
import type { Clock } from './shared.ts';

export interface RegistryServices {
  read: RegistryReadService;
  files: RegistryFileService;
  /** Removes the files' temporary files (on server close). */
  close(): void;
}

export interface RegistryServicesDeps {
  repositories: Pick<Repositories, 'registry' | 'audit' | 'users'>;
  /** Where the store is, for the file workers' own connections. */
  store: StoreLocation;
  clock?: Clock;
}

export function registryServices(deps: RegistryServicesDeps): RegistryServices {
  const clock = deps.clock ?? (() => new Date());
  const read = new RegistryReadService({ repositories: deps.repositories, clock });
  const files = new RegistryFileService({ store: deps.store, clock });
  return { read, files, close: () => files.close() };
}

export { RegistryReadService } from './read.service.ts';
export { RegistryFileService, type StoreLocation } from './files.service.ts';
export { CONTENT_TYPES, maskIdsInText, propertyName, RECORD_KINDS, type FileOut, type ImportResult, type Page, type RecordKind } from './shared.ts';
