import { type SimulationFormat, formatSimulation } from './format-simulation.js';
import { parseActivity } from './parse-activity.js';
import { runSimulation } from './run-simulation.js';
import type { DealVersion, HierarchyEdge } from './types.js';

export interface SimulateCliInput {
  /** Contents of --deal (deal terms JSON). */
  readonly dealText: string;
  /** Contents of --activity, and its format (from the file extension). */
  readonly activityText: string;
  readonly activityFormat: 'csv' | 'json';
  /** Contents of --hierarchy: JSON `{ "edges": HierarchyEdge[], "deals": DealVersion[] }` (optional). */
  readonly hierarchyText?: string;
  readonly format: SimulationFormat;
}

/**
 * The `consort simulate` adapter over already-read file contents: returns what to print and the exit
 * code (0 ok, 2 invalid input). File reading and printing stay with the caller.
 */
export function simulateFromText(input: SimulateCliInput): {
  exitCode: number;
  stdout: string;
  stderr: string;
} {
  let deal: unknown;
  try {
    deal = JSON.parse(input.dealText);
  } catch (e) {
    return { exitCode: 2, stdout: '', stderr: `deal: not JSON: ${(e as Error).message}\n` };
  }
  const activity = parseActivity(input.activityText, input.activityFormat);
  if (!activity.ok) {
    return {
      exitCode: 2,
      stdout: '',
      stderr:
        activity.errors.map((e) => `activity record ${e.record}: ${e.field} ${e.message}`).join('\n') + '\n',
    };
  }
  let hierarchy: HierarchyEdge[] = [];
  let otherDeals: DealVersion[] = [];
  if (input.hierarchyText) {
    try {
      const h = JSON.parse(input.hierarchyText) as { edges?: HierarchyEdge[]; deals?: DealVersion[] };
      hierarchy = h.edges ?? [];
      otherDeals = h.deals ?? [];
    } catch (e) {
      return { exitCode: 2, stdout: '', stderr: `hierarchy: not JSON: ${(e as Error).message}\n` };
    }
  }
  const outcome = runSimulation({ deal, activity: activity.rows, hierarchy, otherDeals });
  if (!outcome.ok)
    return {
      exitCode: 2,
      stdout: '',
      stderr: outcome.errors.map((e) => `deal ${e.path || '/'}: ${e.message}`).join('\n') + '\n',
    };
  return { exitCode: 0, stdout: formatSimulation(outcome.result, input.format), stderr: '' };
}
