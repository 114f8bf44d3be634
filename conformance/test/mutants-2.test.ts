import { defineMutantTests } from './mutants/define-mutant-tests.js';

defineMutantTests(1, 2);
