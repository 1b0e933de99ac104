/* tslint:disable */
/* eslint-disable */
export * from './ErrorResponse.js';
export * from './HealthStatus.js';
export * from './Platform.js';
export * from './SendServerInviteRequest.js';
export * from './ThrottledEntity.js';
