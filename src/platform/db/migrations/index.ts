import type { Migration } from 'kysely';
import * as m20261125T1700 from './20261125T1700-foundation.js';
import * as m20261125T1710 from './20261125T1710-tracking-assets.js';
import * as m20261125T1720 from './20261125T1720-partners-onboarding.js';
import * as m20261125T1730 from './20261125T1730-tracking-intake.js';
import * as m20261125T1740 from './20261125T1740-fx-rates.js';
import * as m20261125T1750 from './20261125T1750-ledger-payouts.js';
import * as m20261125T1800 from './20261125T1800-reporting.js';
import * as m20261125T1810 from './20261125T1810-accruals.js';
import * as m20261125T1900 from './20261125T1900-negative-balance.js';
import * as m20261125T1920 from './20261125T1920-reporting-months-saved-reports.js';
import * as m20261125T1930 from './20261125T1930-notifications.js';
import * as m20261125T1940 from './20261125T1940-claims.js';
import * as m20261125T1960 from './20261125T1960-deliverables.js';
import * as m20261125T1970 from './20261125T1970-activity-key-collation.js';

/**
 * Every migration, by timestamped name. Forward-only: a released migration is never edited; a change is a
 * new file. Listed statically so the same set runs from source (tests) and from the build.
 */
export const migrations: Record<string, Migration> = {
  '20261125T1700-foundation': m20261125T1700,
  '20261125T1710-tracking-assets': m20261125T1710,
  '20261125T1720-partners-onboarding': m20261125T1720,
  '20261125T1730-tracking-intake': m20261125T1730,
  '20261125T1740-fx-rates': m20261125T1740,
  '20261125T1750-ledger-payouts': m20261125T1750,
  '20261125T1800-reporting': m20261125T1800,
  '20261125T1810-accruals': m20261125T1810,
  '20261125T1900-negative-balance': m20261125T1900,
  '20261125T1920-reporting-months-saved-reports': m20261125T1920,
  '20261125T1930-notifications': m20261125T1930,
  '20261125T1940-claims': m20261125T1940,
  '20261125T1960-deliverables': m20261125T1960,
  '20261125T1970-activity-key-collation': m20261125T1970,
};
