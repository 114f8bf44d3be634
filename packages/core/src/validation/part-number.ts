import { InvalidArgumentError } from '../errors/stowage-error.js';

export function validatePartNumber(partNumber: unknown, maxParts: number): asserts partNumber is number {
  if (typeof partNumber !== 'number' || !Number.isInteger(partNumber) || partNumber < 1 || partNumber > maxParts) {
    throw new InvalidArgumentError('partNumber', `must be an integer from 1 to ${maxParts}`);
  }
}
