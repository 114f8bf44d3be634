import { defineConformanceSuite } from '../src/index.js';
import { memoryTargetOptions } from '../targets/memory.js';

// The memory store is the reference: every case that registers must pass.
defineConformanceSuite(memoryTargetOptions());
