import { defineMutantTests } from './mutants/define-mutant-tests.js';

defineMutantTests(0, 2);
