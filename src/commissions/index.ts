export { calculateCarryover, type CarryoverResult, type CarryoverScope } from './calculate-carryover.js';
export { calculateNgr, type NgrInputs, type NgrResult } from './calculate-ngr.js';
export { calculateSplit } from './calculate-split.js';
export { type Band, calculateTieredAmount, findBand, type TierResult } from './calculate-tiered-amount.js';
export { createPeriodRun, emptyCarriedState, type PeriodRun } from './create-period-run.js';
export { type CpaDecision, type CpaSkipReason, decideCpa } from './decide-cpa.js';
export * from './types.js';
export { csvField, formatSimulation, type SimulationFormat, toJson } from './format-simulation.js';
export { type ActivityParseError, type ParseActivityResult, parseActivity } from './parse-activity.js';
export {
  runSimulation,
  type SimulationInput,
  type SimulationOutcome,
  type SimulationResult,
} from './run-simulation.js';
export { type SimulateCliInput, simulateFromText } from './simulate-cli.js';
