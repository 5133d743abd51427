/**
 * The move policy applied to one image: the classes its moves may have (the last matching rule, else the
 * policy's `moves`), the ignore entry that holds an option back, and what the run should say about the
 * policy itself (entries that ended or soon end, globs that matched nothing).
 */
import type { Glob, IgnoreEntry, MoveClass, MovePolicy, PolicyMatch, PolicyPlace } from '../types/moves.js'
import type { BaseImage, ParsedReport, Recommendation } from '../types/report.js'

/** An ignore entry's notice comes this many days before its `until`. */
export const EXPIRY_NOTICE_DAYS = 14
const DAY_MS = 86_400_000

/** What a rule or an ignore entry is matched on: the image, every name of its base, and (for an option) its tags. */
export interface MoveSubject {
  image: string
  /** The `Base image is` reference, and the base's name with each of its tags. */
  bases: string[]
  /** The option's tag and its "Also known as" tags; for a whole image, those of every option. */
  tags?: string[]
}

/** Every name the report gives the base: `node:18-alpine` is also `node:hydrogen-alpine3.18`. */
export function baseNames(base: BaseImage | undefined): string[] {
  if (base === undefined) return []
  const tags = [base.tag, base.lineTag, ...base.supportedTags]
  return [...new Set([base.reference, ...(base.name ? tags.map((tag) => `${base.name}:${tag}`) : [])])]
}

export const optionTags = (option: Recommendation): string[] => [option.tag, ...option.aliases]

/** An image as the policy sees it, with the tags of all its options. */
export function imageSubject(image: string, parsed: ParsedReport | undefined): MoveSubject {
  return { image, bases: baseNames(parsed?.base), tags: (parsed?.recommendations ?? []).flatMap(optionTags) }
}

const matchesAny = (globs: Glob[] | undefined, values: readonly string[] | undefined) =>
  globs === undefined || (values ?? []).some((value) => globs.some(({ pattern }) => pattern.test(value)))

/** Every list the rule or entry gives must match; a list matches when one of its globs matches one of the names. */
function matches(match: PolicyMatch, subject: MoveSubject): boolean {
  return matchesAny(match.images, [subject.image]) && matchesAny(match.bases, subject.bases) && matchesAny(match.tags, subject.tags)
}

/** The classes an allowed move of this image may have: the last rule that matches wins. */
export function movesFor(policy: MovePolicy, subject: MoveSubject): readonly MoveClass[] {
  return policy.rules.findLast((rule) => matches(rule, subject))?.moves ?? policy.moves
}

const hasEnded = (entry: IgnoreEntry, today: string) => entry.until < today

/** The ignore entry (still in force) that holds this option back, if any. */
export function ignoredBy(policy: MovePolicy, subject: MoveSubject): IgnoreEntry | undefined {
  return policy.ignore.find((entry) => !hasEnded(entry, policy.today) && matches(entry, subject))
}

export interface PolicyMessage {
  message: string
  place: PolicyPlace
}

/**
 * What the run says about its policy: a warning for each ignore entry whose `until` has passed (it no
 * longer ignores), a notice for one that ends within 14 days, and a notice for each glob that matched
 * nothing in this run (a typo, or an image that left; not said by a shard, which sees only its slice).
 */
export function policyMessages(
  policy: MovePolicy,
  subjects: readonly MoveSubject[],
  { wholeRun }: { wholeRun: boolean }
): { warnings: PolicyMessage[]; notices: PolicyMessage[] } {
  const warnings: PolicyMessage[] = []
  const notices: PolicyMessage[] = []
  const today = Date.parse(`${policy.today}T00:00:00Z`)
  for (const entry of policy.ignore) {
    const days = Math.round((Date.parse(`${entry.until}T00:00:00Z`) - today) / DAY_MS)
    const named = `the ignore entry "${entry.reason}"`
    if (days < 0) warnings.push({ message: `${named} ended on ${entry.until}: what it held back is proposed again`, place: entry.place })
    else if (days < EXPIRY_NOTICE_DAYS)
      notices.push({
        message: `${named} ends on ${entry.until}, ${days === 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`}`,
        place: entry.place
      })
  }
  const seen = {
    images: new Set(subjects.map((subject) => subject.image)),
    bases: new Set(subjects.flatMap((subject) => subject.bases)),
    tags: new Set(subjects.flatMap((subject) => subject.tags ?? []))
  }
  for (const item of wholeRun ? [...policy.rules, ...policy.ignore] : []) {
    for (const key of ['images', 'bases', 'tags'] as const) {
      for (const { glob, pattern } of (item as PolicyMatch)[key] ?? []) {
        if (![...seen[key]].some((value) => pattern.test(value)))
          notices.push({ message: `the ${key} glob ${JSON.stringify(glob)} matches nothing in this run`, place: item.place })
      }
    }
  }
  return { warnings, notices }
}

/** A policy of `moves` alone: no file, no rules, nothing ignored. */
export function policyOf(moves: readonly MoveClass[]): MovePolicy {
  return { moves: [...moves], rules: [], ignore: [], today: new Date().toISOString().slice(0, 10) }
}
