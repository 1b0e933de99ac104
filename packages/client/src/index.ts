// Placeholder until the hand-written client API lands (issue: typed client package).
export * from './generated/index.js';
