import { defineConformanceSuite } from '../src/index.js';
import memoryAtServer from '../targets/memory@server.js';
import s3AtServer from '../targets/s3@server.js';

// memory@server: the memory store with presigned URLs signed for and verified by
// @stowage/server (the presign cases fetch real SigV4 URLs).
defineConformanceSuite({ name: memoryAtServer.name, ...(await memoryAtServer.options({})) });

// s3@server: @stowage/s3 (the AWS SDK, default checksums) against @stowage/server
// over a memory store; real time, so expiry cases wait (about a minute in all).
defineConformanceSuite({ name: s3AtServer.name, ...(await s3AtServer.options({})) });
