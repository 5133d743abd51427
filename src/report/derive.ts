/** Values Cartography derives from a report rather than reads from it; shared by the parser and the graph. */
import { isCheckMark } from './text.js'
import { SEVERITIES, type FixCounts, type VulnerabilityCounts } from '../types/report.js'

const OS_FLAVORS = new Set(['alpine', 'debian', 'ubuntu', 'wolfi', 'distroless'])
const DEBIAN_RELEASES = ['bookworm', 'bullseye', 'buster', 'trixie']
const UBUNTU_RELEASES = ['ubuntu', 'jammy', 'focal', 'noble']

/** Cartography's `infer_image_os`: the flavor when it names an OS, else a guess from the tag. */
export function inferOs(tag: string, flavor: string | undefined): string | undefined {
  if (flavor !== undefined && OS_FLAVORS.has(flavor.trim().toLowerCase())) return flavor.trim().toLowerCase()
  const lower = tag.toLowerCase()
  if (lower.includes('alpine')) return 'alpine'
  if (DEBIAN_RELEASES.some((name) => lower.includes(name))) return 'debian'
  if (UBUNTU_RELEASES.some((name) => lower.includes(name))) return 'ubuntu'
  return flavor?.toLowerCase()
}

export function isSlim(tag: string, slim: string | undefined): boolean {
  return isCheckMark(slim) || tag.toLowerCase().includes('slim')
}

/** What moving from `current` to `recommended` removes, per severity, floored at 0. */
export function fixCounts(current: VulnerabilityCounts | undefined, recommended: VulnerabilityCounts): FixCounts {
  const fixes = {} as FixCounts
  for (const severity of SEVERITIES) fixes[severity] = Math.max((current?.[severity] ?? 0) - recommended[severity], 0)
  return fixes
}
