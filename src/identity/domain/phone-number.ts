/**
 * A Korean mobile number as typed (010-1234-5678, 010 1234 5678, 01012345678, +82 10-1234-5678)
 * in E.164 (+821012345678), or null if it is not one. 010 numbers have a 4-digit middle part; the
 * older prefixes (011, 016-019) still in use may have 3 or 4.
 */
export function koreanMobileE164(input: string): string | null {
  const compact = input.replace(/[\s().-]/g, '');
  const match = /^(?:\+82|0)(1[016789])(\d{3,4})(\d{4})$/.exec(compact);
  if (!match) return null;
  const [, prefix, middle, last] = match;
  if (prefix === '10' && middle.length !== 4) return null;
  return `+82${prefix}${middle}${last}`;
}
