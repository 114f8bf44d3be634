import { checkRegistry } from '../registry.js';
import type { ConformanceCase } from '../types.js';
import { batchDeleteCases } from './batch-delete.js';
import { bucketCases } from './bucket.js';
import { checksumCases } from './checksum.js';
import { concurrencyCases } from './concurrency.js';
import { conditionalCases } from './conditional.js';
import { copyCases } from './copy.js';
import { errorsCases } from './errors.js';
import { keyCases } from './key.js';
import { listCases } from './list.js';
import { lockCases } from './lock.js';
import { metadataCases } from './metadata.js';
import { multipartCases } from './multipart.js';
import { objectCases } from './object.js';
import { presignCases } from './presign.js';
import { rangeCases } from './range.js';
import { versioningCases } from './versioning.js';

/** Every case of the suite, in report order (groups as in GROUPS). */
export const ALL_CASES: readonly ConformanceCase[] = Object.freeze([
  ...bucketCases,
  ...objectCases,
  ...rangeCases,
  ...metadataCases,
  ...keyCases,
  ...listCases,
  ...copyCases,
  ...batchDeleteCases,
  ...conditionalCases,
  ...presignCases,
  ...multipartCases,
  ...checksumCases,
  ...versioningCases,
  ...lockCases,
  ...errorsCases,
  ...concurrencyCases,
]);

checkRegistry(ALL_CASES);
