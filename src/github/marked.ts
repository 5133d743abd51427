/**
 * What the sticky comment and the dashboard issue share: a body this action writes is found again by the
 * hidden marker it starts with (or contains), then updated in place; only when none is found is one created.
 */

export interface Written {
  html_url: string
}

export interface MarkedSearch<T> {
  /** Candidates page by page, in the order GitHub lists them. */
  pages: AsyncIterable<T[]>
  /** Tests in order of preference: the first test any candidate passes picks it. */
  tests: readonly ((item: T) => boolean)[]
  /** Stop at the first page holding a match of the first test (when the caller needs no other candidate). */
  stopEarly: boolean
}

/** The candidate this action wrote, and every candidate read on the way. */
export async function findMarked<T>(search: MarkedSearch<T>): Promise<{ found?: T; seen: T[] }> {
  const seen: T[] = []
  const [first] = search.tests
  for await (const page of search.pages) {
    seen.push(...page)
    if (search.stopEarly && first && page.some(first)) break
  }
  for (const test of search.tests) {
    const found = seen.find(test)
    if (found !== undefined) return { found, seen }
  }
  return { seen }
}

/**
 * Updates what was found, or creates it; says which. One deleted between the list and the update (404) is
 * created again, so a run never ends with none.
 */
export async function writeMarked<T>(
  found: T | undefined,
  write: { update(item: T): Promise<Written>; create(): Promise<Written> }
): Promise<{ url: string; created: boolean }> {
  if (found !== undefined) {
    try {
      return { url: (await write.update(found)).html_url, created: false }
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error
    }
  }
  return { url: (await write.create()).html_url, created: true }
}

/** The items of an Octokit page iterator. */
export async function* dataOf<T>(pages: AsyncIterable<{ data: T[] }>): AsyncIterable<T[]> {
  for await (const page of pages) yield page.data
}
