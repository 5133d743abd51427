/** Orders strings as Python sorts them: by code point (JS `<` compares UTF-16 units), without copying them. */
export function compareCodePoints(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length)
  for (let i = 0; i < shorter; i++) {
    let left = a.charCodeAt(i)
    let right = b.charCodeAt(i)
    if (left === right) continue
    // Surrogates (D800–DFFF) stand for code points above FFFF, so they sort after E000–FFFF.
    if (left >= 0xd800 && right >= 0xd800) {
      left = left >= 0xe000 ? left - 0x800 : left + 0x2000
      right = right >= 0xe000 ? right - 0x800 : right + 0x2000
    }
    return left - right
  }
  return a.length - b.length
}
