// Starts Prism on the contract: `startMock` for a mock, `startValidatingProxy` to validate a real
// server's traffic. Used by `pnpm mock` and by the conformance suite.
export {
  type MockOptions,
  type PrismInstance,
  type ProxyOptions,
  specPath,
  startMock,
  startValidatingProxy,
} from './prism.ts';
