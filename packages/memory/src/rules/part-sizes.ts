export interface PartSizesContext {
  /** The parts named in the complete request, in request order, with their stored sizes. */
  parts: readonly { partNumber: number; size: number }[];
  minPartSize: number;
}

export interface PartSizeViolation {
  /** Index in the request's parts list. */
  index: number;
  message: string;
}

/** S3 EntityTooSmall: every part but the last must be at least the minimum part size (the last may be any size, even 0). */
export function partSizes(ctx: PartSizesContext): PartSizeViolation | null {
  for (let i = 0; i < ctx.parts.length - 1; i++) {
    const part = ctx.parts[i]!;
    if (part.size < ctx.minPartSize) {
      return { index: i, message: `part ${part.partNumber} is ${part.size} bytes, under the minimum part size ${ctx.minPartSize} (only the last part may be smaller; S3: EntityTooSmall)` };
    }
  }
  return null;
}
