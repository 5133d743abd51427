/** What every stage gets: the settings, where to speak, and the ledger its failures go into. */
import type { RunLedger } from '../ledger.js'
import type { Host } from '../host.js'
import type { Settings } from '../types/settings.js'

export interface Run {
  settings: Settings
  host: Host
  /** Each stage records its failures here, the same way; destructive stages ask it first. */
  ledger: RunLedger
}
