/** The largest count in [0, max] for which `fits` holds (it holds for every smaller count too), if any. */
export function largestFitting(max: number, fits: (count: number) => boolean): number | undefined {
  if (!fits(0)) return undefined
  let low = 0
  let high = max
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (fits(middle)) low = middle
    else high = middle - 1
  }
  return low
}
