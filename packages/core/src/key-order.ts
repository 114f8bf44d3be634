/**
 * Compares strings by their UTF-8 bytes, the order S3 lists keys in. JavaScript's
 * `<` compares UTF-16 code units, which puts U+FFFD after an emoji (surrogates
 * are 0xD800–0xDFFF); in UTF-8 the emoji (4 bytes, 0xF0…) sorts last.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Code units below the surrogate range and above it (0xE000–0xFFFF) order
    // like their UTF-8 bytes; surrogates (astral code points) sort above all BMP.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) return x - y;
    return xs ? 1 : -1;
  }
  return a.length - b.length;
}
