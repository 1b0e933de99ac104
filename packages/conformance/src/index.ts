// The conformance suite's parts, for reuse: the contract as the suite reads it, the response check,
// the case runner and the targets.
export type { ConformanceCase, Credential, Expectation, TargetException, TargetName } from './case.ts';
export { checkResponse, type Exchange, type ObservedResponse } from './check.ts';
export { type Contract, loadContract } from './contract.ts';
export { requestViolations, type Violation } from './request.ts';
export { type CaseOutcome, runCase } from './run.ts';
export { startMockTarget, startServerTarget, type Target, type TargetInstance } from './targets.ts';
